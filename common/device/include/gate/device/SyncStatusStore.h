#pragma once
// SyncStatusStore: who this device is (id, backend URL), where its cache stands (cursor) and
// how its link to the backend went last (online, clock offset, last error): written by
// provisioning and gate-syncd, shown by the scanner. It borrows its DeviceDatabase.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gate/Result.h"
#include "gate/db/Error.h"

namespace gate::device {

class DeviceDatabase;

/// The sync daemon's view of the link, as the scanner shows it.
struct SyncStatus {
    std::int64_t device_id = 0;
    std::string backend_url;
    std::int64_t cursor = 0;
    std::optional<std::int64_t> last_sync_at;     ///< Unix ms of the last successful exchange
    std::optional<std::int64_t> last_attempt_at;  ///< Unix ms of the last exchange tried
    std::int64_t clock_offset_ms = 0;             ///< server minus device, last known
    bool online = false;
    std::string last_error;        ///< empty after a success
    std::int64_t queue_depth = 0;  ///< scans not yet accepted by the backend
};

class SyncStatusStore {
  public:
    explicit SyncStatusStore(DeviceDatabase& database) noexcept : database_(database) {}

    Result<SyncStatus, db::Error> sync_status();
    /// Records who this device is and where its backend lives (provisioning).
    Status<db::Error> set_identity(std::int64_t device_id, std::string_view backend_url);
    /// A successful exchange: online, error cleared, clock offset updated.
    Status<db::Error> record_sync_success(std::int64_t at_ms, std::int64_t clock_offset_ms);
    /// A failed exchange: offline, with the error text the display shows.
    Status<db::Error> record_sync_failure(std::int64_t at_ms, std::string_view error);

  private:
    DeviceDatabase& database_;
};

}  // namespace gate::device
