// SqlStore: Idempotency-Key bookkeeping. The key is claimed in an IMMEDIATE transaction,
// so of two requests racing with one key exactly one runs.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

StoreResult<IdempotentStart> SqlStore::start_idempotent(
    std::int64_t user_id, const std::string& route, const std::string& key,
    const std::string& body_hash, std::int64_t now, std::int64_t keep_ms, std::int64_t stale_ms) {
    return batched([&](db::Database& db) -> StoreResult<IdempotentStart> {
        GATE_TRY_DB(db.execute("DELETE FROM idempotency_keys WHERE created_at < ?", now - keep_ms));
        auto row = db.query_optional<std::string, std::int64_t, std::string, std::int64_t>(
            "SELECT body_hash, status, response, created_at FROM idempotency_keys "
            "WHERE user_id = ? AND route = ? AND key = ?",
            user_id, route, key);
        if (!row.ok()) return fail(failure(row.error()));
        IdempotentStart start;
        if (row->has_value()) {
            const auto& [hash, status, response, created_at] = **row;
            if (hash != body_hash) {
                start.outcome = IdempotentStart::Outcome::OtherBody;
            } else if (status != 0) {
                start.outcome = IdempotentStart::Outcome::Replay;
                start.status = static_cast<int>(status);
                start.response = response;
            } else if (created_at > now - stale_ms) {
                start.outcome = IdempotentStart::Outcome::Running;
            } else {  // the first request's process died before it answered: run it again
                GATE_TRY_DB(db.execute(
                    "UPDATE idempotency_keys SET created_at = ? WHERE user_id = ? AND route = ? "
                    "AND key = ?",
                    now, user_id, route, key));
            }
        } else {
            GATE_TRY_DB(db.execute(
                "INSERT INTO idempotency_keys (user_id, route, key, body_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                user_id, route, key, body_hash, now));
        }
        return start;
    });
}

StoreStatus SqlStore::finish_idempotent(std::int64_t user_id, const std::string& route,
                                        const std::string& key, int status,
                                        const std::string& response) {
    return batched([&](db::Database& db) -> StoreStatus {
        if (status == 0) {
            GATE_TRY_DB(db.execute(
                "DELETE FROM idempotency_keys WHERE user_id = ? AND route = ? AND key = ?", user_id,
                route, key));
            return {};
        }
        GATE_TRY_DB(db.execute(
            "UPDATE idempotency_keys SET status = ?, response = ? WHERE user_id = ? AND route = ? "
            "AND key = ?",
            status, response, user_id, route, key));
        return {};
    });
}

}  // namespace gate::backend::sql
