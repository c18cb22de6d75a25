#include "gate/device/SyncStatusStore.h"

#include <tuple>

#include "Rows.h"
#include "gate/device/DeviceDatabase.h"

namespace gate::device {

// ---- sync status ------------------------------------------------------------------------

Result<SyncStatus, db::Error> SyncStatusStore::sync_status() {
    auto& db = database_.connection();
    auto row = db.query_one<std::int64_t, std::string, std::int64_t, std::optional<std::int64_t>,
                            std::optional<std::int64_t>, std::int64_t, bool, std::string>(
        "SELECT device_id, backend_url, cursor, last_sync_at, last_attempt_at, clock_offset_ms, "
        "online, last_error FROM sync_state WHERE id = 1");
    if (!row) return fail(row.error());
    SyncStatus status;
    std::tie(status.device_id, status.backend_url, status.cursor, status.last_sync_at,
             status.last_attempt_at, status.clock_offset_ms, status.online, status.last_error) =
        std::move(row).value();
    auto depth = db.query_one<std::int64_t>("SELECT count(*) FROM scan WHERE synced = 0");
    if (!depth) return fail(depth.error());
    status.queue_depth = *depth;
    return status;
}

Status<db::Error> SyncStatusStore::set_identity(std::int64_t device_id,
                                                std::string_view backend_url) {
    auto& db = database_.connection();
    database_.note_local_write();
    return rows::in_transaction(db, [&] {
        return db.execute("UPDATE sync_state SET device_id = ?, backend_url = ? WHERE id = 1",
                          device_id, backend_url);
    });
}

Status<db::Error> SyncStatusStore::record_sync_success(std::int64_t at_ms,
                                                       std::int64_t clock_offset_ms) {
    auto& db = database_.connection();
    database_.note_local_write();
    return rows::in_transaction(db, [&] {
        return db.execute(
            "UPDATE sync_state SET online = 1, last_sync_at = ?1, last_attempt_at = ?1, "
            "clock_offset_ms = ?2, last_error = '' WHERE id = 1",
            at_ms, clock_offset_ms);
    });
}

Status<db::Error> SyncStatusStore::record_sync_failure(std::int64_t at_ms, std::string_view error) {
    auto& db = database_.connection();
    database_.note_local_write();
    return rows::in_transaction(db, [&] {
        return db.execute(
            "UPDATE sync_state SET online = 0, last_attempt_at = ?, last_error = ? WHERE id = 1",
            at_ms, error);
    });
}

}  // namespace gate::device
