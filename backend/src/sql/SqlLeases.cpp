// SqlStore: leases. One statement takes or renews a lease, so two processes asking at once
// cannot both get it: the row's current holder keeps it until it expires.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

StoreResult<bool> SqlStore::hold_lease(const std::string& name, const std::string& holder,
                                       std::int64_t now, std::int64_t ttl_ms) {
    return batched([&](db::Database& db) -> StoreResult<bool> {
        GATE_TRY_DB(
            db.execute("INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                       "expires_at = excluded.expires_at "
                       "WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
                       name, holder, now + ttl_ms, now));
        return db.changes() == 1;
    });
}

StoreStatus SqlStore::release_lease(const std::string& name, const std::string& holder) {
    return batched([&](db::Database& db) -> StoreStatus {
        GATE_TRY_DB(db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", name, holder));
        return {};
    });
}

}  // namespace gate::backend::sql
