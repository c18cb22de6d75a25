// SqlStore: rate limits shared by every process on the database. A bucket is one row; one
// upsert refills it for the time since it was last touched, takes a token if there is one
// and says whether it did, so two processes taking from one bucket at once are serialized
// by the row and neither can spend a token the other spent.
#include <cmath>

#include "sql/SqlStore.h"

namespace gate::backend::sql {

namespace {

// The bucket's tokens after refilling from its last touch to `excluded.at` (never past the
// capacity, never drained by a clock that went back). Parameters: rate, capacity, capacity,
// rate.
constexpr std::string_view kRefilled =
    "(CASE WHEN rate_buckets.tokens + (CASE WHEN excluded.at > rate_buckets.at "
    "THEN excluded.at - rate_buckets.at ELSE 0 END) * ? > ? THEN ? "
    "ELSE rate_buckets.tokens + (CASE WHEN excluded.at > rate_buckets.at "
    "THEN excluded.at - rate_buckets.at ELSE 0 END) * ? END)";

std::string take_sql() {
    const std::string r(kRefilled);
    return "INSERT INTO rate_buckets (name, tokens, at, full_at, granted) VALUES (?, ?, ?, ?, 1) "
           "ON CONFLICT (name) DO UPDATE SET "
           "granted = CASE WHEN " +
           r +
           " >= 1 THEN 1 ELSE 0 END, "
           "tokens = CASE WHEN " +
           r + " >= 1 THEN " + r + " - 1 ELSE " + r +
           " END, "
           "at = CASE WHEN excluded.at > rate_buckets.at THEN excluded.at ELSE rate_buckets.at "
           "END, "
           "full_at = excluded.full_at "
           "RETURNING granted, tokens";
}

}  // namespace

StoreResult<std::int64_t> SqlStore::take_rate_token(const std::string& key, std::int64_t per_minute,
                                                    std::int64_t burst, std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<std::int64_t> {
        if (per_minute <= 0) return std::int64_t{0};
        const double rate = static_cast<double>(per_minute) / 60000.0;  // tokens per millisecond
        const double capacity = static_cast<double>(std::max<std::int64_t>(1, burst));
        // Empty at worst now, the bucket is full by then: after that its row can go.
        const auto full_at = now + static_cast<std::int64_t>(std::ceil(capacity / rate));
        static const std::string sql = take_sql();
        auto row = db.query_one<std::int64_t, double>(
            sql, key, capacity - 1.0, now, full_at,  // the new bucket
            rate, capacity, capacity, rate,          // granted
            rate, capacity, capacity, rate,          // tokens: test
            rate, capacity, capacity, rate,          // tokens: taken
            rate, capacity, capacity, rate);         // tokens: refused
        if (!row.ok()) return fail(failure(row.error()));
        const auto& [granted, tokens] = *row;
        if (granted != 0) return std::int64_t{0};
        return std::max<std::int64_t>(1,
                                      static_cast<std::int64_t>(std::ceil((1.0 - tokens) / rate)));
    });
}

StoreStatus SqlStore::prune_rate_buckets(std::int64_t now) {
    return batched([&](db::Database& db) -> StoreStatus {
        GATE_TRY_DB(db.execute("DELETE FROM rate_buckets WHERE full_at <= ?", now));
        return {};
    });
}

}  // namespace gate::backend::sql
