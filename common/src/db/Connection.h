#pragma once
// Connection: the state behind a Database handle (the sqlite3 handle and its statement
// cache). It lives on the heap so Statements and Transactions can point at it while the
// Database handle itself is moved around.

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gate/Result.h"
#include "gate/db/Error.h"

namespace gate::db::detail {

/// One cached prepared statement. `in_use` while a Statement has borrowed it.
struct CacheSlot {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
    std::uint64_t last_used = 0;
};

/// A prepared statement handed out by the connection; slot is null if it is not cached.
struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    CacheSlot* slot = nullptr;
};

class Connection {
  public:
    explicit Connection(sqlite3* db) noexcept : db_(db) {}
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    sqlite3* handle() const noexcept { return db_; }

    /// A statement for `sql`, from the cache when one is idle there.
    Result<Prepared, Error> acquire(std::string_view sql);

    /// Runs one parameterless statement to its end through the cache (BEGIN, COMMIT ...).
    Status<Error> run(std::string_view sql);

    std::size_t cached() const noexcept { return cache_.size(); }

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

    void evict_one() noexcept;

    sqlite3* db_;
    std::unordered_map<std::string, CacheSlot, Hash, std::equal_to<>> cache_;
    std::uint64_t clock_ = 0;
};

/// Prepares exactly one statement; more than one in `sql` is Misuse, none is Misuse.
Result<sqlite3_stmt*, Error> prepare_one(sqlite3* db, std::string_view sql, unsigned flags);

/// ErrorCode for an SQLite (extended) result code.
ErrorCode classify(int sqlite_code) noexcept;

/// An Error for a failed SQLite call on `db`: its code, sqlite3_errmsg and our context.
Error sqlite_error(sqlite3* db, int sqlite_code, std::string_view context, std::string_view sql);

}  // namespace gate::db::detail
