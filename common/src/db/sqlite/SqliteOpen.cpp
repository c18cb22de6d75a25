#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "db/sqlite/SqliteConnection.h"
#include "gate/db/Database.h"

// Database::open: an SQLite file with the project's durability settings.
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
    auto conn = std::make_unique<detail::SqliteConnection>(raw);
    if (rc != SQLITE_OK) return fail(with_path(detail::sqlite_error(raw, rc, {}, {}), path));

    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, timeout_ms(options.busy_timeout));
    if (!is_in_memory(path) && !options.read_only)
        conn->set_writer_gate(detail::writer_gate(path, options.busy_timeout));
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

}  // namespace gate::db
