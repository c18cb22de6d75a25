#include "gate/db/Database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "db/Connection.h"

namespace gate::db {

namespace {

int open_flags(const OpenOptions& options) noexcept {
    // NOMUTEX: a connection is used by one thread at a time, so SQLite's per-connection
    // mutex is pure cost. Each process and thread opens its own connection.
    int flags = SQLITE_OPEN_NOMUTEX;
    if (options.read_only) {
        flags |= SQLITE_OPEN_READONLY;
    } else {
        flags |= SQLITE_OPEN_READWRITE;
        if (options.create) flags |= SQLITE_OPEN_CREATE;
    }
    return flags;
}

int timeout_ms(std::chrono::milliseconds timeout) noexcept {
    const auto clamped = std::clamp<std::chrono::milliseconds::rep>(
        timeout.count(), 0, std::numeric_limits<int>::max());
    return static_cast<int>(clamped);
}

bool is_in_memory(const std::filesystem::path& path) {
    return path.empty() || path == ":memory:";
}

// SQLite creates a new database file 0644 (less the umask) and gives its -wal and -shm files
// the database file's mode, so whoever may read the database may read its journal too.
// Creating a new file here first, owner-only, makes all three owner-only.
void create_owner_only(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd >= 0) ::close(fd);  // EEXIST: keep the file as it is; other errors: SQLite says why
}

// A database an older build created (0644) loses access for others; its group's access stays,
// since a deployment may give the service's group access on purpose. Only this user's
// files; a missing one is left to SQLite.
void withdraw_world_access(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || info.st_uid != ::geteuid()) return;
    if ((info.st_mode & S_IRWXO) != 0)
        static_cast<void>(::chmod(path.c_str(), info.st_mode & 07777 & ~mode_t{S_IRWXO}));
}

Error with_path(Error error, const std::filesystem::path& path) {
    error.message = "open '" + path.string() + "': " + error.message;
    return error;
}

}  // namespace

Result<Database, Error> Database::open(const std::filesystem::path& path,
                                       const OpenOptions& options) {
    const bool on_disk = !options.read_only && !is_in_memory(path);
    if (on_disk) {
        if (options.create) create_owner_only(path);
        // Side files left by an older build take the database's mode only when recreated.
        for (const char* suffix : {"", "-wal", "-shm"})
            withdraw_world_access(path.string() + suffix);
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, open_flags(options), nullptr);
    // Even a failed open may allocate a handle; Connection closes it either way.
    auto conn = std::make_unique<detail::Connection>(raw);
    if (rc != SQLITE_OK) return fail(with_path(detail::sqlite_error(raw, rc, {}, {}), path));

    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, timeout_ms(options.busy_timeout));
    Database db(std::move(conn));

    // sqlite3_open_v2 does not read the file. Reading the schema does, so a file that is not
    // a database is reported here, before any pragma could write to it.
    if (auto probe = db.exec("SELECT count(*) FROM sqlite_schema"); !probe.ok())
        return fail(with_path(probe.error(), path));

    if (options.wal && !options.read_only) {
        auto mode = db.query_one<std::string>("PRAGMA journal_mode = WAL");
        if (!mode.ok()) return fail(with_path(mode.error(), path));
        if (*mode != "wal" && !is_in_memory(path))
            return fail(with_path(
                Error{ErrorCode::Io, 0,
                      "WAL journal could not be enabled (journal_mode is '" + *mode + "')",
                      "PRAGMA journal_mode = WAL"},
                path));
    }

    // Fixed texts chosen from the options: nothing from outside reaches the SQL.
    const std::string_view synchronous = options.synchronous == Synchronous::Full
                                             ? "PRAGMA synchronous = FULL"
                                             : "PRAGMA synchronous = NORMAL";
    if (auto set = db.exec(synchronous); !set.ok()) return fail(with_path(set.error(), path));
    const std::string_view foreign_keys =
        options.foreign_keys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF";
    if (auto set = db.exec(foreign_keys); !set.ok()) return fail(with_path(set.error(), path));
    return db;
}

Database::Database(std::unique_ptr<detail::Connection> conn) noexcept : conn_(std::move(conn)) {}
Database::Database(Database&& other) noexcept = default;
Database& Database::operator=(Database&& other) noexcept = default;
Database::~Database() = default;

Status<Error> Database::exec(std::string_view script) {
    sqlite3* db = conn_->handle();
    const char* next = script.data();
    const char* const end = script.data() + script.size();
    while (next < end) {
        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        const auto remaining = static_cast<std::size_t>(end - next);
        if (remaining > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            return fail(Error{ErrorCode::Misuse, 0, "SQL script too long", {}});
        const int prepared =
            sqlite3_prepare_v3(db, next, static_cast<int>(remaining), 0, &raw, &tail);
        if (prepared != SQLITE_OK)
            return fail(detail::sqlite_error(db, prepared, "prepare", {next, remaining}));
        if (raw == nullptr) break;  // only whitespace or comments were left
        Statement statement(raw, nullptr);
        if (auto ran = run_to_end(statement); !ran.ok()) return ran;
        next = tail;
    }
    return {};
}

Result<Statement, Error> Database::prepare(std::string_view sql) {
    auto prepared = conn_->acquire(sql);
    if (!prepared.ok()) return fail(prepared.error());
    return Statement(prepared->stmt, prepared->slot);
}

Status<Error> Database::run_to_end(Statement& statement) {
    for (;;) {
        auto step = statement.step();
        if (!step.ok()) return fail(step.error());
        if (*step == Step::Done) return {};
    }
}

Error Database::too_few_columns(const Statement& statement, std::size_t wanted) {
    return Error{ErrorCode::Misuse, 0,
                 "query returns " + std::to_string(statement.column_count()) + " columns, " +
                     std::to_string(wanted) + " requested",
                 std::string(statement.sql())};
}

Result<Transaction, Error> Database::begin(TransactionKind kind) {
    if (in_transaction())
        return fail(Error{ErrorCode::Misuse,
                          0,
                          "a transaction is already open on this connection (no nesting)",
                          {}});
    std::string_view sql = "BEGIN IMMEDIATE";
    if (kind == TransactionKind::Deferred) sql = "BEGIN DEFERRED";
    if (kind == TransactionKind::Exclusive) sql = "BEGIN EXCLUSIVE";
    if (auto begun = conn_->run(sql); !begun.ok()) return fail(begun.error());
    return Transaction(conn_.get());
}

bool Database::in_transaction() const noexcept {
    return sqlite3_get_autocommit(conn_->handle()) == 0;
}

std::int64_t Database::last_insert_rowid() const noexcept {
    return sqlite3_last_insert_rowid(conn_->handle());
}

std::int64_t Database::changes() const noexcept {
    return sqlite3_changes64(conn_->handle());
}

std::size_t Database::cached_statements() const noexcept {
    return conn_->cached();
}

}  // namespace gate::db
