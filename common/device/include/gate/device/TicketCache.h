#pragma once
// TicketCache: what the scanner decides on (assignment, issuer keys, tickets and who is
// inside), written by provisioning and gate-syncd from snapshots and change pages. It borrows
// its DeviceDatabase.

#include <cstdint>
#include <optional>
#include <vector>

#include "gate/Result.h"
#include "gate/db/Error.h"
#include "gate/domain/Decide.h"
#include "gate/domain/SyncMessages.h"

namespace gate::device {

class DeviceDatabase;

class TicketCache {
  public:
    explicit TicketCache(DeviceDatabase& database) noexcept : database_(database) {}

    /// Replaces assignment, keys, tickets and inside state with the snapshot and sets the
    /// cursor, in one transaction. Like apply_changes and set_assignment, it refuses (and
    /// stores nothing) unless every assignment, key and ticket in it carries the pinned
    /// sync key's signature (ErrorCode::Corrupt, naming the first that does not). This device's own
    /// accepted scans that are newer than the snapshot's view of a ticket stay in force (they may
    /// not have reached the backend).
    Status<db::Error> apply_snapshot(const domain::Snapshot& snapshot);

    /// Applies the page's changes above the stored cursor and moves the cursor, in one
    /// transaction. Applying the same page twice changes nothing.
    Status<db::Error> apply_changes(const domain::ChangesPage& page);

    /// Replaces the assignment alone (provisioning, before the first snapshot).
    Status<db::Error> set_assignment(const domain::Assignment& assignment);

    // Every read checks the stored sync signatures against the pinned key and returns the
    // records without them. An assignment or issuer key that fails is an error with
    // ErrorCode::Corrupt (the scanner refuses with device.cache_tampered); no pinned key is
    // ErrorCode::Misuse.
    Result<std::optional<domain::Assignment>, db::Error> assignment();
    Result<std::vector<domain::IssuerKeyRecord>, db::Error> issuer_keys();
    /// The ticket's row and last scan as stored now; a row that fails its signature reads
    /// as TicketState::tampered. A decision that is recorded must read it inside its write
    /// transaction instead: ScanQueue::decide_and_record.
    Result<domain::TicketState, db::Error> ticket_state(std::uint64_t ticket_id);
    /// How many tickets the cache holds.
    Result<std::int64_t, db::Error> ticket_count();

  private:
    DeviceDatabase& database_;
};

}  // namespace gate::device
