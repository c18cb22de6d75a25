#pragma once
// ChainQueue: the check-ins gate-syncd records on chain (one per admitted ticket whose NFT is
// known) and the signed transactions carrying them, stored before they are sent
// (docs/syncd.md, "Chain check-ins"). It borrows its DeviceDatabase.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"
#include "gate/db/Error.h"
#include "gate/json/WireEnum.h"

namespace gate::device {

class DeviceDatabase;

/// Where one chain check-in stands: pending -> in_flight -> confirmed, or failed (kept for
/// audit with the chain's error).
enum class CheckinState { Pending, InFlight, Confirmed, Failed };
GATE_WIRE_ENUM(CheckinState, {{CheckinState::Pending, "pending"},
                              {CheckinState::InFlight, "in_flight"},
                              {CheckinState::Confirmed, "confirmed"},
                              {CheckinState::Failed, "failed"}})
using jsonio::to_string;

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

class ChainQueue {
  public:
    explicit ChainQueue(DeviceDatabase& database) noexcept : database_(database) {}

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

  private:
    Status<db::Error> settle(std::string_view signature, std::string_view tx_state,
                             std::string_view checkin_state, std::int64_t at_ms);

    DeviceDatabase& database_;
};

}  // namespace gate::device
