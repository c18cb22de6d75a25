#pragma once
// Store: the repository layer, the only code that touches the database. Every operation
// that must be atomic (selling, transfers, validation) is one method, so each engine
// implements it in one transaction. SQLite (WAL) is the embedded default; the SQL it
// runs is portable so that a PostgreSQL store can follow the same interface.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/backend/ApiError.h"
#include "gate/backend/DeviceModel.h"
#include "gate/backend/Model.h"
#include "gate/log/Logger.h"

namespace gate::backend {

/// One scan as the validation paths record it (online validation and device ingest).
struct ScanRecord {
    std::int64_t event_id = 0;
    std::string gate;
    std::string direction = "in";  ///< in | out
    std::int64_t at = 0;
    std::int64_t generation = 0;
    std::optional<std::int64_t> validator_user_id;
};

/// Decides a scan from the ticket row (if any) and the ticket's last recorded direction.
using Decide = std::function<Verdict(const std::optional<Ticket>& ticket,
                                     const std::optional<std::string>& last_direction)>;

class Store {
  public:
    virtual ~Store() = default;

    virtual ApiStatus ping() = 0;

    // Sign-in.
    virtual ApiStatus put_nonce(const std::string& wallet, const std::string& nonce_hash,
                                std::int64_t expires_at) = 0;
    /// Deletes the nonce; true only if it existed for this wallet and had not expired.
    virtual ApiResult<bool> take_nonce(const std::string& wallet, const std::string& nonce_hash,
                                       std::int64_t now) = 0;
    /// Creates or updates the wallet's user and opens a session for the token's hash.
    virtual ApiResult<Principal> open_session(const std::string& wallet, Role role,
                                              const std::string& token_hash, std::int64_t now,
                                              std::int64_t expires_at) = 0;
    virtual ApiResult<std::optional<Principal>> find_session(const std::string& token_hash,
                                                             std::int64_t now) = 0;

    // Events.
    virtual ApiResult<Event> create_event(const Event& event, const IssuerKeyRecord& key) = 0;
    virtual ApiResult<EventPage> list_events(const EventFilter& filter) = 0;
    virtual ApiResult<std::optional<Event>> get_event(std::int64_t id) = 0;
    virtual ApiResult<Event> update_event(std::int64_t id, const EventPatch& patch,
                                          std::int64_t now) = 0;
    virtual ApiResult<EventStats> event_stats(std::int64_t id) = 0;
    virtual ApiResult<std::vector<IssuerKeyRecord>> issuer_keys(std::int64_t event_id) = 0;

    // Selling: reserve (never beyond capacity or tier limit), then complete or release.
    virtual ApiResult<Reservation> reserve(std::int64_t event_id, int tier, std::int64_t quantity,
                                           std::int64_t user_id, std::int64_t now,
                                           std::int64_t expires_at) = 0;
    virtual ApiResult<std::vector<Ticket>> complete_purchase(const Reservation& reservation,
                                                             const Payment& payment,
                                                             const std::string& owner_wallet,
                                                             std::int64_t now) = 0;
    /// Gives the reservation's seats back and records the failed payment, if any.
    virtual ApiStatus release(const Reservation& reservation, const std::optional<Payment>& payment,
                              std::int64_t now) = 0;
    virtual ApiResult<std::vector<Ticket>> tickets_of(const std::string& wallet) = 0;
    virtual ApiResult<std::optional<Ticket>> get_ticket(std::int64_t id) = 0;
    /// Sets a ticket's status (valid, revoked, frozen) and logs the change for devices.
    virtual ApiResult<Ticket> set_ticket_status(std::int64_t id, const std::string& status,
                                                std::int64_t now) = 0;

    // Validation: reads the ticket and its last direction, calls `decide`, records the
    // verdict (and an accepted entry) in the same transaction, so two gates cannot both
    // admit one ticket.
    virtual ApiResult<Verdict> validate(std::optional<std::int64_t> ticket_id,
                                        const ScanRecord& scan, const Decide& decide) = 0;

