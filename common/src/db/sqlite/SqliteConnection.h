#pragma once
// The SQLite engine behind Database: a connection (the sqlite3 handle and its cache of
// prepared statements) and its statements. Connection and statements live on the heap so
// Statements and Transactions can point at them while the Database handle is moved around.

#include <sqlite3.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gate/Result.h"
#include "gate/db/Engine.h"
#include "gate/db/Error.h"

namespace gate::db::detail {

class SqliteStatement final : public StatementEngine {
  public:
    /// Owns `stmt`; a cached one goes back to its connection's cache on release().
    SqliteStatement(sqlite3_stmt* stmt, bool cached) noexcept : stmt_(stmt), cached_(cached) {}
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;
    ~SqliteStatement() override;

    Status<Error> bind_null(int index, ValueKind kind) override;
    Status<Error> bind_int64(int index, std::int64_t value) override;
    Status<Error> bind_double(int index, double value) override;
    Status<Error> bind_text(int index, std::string_view value) override;
    Status<Error> bind_blob(int index, ByteView value) override;
    int parameter_count() const noexcept override;
    int parameter_index(std::string_view name) const override;
    Result<Step, Error> step() override;
    void reset() noexcept override;
    int column_count() const noexcept override;
    ColumnType column_type(int column) const noexcept override;
    std::int64_t column_int64(int column) const noexcept override;
    double column_double(int column) const noexcept override;
    std::string_view column_text(int column) const noexcept override;
    ByteView column_blob(int column) const noexcept override;
    std::string_view column_name(int column) const noexcept override;
    std::string_view sql() const noexcept override;
    void release() noexcept override;

    bool in_use = false;          // borrowed by a Statement (cached ones only)
    std::uint64_t last_used = 0;  // for evicting the least recently used

  private:
    Status<Error> bound(int rc, int index) const;

    sqlite3_stmt* stmt_;
    bool cached_;
};

/// One per database file in this process: writers of the file queue on it before they ask
/// SQLite for its write lock. SQLite's own wait (the busy handler) sleeps and polls, which
/// under many writers costs milliseconds per transaction; a mutex wakes the next writer
/// the moment the last one commits. Other processes still meet SQLite's lock.
struct WriterGate {
    std::timed_mutex mutex;
    std::chrono::milliseconds timeout{5000};
};

/// The gate of the file at `path` (by its canonical path); null for an in-memory
/// database, which no other connection shares.
std::shared_ptr<WriterGate> writer_gate(const std::filesystem::path& path,
                                        std::chrono::milliseconds timeout);

class SqliteConnection final : public Connection {
  public:
    explicit SqliteConnection(sqlite3* db) noexcept : db_(db) {}
    /// Write transactions (IMMEDIATE, EXCLUSIVE) pass `gate` first.
    void set_writer_gate(std::shared_ptr<WriterGate> gate) noexcept { gate_ = std::move(gate); }
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;
    ~SqliteConnection() override;

    sqlite3* handle() const noexcept { return db_; }

    std::string_view engine() const noexcept override { return "sqlite"; }
    Result<StatementEngine*, Error> acquire(std::string_view sql) override;
    Status<Error> exec(std::string_view script) override;
    Status<Error> begin(TransactionKind kind) override;
    Status<Error> commit() override;
    Status<Error> rollback() override;
    bool in_transaction() const noexcept override;
    std::int64_t last_insert_rowid() const noexcept override;
    std::int64_t changes() const noexcept override;
    std::size_t cached() const noexcept override { return cache_.size(); }
    Result<int, Error> schema_version() override;
    Status<Error> set_schema_version(int version) override;

  private:
    // Enough for every distinct statement a part of this project runs; beyond it the least
    // recently used idle statement is dropped.
    static constexpr std::size_t kCapacity = 128;

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    /// Runs one parameterless statement to its end through the cache (BEGIN, COMMIT ...).
    Status<Error> run(std::string_view sql);
    void evict_one() noexcept;

    /// Gives the gate back once no transaction is open any more.
    void leave_gate_if_done() noexcept;

    sqlite3* db_;
    std::shared_ptr<WriterGate> gate_;
    bool in_gate_ = false;
    std::unordered_map<std::string, std::unique_ptr<SqliteStatement>, Hash, std::equal_to<>> cache_;
    std::uint64_t clock_ = 0;
};

/// Prepares exactly one statement; more than one in `sql` is Misuse, none is Misuse.
Result<sqlite3_stmt*, Error> prepare_one(sqlite3* db, std::string_view sql, unsigned flags);

/// ErrorCode for an SQLite (extended) result code.
ErrorCode classify(int sqlite_code) noexcept;

/// An Error for a failed SQLite call on `db`: its code, sqlite3_errmsg and our context.
Error sqlite_error(sqlite3* db, int sqlite_code, std::string_view context, std::string_view sql);

}  // namespace gate::db::detail
