#include "db/sqlite/SqliteConnection.h"

#include <cassert>
#include <limits>
#include <map>
#include <memory>
#include <string>

namespace gate::db::detail {

namespace {

struct Finalize {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using OwnedStatement = std::unique_ptr<sqlite3_stmt, Finalize>;

// SQLITE_TRANSIENT is an old-style cast in a macro; spelled out so the warning set holds.
// It tells SQLite to copy the bytes before the bind call returns.
sqlite3_destructor_type transient() noexcept {
    return reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));
}

// SQLite reads a null data pointer as NULL, so empty text and blobs need a real address.
constexpr char kEmpty[1] = {0};

}  // namespace

// ---- Statements -----------------------------------------------------------------------

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(stmt_);
}

void SqliteStatement::release() noexcept {
    if (!cached_) {
        delete this;
        return;
    }
    // Back to the cache, rewound: a statement left mid-read would pin a WAL snapshot.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    in_use = false;
}

Status<Error> SqliteStatement::bound(int rc, int index) const {
    if (rc != SQLITE_OK)
        return fail(sqlite_error(sqlite3_db_handle(stmt_), rc,
                                 "bind parameter " + std::to_string(index), sql()));
    return {};
}

Status<Error> SqliteStatement::bind_null(int index, ValueKind /*kind*/) {
    return bound(sqlite3_bind_null(stmt_, index), index);
}

Status<Error> SqliteStatement::bind_int64(int index, std::int64_t value) {
    return bound(sqlite3_bind_int64(stmt_, index, value), index);
}

Status<Error> SqliteStatement::bind_double(int index, double value) {
    return bound(sqlite3_bind_double(stmt_, index, value), index);
}

Status<Error> SqliteStatement::bind_text(int index, std::string_view value) {
    const char* data = value.empty() ? kEmpty : value.data();
    return bound(sqlite3_bind_text64(stmt_, index, data, value.size(), transient(), SQLITE_UTF8),
                 index);
}

Status<Error> SqliteStatement::bind_blob(int index, ByteView value) {
    const void* data = value.empty() ? static_cast<const void*>(kEmpty) : value.data();
    return bound(sqlite3_bind_blob64(stmt_, index, data, value.size(), transient()), index);
}

int SqliteStatement::parameter_count() const noexcept {
    return sqlite3_bind_parameter_count(stmt_);
}

int SqliteStatement::parameter_index(std::string_view name) const {
    const std::string terminated(name);
    return sqlite3_bind_parameter_index(stmt_, terminated.c_str());
}

Result<Step, Error> SqliteStatement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return Step::Row;
    if (rc == SQLITE_DONE) return Step::Done;
    return fail(sqlite_error(sqlite3_db_handle(stmt_), rc, "step", sql()));
}

