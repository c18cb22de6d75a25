#pragma once
// DeviceStore: the gate device's SQLite database, shared by gate-scanner and gate-syncd (two
// processes, one file, WAL). It holds the assignment, issuer keys, ticket cache, inside state,
// the scan queue (accepted entries and rejected scans alike), the sync status and the queue of
// check-ins to record on chain.
// Every write is one short BEGIN IMMEDIATE transaction, so neither process stalls the other.
// Tables and columns: docs/scanner.md.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/db/Database.h"
#include "gate/domain/Decide.h"
#include "gate/domain/SyncMessages.h"

namespace gate::device {

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

/// Where one chain check-in stands: pending -> in_flight -> confirmed, or failed (kept for
/// audit with the chain's error). docs/syncd.md, "Chain check-ins".
enum class CheckinState { Pending, InFlight, Confirmed, Failed };

std::string_view to_string(CheckinState state) noexcept;

/// One ticket's check-in on chain: the first accepted entry of a ticket whose NFT is known.
struct ChainCheckin {
    std::uint64_t ticket_id = 0;
    crypto::PublicKey mint;
    std::string gate;
    std::int64_t at = 0;  ///< the scan's scanned_at, Unix ms
    CheckinState state = CheckinState::Pending;
    std::string signature;  ///< base58 of the in-flight or landed transaction; empty if none
    std::string error;      ///< why it failed (failed only)

    bool operator==(const ChainCheckin&) const = default;
};

/// A signed check-in transaction, stored before it is sent so a restart can find out
/// what became of it: its bytes (re-broadcast as they are), and until when it can land.
struct ChainTransaction {
    std::string signature;  ///< base58, the transaction's id
    Bytes body;             ///< the signed wire transaction
    std::string blockhash;  ///< base58
    std::uint64_t last_valid_block_height = 0;
    std::int64_t sent_at = 0;               ///< Unix ms
    std::vector<std::uint64_t> ticket_ids;  ///< its check-ins, in instruction order
};

/// The chain recorder's view, as the scanner shows it.
struct ChainStatus {
    std::int64_t pending = 0;                 ///< queued, not sent
    std::int64_t in_flight = 0;               ///< sent, not yet known to have landed
    std::int64_t transactions_in_flight = 0;  ///< the transactions carrying those
    std::int64_t confirmed = 0;
    std::int64_t failed = 0;
    std::optional<std::int64_t> last_success_at;  ///< Unix ms of the last good chain round
    std::optional<std::int64_t> last_attempt_at;
    std::string last_error;  ///< plain words; empty after a success

    std::int64_t queue_depth() const noexcept { return pending + in_flight; }
};

/// Counters for `gate-scanner stats` and the display.
struct ScanStats {
    std::int64_t accepted = 0;  ///< entries and exits admitted
    std::int64_t rejected = 0;
    std::int64_t pending = 0;     ///< not yet synced
    std::int64_t inside_now = 0;  ///< tickets whose last scan from any gate is "in"
    std::vector<std::pair<std::string, std::int64_t>> by_reason;  ///< most frequent first
};

class DeviceStore {
  public:
    /// Opens (creating if needed) and migrates the database at `path`.
    static Result<DeviceStore, db::Error> open(const std::filesystem::path& path,
                                               const db::OpenOptions& options = {});

    // ---- cache (written by provisioning and gate-syncd) ----

    /// Replaces assignment, keys, tickets and inside state with the snapshot and sets the
    /// cursor, in one transaction. This device's own accepted scans that are newer than the
    /// snapshot's view of a ticket stay in force (they may not have reached the backend).
    Status<db::Error> apply_snapshot(const domain::Snapshot& snapshot);

    /// Applies the page's changes above the stored cursor and moves the cursor, in one
    /// transaction. Applying the same page twice changes nothing.
    Status<db::Error> apply_changes(const domain::ChangesPage& page);

    /// Replaces the assignment alone (provisioning, before the first snapshot).
    Status<db::Error> set_assignment(const domain::Assignment& assignment);

    // ---- reads for a decision ----

    Result<std::optional<domain::Assignment>, db::Error> assignment();
    Result<std::vector<domain::IssuerKeyRecord>, db::Error> issuer_keys();
    Result<domain::TicketState, db::Error> ticket_state(std::uint64_t ticket_id);
    /// How many tickets the cache holds.
    Result<std::int64_t, db::Error> ticket_count();