    // Transfers.
    virtual ApiResult<Ticket> transfer_direct(std::int64_t ticket_id,
                                              const std::string& from_wallet,
                                              const std::string& to_wallet, std::int64_t now) = 0;
    virtual ApiResult<PendingTransfer> create_email_transfer(
        std::int64_t ticket_id, const std::string& from_wallet, const std::string& email_hash,
        const std::string& claim_hash, std::int64_t now, std::int64_t expires_at) = 0;
    virtual ApiStatus cancel_transfer(std::int64_t transfer_id, std::int64_t now) = 0;
    /// Checks email and code hashes and expiry, then moves ownership and bumps the generation.
    virtual ApiResult<Ticket> claim_transfer(std::int64_t transfer_id,
                                             const std::string& email_hash,
                                             const std::string& claim_hash,
                                             const std::string& to_wallet, std::int64_t now) = 0;

    // Devices (docs/sync-protocol.md).
    virtual ApiResult<CheckinList> create_checkin_list(const CheckinList& list) = 0;
    virtual ApiResult<std::optional<CheckinList>> get_checkin_list(std::int64_t id) = 0;
    /// The list made with the event (its oldest).
    virtual ApiResult<std::optional<CheckinList>> default_checkin_list(std::int64_t event_id) = 0;
    virtual ApiStatus put_setup_code(const SetupCodeRecord& code) = 0;
    /// Consumes a setup token (single use) and registers the device under a new token hash.
    virtual ApiResult<DeviceRecord> register_device(const std::string& setup_token_hash,
                                                    const std::string& name,
                                                    const std::string& public_key,
                                                    const std::string& device_token_hash,
                                                    std::int64_t now) = 0;
    virtual ApiResult<std::optional<DeviceRecord>> find_device(const std::string& token_hash) = 0;
    virtual ApiStatus revoke_device(std::int64_t device_id, std::int64_t now) = 0;
    virtual ApiResult<std::optional<DeviceRecord>> get_device(std::int64_t device_id) = 0;
    virtual ApiResult<DeviceSnapshot> snapshot(std::int64_t event_id) = 0;
    /// Changes after `after` for the event; nullopt when the cursor is older than the log keeps.
    virtual ApiResult<std::optional<DeviceChanges>> changes(std::int64_t event_id,
                                                            std::int64_t after,
                                                            std::int64_t limit) = 0;
    virtual ApiResult<IngestResult> ingest(const DeviceRecord& device,
                                           const std::vector<IngestEntry>& entries,
                                           std::int64_t now) = 0;
    /// Drops change-log rows older than `before` (cursors behind them expire).
    virtual ApiStatus prune_changes(std::int64_t before) = 0;

    // Chain (docs/solana.md, "Backend on chain"). Sales, transfers and status changes
    // mark their tickets dirty in their own transaction; the reconciler reads and records.
    /// The event's chain keys; `candidate` is stored first if the event has none yet.
    virtual ApiResult<EventChainKeys> ensure_chain_keys(const EventChainKeys& candidate,
                                                        std::int64_t now) = 0;
    virtual ApiStatus mark_validator_funded(std::int64_t event_id) = 0;
    /// Dirty tickets whose next attempt is due, oldest first.
    virtual ApiResult<std::vector<ChainWork>> chain_work(std::int64_t now, std::int64_t limit) = 0;
    /// Stores the ticket's mint key unless it has one; returns the one stored.
    virtual ApiResult<std::pair<std::string, Bytes>> put_chain_mint(std::int64_t ticket_id,
                                                                    const std::string& mint,
                                                                    const Bytes& sealed,
                                                                    std::int64_t now) = 0;
    /// Records where an issue or transfer about to be sent puts the token.
    virtual ApiStatus put_chain_target(std::int64_t ticket_id, const std::string& wallet) = 0;
    /// Records a pass; logs a `ticket` change for devices when the NFT became issued.
    virtual ApiStatus record_chain(const ChainOutcome& outcome, std::int64_t now) = 0;
    virtual ApiResult<ChainQueueStats> chain_queue() = 0;
};

struct SqliteOptions {
    std::filesystem::path path = "ticket-api.db";
    std::size_t connections = 4;
};

/// Opens (creating and migrating) the SQLite store. A database it cannot open or migrate
/// is an error value naming the file.
Result<std::unique_ptr<Store>, std::string> open_sqlite_store(const SqliteOptions& options,
                                                              log::Logger logger);

}  // namespace gate::backend
