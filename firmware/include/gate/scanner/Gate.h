#pragma once
// Gate: one lane's scan path from code text to committed record. It checks the code, reads
// the cache, decides, and commits the scan to the device database before it returns, so a
// caller that shows the outcome never shows a verdict that is not on disk.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gate//device/DeviceDatabase.h"
#include "gate/Clock.h"
#include "gate/domain/CodeCheck.h"
#include "gate/domain/Decide.h"

namespace gate::scanner {

struct GateOptions {
    domain::Direction direction = domain::Direction::In;  ///< entry lane or exit lane
    std::int64_t clock_tolerance_ms = domain::kDefaultClockToleranceMs;
    /// Grace around a rotating code's time step (docs/ticket-code.md, "Format version 2").
    std::int64_t step_tolerance_ms = domain::kDefaultStepToleranceMs;
};

struct ScanOutcome {
    domain::Decision decision;                   ///< accepted only if also recorded
    std::optional<ticket::TicketClaims> claims;  ///< when the code parsed
    domain::EntryRecord record;                  ///< what was committed (or would have been)
    bool recorded = false;
    std::string error;  ///< why nothing was recorded, for the log (empty when recorded)
    std::chrono::microseconds decide_time{0};  ///< parse, verify, cache read and rules
    std::chrono::microseconds commit_time{0};  ///< the durable commit

    bool accepted() const noexcept { return decision.accepted; }
};

/// Counters since the database was created (stats), kept current by each scan.
struct GateCounters {
    std::int64_t accepted = 0;
    std::int64_t rejected = 0;
};

class Gate {
  public:
    /// Borrows `database` and `clock` (the device wall clock) for its lifetime.
    Gate(device::DeviceDatabase& database, GateOptions options = {},
         const Clock& clock = system_clock());

    /// Decides and records one scanned (or typed) code.
    ScanOutcome scan(std::string_view text);

    /// True when `text` is a well-formed ticket code whose signature verifies against this
    /// device's issuer keys: the decoder's self-check, so that a misread is read again before
    /// it becomes a verdict. Says nothing about admission (a revoked ticket is genuine).
    bool genuine(std::string_view text);

    /// The assignment in force, if the device is provisioned.
    const std::optional<domain::Assignment>& assignment();
    /// The sync status as last read, with this gate's own scans counted in the queue.
    const device::SyncStatus& sync_status();
    const GateCounters& counters() const noexcept { return counters_; }

  private:
    // Re-reads assignment, keys and sync status when the database says they may have changed.
    Status<db::Error> refresh();

    device::DeviceDatabase& database_;
    GateOptions options_;
    const Clock& clock_;
    std::optional<device::DeviceDatabase::Version> seen_;
    std::optional<domain::Assignment> assignment_;
    ticket::IssuerKeyring keyring_;
    device::SyncStatus status_;
    GateCounters counters_;
};

}  // namespace gate::scanner
