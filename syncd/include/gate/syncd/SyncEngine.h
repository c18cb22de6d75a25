#pragma once
// SyncEngine: one sync cycle between the device store and the backend. Push the
// scan queue in batches (a scan is marked synced only once the backend confirmed
// it), then pull changes by cursor, or a snapshot when there is no cursor or it
// is too old. Each step commits on its own, so a kill at any moment loses
// nothing and a retry duplicates nothing (the backend is idempotent by nonce).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "gate//device/BackendLink.h"
#include "gate/Clock.h"
#include "gate/device/DeviceDatabase.h"

namespace gate::syncd {

struct CycleReport {
    std::size_t pushed = 0;                  ///< scans the backend stored
    std::size_t duplicates = 0;              ///< scans it already had (an earlier push got through)
    std::size_t conflicts = 0;               ///< entries it flagged (admitted elsewhere too)
    std::size_t refused = 0;                 ///< scans it will never take, set aside on the device
    std::size_t flagged = 0;                 ///< stored, but their time did not add up
    std::size_t changes = 0;                 ///< cache changes applied
    bool snapshot = false;                   ///< the cache was replaced by a snapshot
    std::optional<device::LinkError> error;  ///< why the cycle stopped early, if it did

    bool ok() const noexcept { return !error.has_value(); }
};

struct EngineOptions {
    std::size_t batch_size = 200;
    std::size_t page_limit = 1000;
};

class SyncEngine {
  public:
    SyncEngine(device::DeviceDatabase& database, device::BackendLink& link,
               const Clock& clock = system_clock(), EngineOptions options = {});

    /// Runs one cycle and records its outcome in the store's sync status (what the
    /// scanner shows). Stops between batches when `stop` becomes true.
    CycleReport run_cycle(const std::atomic<bool>& stop);

  private:
    std::optional<device::LinkError> push(CycleReport& report, const std::atomic<bool>& stop);
    std::optional<device::LinkError> push_one_by_one(const domain::EntryBatch& batch,
                                                     CycleReport& report);
    std::optional<device::LinkError> confirm(const domain::IngestResult& answer,
                                             CycleReport& report, std::int64_t& marked);
    std::optional<device::LinkError> pull(CycleReport& report, std::int64_t& clock_offset);
    std::optional<device::LinkError> take_snapshot(CycleReport& report, std::int64_t& clock_offset);
    /// The stored assignment or an issuer key fails its sync signature (ErrorCode::Corrupt).
    bool cache_tampered();

    device::DeviceDatabase& database_;
    device::BackendLink& link_;
    const Clock& clock_;
    EngineOptions options_;
};

}  // namespace gate::syncd
