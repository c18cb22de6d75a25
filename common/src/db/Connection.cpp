#include "db/Connection.h"

#include <cassert>
#include <limits>
#include <memory>

namespace gate::db::detail {

namespace {

struct Finalize {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using OwnedStatement = std::unique_ptr<sqlite3_stmt, Finalize>;

}  // namespace

Connection::~Connection() {
    for (auto& [sql, slot] : cache_) {
        // A Statement outliving its Database is a caller bug; its slot would dangle.
        assert(!slot.in_use && "a Statement outlived its Database");
        sqlite3_finalize(slot.stmt);
    }
    // close_v2 also copes with anything left unfinalized instead of failing with BUSY.
    sqlite3_close_v2(db_);
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

Result<Prepared, Error> Connection::acquire(std::string_view sql) {
    if (auto found = cache_.find(sql); found != cache_.end()) {
        CacheSlot& slot = found->second;
        if (!slot.in_use) {
            slot.in_use = true;
            slot.last_used = ++clock_;
            return Prepared{slot.stmt, &slot};
        }
        // Already borrowed (the same query nested in a for_each): a private copy.
        auto fresh = prepare_one(db_, sql, 0);
        if (!fresh.ok()) return fail(fresh.error());
        return Prepared{*fresh, nullptr};
    }

    auto fresh = prepare_one(db_, sql, SQLITE_PREPARE_PERSISTENT);
    if (!fresh.ok()) return fail(fresh.error());
    if (cache_.size() >= kCapacity) evict_one();
    if (cache_.size() >= kCapacity) return Prepared{*fresh, nullptr};  // every slot borrowed
    auto [placed, inserted] = cache_.emplace(std::string(sql), CacheSlot{*fresh, true, ++clock_});
    assert(inserted);
    return Prepared{placed->second.stmt, &placed->second};
}

void Connection::evict_one() noexcept {
    auto oldest = cache_.end();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
        if (it->second.in_use) continue;
        if (oldest == cache_.end() || it->second.last_used < oldest->second.last_used) oldest = it;
    }
    if (oldest == cache_.end()) return;
    sqlite3_finalize(oldest->second.stmt);
    cache_.erase(oldest);
}

Status<Error> Connection::run(std::string_view sql) {
    auto prepared = acquire(sql);
    if (!prepared.ok()) return fail(prepared.error());
    sqlite3_stmt* stmt = prepared->stmt;
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(stmt);
    Status<Error> status;
    if (rc != SQLITE_DONE) status = fail(sqlite_error(db_, rc, {}, sql));
    if (prepared->slot != nullptr) {
        sqlite3_reset(stmt);
        prepared->slot->in_use = false;
    } else {
        sqlite3_finalize(stmt);
    }
    return status;
}

}  // namespace gate::db::detail