    // ---- the scan queue ----

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

    // ---- sync status ----

    Result<SyncStatus, db::Error> sync_status();
    /// Records who this device is and where its backend lives (provisioning).
    Status<db::Error> set_identity(std::int64_t device_id, std::string_view backend_url);
    /// A successful exchange: online, error cleared, clock offset updated.
    Status<db::Error> record_sync_success(std::int64_t at_ms, std::int64_t clock_offset_ms);
    /// A failed exchange: offline, with the error text the display shows.
    Status<db::Error> record_sync_failure(std::int64_t at_ms, std::string_view error);

    // ---- chain check-ins (gate-syncd's chain recorder) ----

    /// Up to `limit` pending check-ins, oldest first.
    Result<std::vector<ChainCheckin>, db::Error> pending_checkins(std::size_t limit);
    /// One ticket's check-in, if it has one.
    Result<std::optional<ChainCheckin>, db::Error> checkin(std::uint64_t ticket_id);
    /// Stores the signed transaction and moves its check-ins from pending to in_flight, in
    /// one transaction, before it is sent. Fails (ErrorCode::Constraint, nothing changed) if
    /// any of them is not pending: a check-in never rides in two live transactions.
    Status<db::Error> begin_chain_transaction(const ChainTransaction& tx);
    /// Transactions sent whose fate is not known yet, oldest first.
    Result<std::vector<ChainTransaction>, db::Error> in_flight_transactions();
    /// The transaction landed: its check-ins are confirmed.
    Status<db::Error> settle_landed(std::string_view signature, std::int64_t at_ms);
    /// The transaction can never land (its blockhash expired unseen, or the node refused it
    /// before executing): its check-ins go back to pending, to be packed again.
    Status<db::Error> settle_dropped(std::string_view signature, std::int64_t at_ms);
    /// The transaction failed as a whole (on chain or in the node's preflight) because of
    /// the check-in of `culprit`: that one becomes failed with `error`, the others go back
    /// to pending.
    Status<db::Error> settle_failed(std::string_view signature, std::uint64_t culprit,
                                    std::string_view error, std::int64_t at_ms);
    /// A pending check-in that can never be sent (it does not fit a transaction) becomes
    /// failed with `error`, so it does not block the queue.
    Status<db::Error> fail_checkin(std::uint64_t ticket_id, std::string_view error);
    /// Failed check-ins go back to pending (after the cause was fixed). Returns how many.
    Result<std::int64_t, db::Error> retry_failed_checkins();

    Result<ChainStatus, db::Error> chain_status();
    Status<db::Error> record_chain_success(std::int64_t at_ms);
    Status<db::Error> record_chain_failure(std::int64_t at_ms, std::string_view error);

    /// Changes whenever the cache or sync status may have changed, through this store or
    /// another process: readers keep parsed copies (assignment, keys) until it moves.
    struct Version {
        std::int64_t data_version = 0;   ///< PRAGMA data_version: other connections' commits
        std::uint64_t local_writes = 0;  ///< cache and status writes through this store
        bool operator==(const Version&) const = default;
    };
    Result<Version, db::Error> version();

    /// The underlying connection, for diagnostics and tests.
    db::Database& database() noexcept { return db_; }

  private:
    explicit DeviceStore(db::Database db) noexcept : db_(std::move(db)) {}

    Status<db::Error> write_assignment(const domain::Assignment& assignment);
    Status<db::Error> upsert_ticket(const domain::TicketRecord& ticket);
    Status<db::Error> upsert_key(const domain::IssuerKeyRecord& key);
    Status<db::Error> merge_last_scan(const domain::InsideRecord& scan);
    Status<db::Error> queue_checkins(std::optional<std::uint64_t> ticket_id);
    Status<db::Error> settle(std::string_view signature, std::string_view tx_state,
                             std::string_view checkin_state, std::int64_t at_ms);

    db::Database db_;
    std::uint64_t local_writes_ = 0;
};

/// SQLite integers are signed: ticket ids are stored as the same 64 bits read as signed.
std::int64_t to_column(std::uint64_t ticket_id) noexcept;
std::uint64_t from_column(std::int64_t stored) noexcept;

}  // namespace gate::device
