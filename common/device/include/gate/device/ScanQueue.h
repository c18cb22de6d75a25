#pragma once
// ScanQueue: every scan this device recorded (accepted entries and rejected scans alike),
// durable before its verdict shows, until the backend confirms it. It borrows its
// DeviceDatabase.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/Result.h"
#include "gate/db/Error.h"
#include "gate/domain/Decide.h"
#include "gate/domain/SyncMessages.h"

namespace gate::device {

class DeviceDatabase;

/// Counters for `gate-scanner stats` and the display.
struct ScanStats {
    std::int64_t accepted = 0;  ///< entries and exits admitted
    std::int64_t rejected = 0;
    std::int64_t pending = 0;     ///< not yet synced
    std::int64_t inside_now = 0;  ///< tickets whose last scan from any gate is "in"
    std::vector<std::pair<std::string, std::int64_t>> by_reason;  ///< most frequent first
};

class ScanQueue {
  public:
    explicit ScanQueue(DeviceDatabase& database) noexcept : database_(database) {}

    /// Turns a ticket's stored state into the scan to record (the decision).
    using Decider = std::function<domain::EntryRecord(const domain::TicketState&)>;

    /// Reads the ticket's state (nothing when `ticket_id` is empty), lets `decide` make the
    /// scan from it and commits that scan as record_scan() does, all in one BEGIN IMMEDIATE
    /// transaction: no other process or connection records a scan of the ticket between the
    /// read and the commit, so two scanners on one file never admit a single-entry ticket
    /// twice. Returns the committed scan.
    Result<domain::EntryRecord, db::Error> decide_and_record(std::optional<std::uint64_t> ticket_id,
                                                             const Decider& decide);

    /// Commits one scan (accepted or rejected) durably, with this device's id; an accepted
    /// one also becomes the ticket's last scan. Returns only once it is on disk: show the
    /// verdict after this. A nonce already stored is ErrorCode::Constraint.
    Status<db::Error> record_scan(const domain::EntryRecord& scan);

    /// Up to `limit` scans not yet synced, oldest first.
    Result<std::vector<domain::EntryRecord>, db::Error> pending_scans(std::size_t limit);

    /// Marks the scans with these nonces synced (unknown nonces are ignored), in one
    /// transaction. Returns how many changed.
    Result<std::int64_t, db::Error> mark_synced(std::span<const std::string> nonces);

    /// Takes a scan the backend will never accept out of the queue, keeping it and the
    /// backend's reason on the device (table scan_refused) for audit.
    Status<db::Error> mark_refused(std::string_view nonce, std::string_view reason,
                                   std::int64_t at_ms);
    Result<std::int64_t, db::Error> refused_count();

    /// Every stored scan with this nonce count (0 or 1): for tests and audits.
    Result<std::int64_t, db::Error> scan_count(std::string_view nonce);

    Result<ScanStats, db::Error> stats();

  private:
    DeviceDatabase& database_;
};

}  // namespace gate::device