void SqliteStatement::reset() noexcept {
    // reset() repeats the last step's error, which step() has already reported.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

int SqliteStatement::column_count() const noexcept {
    return sqlite3_column_count(stmt_);
}

ColumnType SqliteStatement::column_type(int column) const noexcept {
    switch (sqlite3_column_type(stmt_, column)) {
        case SQLITE_INTEGER:
            return ColumnType::Integer;
        case SQLITE_FLOAT:
            return ColumnType::Real;
        case SQLITE_TEXT:
            return ColumnType::Text;
        case SQLITE_BLOB:
            return ColumnType::Blob;
        default:
            return ColumnType::Null;
    }
}

std::int64_t SqliteStatement::column_int64(int column) const noexcept {
    return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::column_double(int column) const noexcept {
    return sqlite3_column_double(stmt_, column);
}

std::string_view SqliteStatement::column_text(int column) const noexcept {
    // text before bytes: the documented order that yields the UTF-8 length.
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

ByteView SqliteStatement::column_blob(int column) const noexcept {
    const void* blob = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (blob == nullptr) return {};
    return {static_cast<const std::uint8_t*>(blob), static_cast<std::size_t>(size)};
}

std::string_view SqliteStatement::column_name(int column) const noexcept {
    const char* name = sqlite3_column_name(stmt_, column);
    return name != nullptr ? std::string_view(name) : std::string_view();
}

std::string_view SqliteStatement::sql() const noexcept {
    const char* text = stmt_ != nullptr ? sqlite3_sql(stmt_) : nullptr;
    return text != nullptr ? std::string_view(text) : std::string_view();
}

// ---- Connection -----------------------------------------------------------------------

SqliteConnection::~SqliteConnection() {
    for ([[maybe_unused]] auto& [sql, statement] : cache_) {
        // A Statement outliving its Database is a caller bug; it would dangle.
        assert(!statement->in_use && "a Statement outlived its Database");
    }
    cache_.clear();
    // close_v2 also copes with anything left unfinalized instead of failing with BUSY.
    sqlite3_close_v2(db_);
    if (in_gate_) gate_->mutex.unlock();  // closing rolled the transaction back
}

Result<sqlite3_stmt*, Error> prepare_one(sqlite3* db, std::string_view sql, unsigned flags) {
    if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return fail(Error{ErrorCode::Misuse, 0, "SQL text too long", {}});
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc =
        sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &raw, &tail);
    OwnedStatement stmt(raw);
    if (rc != SQLITE_OK) return fail(sqlite_error(db, rc, "prepare", sql));
    if (!stmt)
        return fail(Error{ErrorCode::Misuse, 0, "no SQL statement in text", std::string(sql)});
    // Text after the first statement would be silently ignored; only comments and
    // whitespace may follow (they prepare to no statement).
    const char* end = sql.data() + sql.size();
    if (tail != nullptr && tail < end) {
        sqlite3_stmt* extra_raw = nullptr;
        const int extra_rc =
            sqlite3_prepare_v3(db, tail, static_cast<int>(end - tail), 0, &extra_raw, nullptr);
        const OwnedStatement extra(extra_raw);
        if (extra_rc != SQLITE_OK || extra)
            return fail(Error{ErrorCode::Misuse, 0,
                              "more than one statement; use exec() for scripts", std::string(sql)});
    }
    return stmt.release();
}

Result<StatementEngine*, Error> SqliteConnection::acquire(std::string_view sql) {
    if (auto found = cache_.find(sql); found != cache_.end()) {
        SqliteStatement& cached = *found->second;
        if (!cached.in_use) {
            cached.in_use = true;
            cached.last_used = ++clock_;
            return static_cast<StatementEngine*>(&cached);
        }
        // Already borrowed (the same query nested in a for_each): a private copy.
        auto fresh = prepare_one(db_, sql, 0);
        if (!fresh.ok()) return fail(fresh.error());
        return static_cast<StatementEngine*>(new SqliteStatement(*fresh, false));
    }
    auto fresh = prepare_one(db_, sql, SQLITE_PREPARE_PERSISTENT);
    if (!fresh.ok()) return fail(fresh.error());
    if (cache_.size() >= kCapacity) evict_one();
    if (cache_.size() >= kCapacity)  // every slot borrowed
        return static_cast<StatementEngine*>(new SqliteStatement(*fresh, false));
    auto statement = std::make_unique<SqliteStatement>(*fresh, true);
    statement->in_use = true;
    statement->last_used = ++clock_;
    auto [placed, inserted] = cache_.emplace(std::string(sql), std::move(statement));
    assert(inserted);
    return static_cast<StatementEngine*>(placed->second.get());
}

void SqliteConnection::evict_one() noexcept {
    auto oldest = cache_.end();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
        if (it->second->in_use) continue;
        if (oldest == cache_.end() || it->second->last_used < oldest->second->last_used)
            oldest = it;
    }
    if (oldest != cache_.end()) cache_.erase(oldest);
}

Status<Error> SqliteConnection::run(std::string_view sql) {
    auto acquired = acquire(sql);
    if (!acquired.ok()) return fail(acquired.error());
    StatementEngine* statement = *acquired;
    Status<Error> status;
    for (;;) {
        auto step = statement->step();
        if (!step.ok()) {
            status = fail(step.error());
            break;
        }
        if (*step == Step::Done) break;
    }
    statement->release();
    return status;
}

Status<Error> SqliteConnection::exec(std::string_view script) {
    const char* next = script.data();
    const char* const end = script.data() + script.size();
    while (next < end) {
        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        const auto remaining = static_cast<std::size_t>(end - next);
        if (remaining > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            return fail(Error{ErrorCode::Misuse, 0, "SQL script too long", {}});
        const int prepared =
            sqlite3_prepare_v3(db_, next, static_cast<int>(remaining), 0, &raw, &tail);
        if (prepared != SQLITE_OK)
            return fail(sqlite_error(db_, prepared, "prepare", {next, remaining}));
        if (raw == nullptr) break;  // only whitespace or comments were left
        const OwnedStatement statement(raw);
        int rc = SQLITE_ROW;
        while (rc == SQLITE_ROW)
            rc = sqlite3_step(raw);
        if (rc != SQLITE_DONE) return fail(sqlite_error(db_, rc, "step", sqlite3_sql(raw)));
        next = tail;
    }
    return {};
}

std::shared_ptr<WriterGate> writer_gate(const std::filesystem::path& path,
                                        std::chrono::milliseconds timeout) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(path, ec);
    if (ec) canonical = std::filesystem::absolute(path, ec);
    static std::mutex registry_mutex;
    static std::map<std::string, std::weak_ptr<WriterGate>> registry;
    std::lock_guard lock(registry_mutex);
    std::erase_if(registry, [](const auto& kv) { return kv.second.expired(); });
    auto& slot = registry[canonical.string()];
    auto gate = slot.lock();
    if (!gate) {
        gate = std::make_shared<WriterGate>();
        gate->timeout = timeout;
        slot = gate;
    }
    return gate;
}

Status<Error> SqliteConnection::begin(TransactionKind kind) {
    std::string_view sql = "BEGIN IMMEDIATE";
    if (kind == TransactionKind::Deferred) sql = "BEGIN DEFERRED";
    if (kind == TransactionKind::Exclusive) sql = "BEGIN EXCLUSIVE";
    if (kind != TransactionKind::Deferred && gate_ && !in_gate_) {
        if (!gate_->mutex.try_lock_for(gate_->timeout))
            return fail(Error{ErrorCode::Busy, SQLITE_BUSY,
                              "database is locked by another writer in this process (for "
                              "longer than the busy timeout)",
                              std::string(sql)});
        in_gate_ = true;
    }
    auto begun = run(sql);
    if (!begun.ok()) leave_gate_if_done();
    return begun;
}

Status<Error> SqliteConnection::commit() {
    auto committed = run("COMMIT");
    leave_gate_if_done();  // a COMMIT that failed BUSY leaves the transaction open
    return committed;
}

Status<Error> SqliteConnection::rollback() {
    auto rolled_back = run("ROLLBACK");
    leave_gate_if_done();
    return rolled_back;
}

void SqliteConnection::leave_gate_if_done() noexcept {
    if (in_gate_ && sqlite3_get_autocommit(db_) != 0) {
        in_gate_ = false;
        gate_->mutex.unlock();
    }
}

bool SqliteConnection::in_transaction() const noexcept {
    return sqlite3_get_autocommit(db_) == 0;
}

std::int64_t SqliteConnection::last_insert_rowid() const noexcept {
    return sqlite3_last_insert_rowid(db_);
}

std::int64_t SqliteConnection::changes() const noexcept {
    return sqlite3_changes64(db_);
}

Result<int, Error> SqliteConnection::schema_version() {
    auto acquired = acquire("PRAGMA user_version");
    if (!acquired.ok()) return fail(acquired.error());
    StatementEngine* statement = *acquired;
    auto step = statement->step();
    Result<int, Error> version = 0;
    if (!step.ok())
        version = fail(step.error());
    else if (*step == Step::Row)
        version = static_cast<int>(statement->column_int64(0));
    statement->release();
    return version;
}

Status<Error> SqliteConnection::set_schema_version(int version) {
    // PRAGMA takes no parameters; the number is the code's own constant, not input.
    return exec("PRAGMA user_version = " + std::to_string(version));
}

}  // namespace gate::db::detail
