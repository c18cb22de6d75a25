#pragma once
// Store: the repository layer, the only code that touches the database. Every operation
// that must be atomic (selling, transfers, validation) is one method, so each engine
// implements it in one transaction. It speaks the domain (gate::domain records, rules and
// DomainError), never HTTP: the handlers map its errors to statuses. One implementation
// over SQL serves both engines: SQLite (WAL) is the embedded default, PostgreSQL the engine
// for several ticket-api processes on one database (database.url, docs/deployment.md).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/backend/DatabaseUrl.h"
#include "gate/backend/Model.h"
#include "gate/domain/Decide.h"
#include "gate/domain/DomainError.h"
#include "gate/domain/SyncMessages.h"
#include "gate/log/Logger.h"

namespace gate::backend {

template <class T>
using StoreResult = domain::DomainResult<T>;
using StoreStatus = domain::DomainStatus;

/// One scan as online validation records it.
struct ScanRecord {
    std::int64_t event_id = 0;
    std::string gate;
    domain::Direction direction = domain::Direction::In;
    std::int64_t at = 0;
    std::int64_t generation = 0;
    std::optional<std::int64_t> validator_user_id;
    bool single_entry = true;  ///< the gate's list admits once: an admission uses the ticket
};

/// Decides a scan from what the database knows about its ticket (read in the transaction
/// that records the verdict): domain::decide() with the request's code and gate.
using Decide = std::function<domain::Decision(const domain::TicketState& known)>;

/// A check-in list with the event it belongs to.
struct StoredCheckinList {
    std::int64_t event_id = 0;
    domain::CheckinList list;
};

/// The device cache of one event: a snapshot without the assignment (the handler adds it).
struct EventCache {
    std::int64_t cursor = 0;
    std::vector<domain::IssuerKeyRecord> issuer_keys;
    std::vector<domain::TicketRecord> tickets;
    std::vector<domain::InsideRecord> inside;  ///< each ticket's last scan
};

class Store {
  public:
    virtual ~Store() = default;

    virtual StoreStatus ping() = 0;

    /// Writes made durable so far, and the commits that did it: a commit carries several
    /// writes when writers wait for it together (group commit); and the writes waiting now.
    struct CommitTotals {
        std::uint64_t commits = 0;
        std::uint64_t writes = 0;
        std::uint64_t waiting = 0;
    };
    virtual CommitTotals commit_totals() const = 0;

    // Sign-in.
    virtual StoreStatus put_nonce(const std::string& wallet, const std::string& nonce_hash,
                                  std::int64_t expires_at) = 0;
    /// Deletes the nonce; true only if it existed for this wallet and had not expired.
    virtual StoreResult<bool> take_nonce(const std::string& wallet, const std::string& nonce_hash,
                                         std::int64_t now) = 0;
    /// Creates or updates the wallet's user and opens a session for the token's hash.
    virtual StoreResult<Principal> open_session(const std::string& wallet, Role role,
                                                const std::string& token_hash, std::int64_t now,
                                                std::int64_t expires_at) = 0;
    virtual StoreResult<std::optional<Principal>> find_session(const std::string& token_hash,
                                                               std::int64_t now) = 0;

    // Events.
    virtual StoreResult<Event> create_event(const Event& event, const IssuerKeyRecord& key) = 0;
    virtual StoreResult<EventPage> list_events(const EventFilter& filter) = 0;
    virtual StoreResult<std::optional<Event>> get_event(std::int64_t id) = 0;
    /// A number that grows with every change to any event or tier, by any process (a
    /// trigger keeps it): equal numbers, equal events (EventListCache).
    virtual StoreResult<std::int64_t> events_version() = 0;
    /// Applies the patch; a status change logs an assignment change for the event's devices.
    /// An event that ends up cancelled gets a pending refund for each paid ticket that has
    /// none yet (so cancelling twice refunds once); one with refunds cannot be reopened.
    virtual StoreResult<Event> update_event(std::int64_t id, const EventPatch& patch,
                                            std::int64_t now) = 0;
    /// The event's refunds, oldest first.
    virtual StoreResult<std::vector<Refund>> refunds(std::int64_t event_id) = 0;
    /// Records the payment method's answer; false if the refund was no longer pending.
    virtual StoreResult<bool> settle_refund(const RefundOutcome& outcome) = 0;
    virtual StoreResult<EventStats> event_stats(std::int64_t id) = 0;
    virtual StoreResult<std::vector<IssuerKeyRecord>> issuer_keys(std::int64_t event_id) = 0;

    // Selling: reserve (never beyond capacity or tier limit), then complete or release.
    virtual StoreResult<Reservation> reserve(std::int64_t event_id, int tier, std::int64_t quantity,
                                             std::int64_t user_id, std::int64_t now,
                                             std::int64_t expires_at) = 0;
    virtual StoreResult<std::vector<Ticket>> complete_purchase(const Reservation& reservation,
                                                               const Payment& payment,
                                                               const std::string& owner_wallet,
                                                               std::int64_t now) = 0;
    /// Gives the reservation's seats back and records the failed payment, if any.
    virtual StoreStatus release(const Reservation& reservation,
                                const std::optional<Payment>& payment, std::int64_t now) = 0;

    // Payments that wait for a provider (docs/payments.md). A held reservation with a
    // pending payment is not expired by time alone: its seats stay held until the provider
    // says the payment can no longer succeed (settle_payment), so money that arrives late
    // still finds them.
    /// Holds the seats and records a pending payment, in one transaction.
    virtual StoreResult<PaymentRecord> begin_payment(const PaymentStart& start) = 0;
    /// Records the provider's id for a payment (once) and its client secret.
    virtual StoreStatus attach_provider(const std::string& external_id,
                                        const std::string& provider_reference,
                                        const std::optional<std::string>& client_secret,
                                        const std::optional<std::string>& provider_detail,
                                        std::int64_t now) = 0;
    /// Applies a provider's answer to a pending payment, once per provider event:
    /// completed issues the tickets (or, when the event was cancelled meanwhile, opens a
    /// refund of the whole payment), failed and canceled give the seats back. Every call
    /// is kept in the payment's history, even one that changes nothing.
    virtual StoreResult<PaymentSettlement> settle_payment(const PaymentOutcome& outcome) = 0;
    virtual StoreResult<std::optional<PaymentRecord>> find_payment(
        const std::string& external_id) = 0;
    /// The payment with this provider id (a webhook that lost our metadata).
    virtual StoreResult<std::optional<PaymentRecord>> find_payment_by_reference(
        const std::string& provider_reference) = 0;
    virtual StoreResult<std::vector<PaymentEvent>> payment_history(std::int64_t payment_id) = 0;
    /// Newest first, below `before_id` (0: from the newest), at most `limit`.
    virtual StoreResult<std::vector<PaymentRecord>> payments_of_user(std::int64_t user_id,
                                                                     std::int64_t before_id,
                                                                     std::int64_t limit) = 0;
    virtual StoreResult<std::vector<PaymentRecord>> payments_of_event(std::int64_t event_id,
                                                                      std::int64_t before_id,
                                                                      std::int64_t limit) = 0;
    /// Pending payments whose hold is over or whose event was cancelled: the sweeper asks
    /// their provider to cancel them.
    virtual StoreResult<std::vector<PaymentRecord>> overdue_payments(std::int64_t now,
                                                                     std::int64_t limit) = 0;
    /// Pending refunds whose next attempt is due, oldest first.
    virtual StoreResult<std::vector<Refund>> due_refunds(std::int64_t now, std::int64_t limit) = 0;
    /// The refunds of one payment, oldest first.
    virtual StoreResult<std::vector<Refund>> refunds_of_payment(std::int64_t payment_id) = 0;
    /// A provider call for the refund did not settle it: counted, tried again at `retry_at`;
    /// `provider_reference`, when the provider named the refund, is kept.
    virtual StoreStatus refund_attempt_failed(std::int64_t refund_id, const std::string& error,
                                              const std::optional<std::string>& provider_reference,
                                              std::int64_t retry_at) = 0;
    virtual StoreResult<std::vector<Ticket>> tickets_of(const std::string& wallet) = 0;
    virtual StoreResult<std::optional<Ticket>> get_ticket(std::int64_t id) = 0;
    /// Sets a ticket's status (valid, revoked, frozen) and logs the change for devices.
    virtual StoreResult<Ticket> set_ticket_status(std::int64_t id, domain::TicketStatus status,
                                                  std::int64_t now) = 0;
    /// Counts one more pass for the holder's ticket (its binding + 1, so passes of older
    /// bindings are superseded) and logs the change for devices. NotFound unless `wallet`
    /// holds it; the domain's pass_refusal otherwise.
    virtual StoreResult<Ticket> bind_pass(std::int64_t id, const std::string& wallet,
                                          std::int64_t now) = 0;

    // Idempotency keys (per user and route; kept for `keep_ms`). A first request older than
    // `stale_ms` that never finished (its process died) is taken over by the next one.
    virtual StoreResult<IdempotentStart> start_idempotent(std::int64_t user_id,
                                                          const std::string& route,
                                                          const std::string& key,
                                                          const std::string& body_hash,
                                                          std::int64_t now, std::int64_t keep_ms,
                                                          std::int64_t stale_ms) = 0;
    /// Stores the first request's answer (or, with status 0, forgets the key so a retry runs).
    virtual StoreStatus finish_idempotent(std::int64_t user_id, const std::string& route,
                                          const std::string& key, int status,
                                          const std::string& response) = 0;

    // Event staff: validators an organizer assigned to an event.
    /// Adds the validator or replaces its gates.
    virtual StoreResult<EventValidator> put_validator(const EventValidator& validator) = 0;
    virtual StoreResult<std::vector<EventValidator>> validators(std::int64_t event_id) = 0;
    virtual StoreResult<std::optional<EventValidator>> find_validator(
        std::int64_t event_id, const std::string& wallet) = 0;
    /// True when the validator was assigned (and is not any more).
    virtual StoreResult<bool> remove_validator(std::int64_t event_id,
                                               const std::string& wallet) = 0;

    // Validation: reads what is known about the ticket (its row, if it belongs to the
    // scan's event, and its last scan), calls `decide`, records the verdict (and an
    // accepted entry) in the same transaction, so two gates cannot both admit one ticket.
    virtual StoreResult<domain::Decision> validate(std::optional<std::int64_t> ticket_id,
                                                   const ScanRecord& scan,
                                                   const Decide& decide) = 0;

    // Transfers.
    virtual StoreResult<Ticket> transfer_direct(std::int64_t ticket_id,
                                                const std::string& from_wallet,
                                                const std::string& to_wallet, std::int64_t now) = 0;
    /// A pending email transfer under `reference` (random, unguessable: the claim's handle).
    virtual StoreResult<PendingTransfer> create_email_transfer(
        std::int64_t ticket_id, const std::string& from_wallet, const std::string& reference,
        const std::string& email_hash, const std::string& claim_hash, std::int64_t now,
        std::int64_t expires_at) = 0;
    /// The email transfer named `reference`, its status as of `now`; nullopt if none.
    virtual StoreResult<std::optional<EmailTransfer>> find_email_transfer(
        const std::string& reference, std::int64_t now) = 0;
    /// The sender withdraws a pending transfer (Forbidden for anyone else; the domain's
    /// transfer_cancel_refusal for one that is no longer pending).
    virtual StoreResult<EmailTransfer> cancel_transfer(const std::string& reference,
                                                       const std::string& sender_wallet,
                                                       std::int64_t now) = 0;
    /// Checks email and code hashes and expiry, then moves ownership and bumps the
    /// generation. A mismatch is counted and refused; it never changes the transfer's state.
    virtual StoreResult<Ticket> claim_transfer(const std::string& reference,
                                               const std::string& email_hash,
                                               const std::string& claim_hash,
                                               const std::string& to_wallet, std::int64_t now) = 0;

    // Devices (docs/sync-protocol.md).
    virtual StoreResult<StoredCheckinList> create_checkin_list(const StoredCheckinList& list) = 0;
    virtual StoreResult<std::optional<StoredCheckinList>> get_checkin_list(std::int64_t id) = 0;
    /// The list made with the event (its oldest).
    virtual StoreResult<std::optional<StoredCheckinList>> default_checkin_list(
        std::int64_t event_id) = 0;
    virtual StoreStatus put_setup_code(const SetupCodeRecord& code) = 0;
    /// Consumes a setup token (single use) and registers the device under a new token hash.
    virtual StoreResult<DeviceRecord> register_device(const std::string& setup_token_hash,
                                                      const std::string& name,
                                                      const std::string& public_key,
                                                      const std::string& device_token_hash,
                                                      std::int64_t now) = 0;
    virtual StoreResult<std::optional<DeviceRecord>> find_device(const std::string& token_hash) = 0;
    virtual StoreStatus revoke_device(std::int64_t device_id, std::int64_t now) = 0;
    virtual StoreResult<std::optional<DeviceRecord>> get_device(std::int64_t device_id) = 0;
    virtual StoreResult<EventCache> snapshot(std::int64_t event_id) = 0;
    /// Changes after `after` for the event; nullopt when the cursor is older than the log
    /// keeps. An assignment change carries an empty Assignment: the handler fills it in.
    virtual StoreResult<std::optional<domain::ChangesPage>> changes(std::int64_t event_id,
                                                                    std::int64_t after,
                                                                    std::int64_t limit) = 0;
    /// Stores each entry once (by nonce). "It happened" wins: accepted entries are recorded
    /// whatever the backend knew; those the re-entry rule of the device's list would have
    /// refused are flagged as conflicts, those with a clock flag are stored with it and
    /// listed in `flagged`.
    virtual StoreResult<domain::IngestResult> ingest(const DeviceRecord& device,
                                                     const std::vector<IngestEntry>& entries,
                                                     std::int64_t now) = 0;
    /// Drops change-log rows older than `before` (cursors behind them expire).
    virtual StoreStatus prune_changes(std::int64_t before) = 0;

    // Leases: work that one process at a time does (the chain reconciler), across every
    // process on the database.
    /// Takes or renews the lease `name` for `holder` until now + ttl_ms; true when `holder`
    /// holds it. Another holder gets it only once it has expired (its process died).
    virtual StoreResult<bool> hold_lease(const std::string& name, const std::string& holder,
                                         std::int64_t now, std::int64_t ttl_ms) = 0;
    /// Gives the lease up at once (a graceful stop), if `holder` holds it.
    virtual StoreStatus release_lease(const std::string& name, const std::string& holder) = 0;

    // Rate limits shared by every process on the database (RateLimiter.h).
    /// Takes one token from `key`'s bucket (refilled at per_minute, holding at most
    /// `burst`); 0 when taken, else how many milliseconds until one is there. One atomic
    /// statement: processes asking at once share the bucket exactly.
    virtual StoreResult<std::int64_t> take_rate_token(const std::string& key,
                                                      std::int64_t per_minute, std::int64_t burst,
                                                      std::int64_t now) = 0;
    /// Drops buckets that have refilled (they hold no information).
    virtual StoreStatus prune_rate_buckets(std::int64_t now) = 0;

    // Chain (docs/solana.md, "Backend on chain"). Sales, transfers, status changes,
    // admissions and an event's status change mark their tickets dirty in their own
    // transaction; the reconciler reads and records.
    /// The event's chain keys; `candidate` is stored first if the event has none yet.
    virtual StoreResult<EventChainKeys> ensure_chain_keys(const EventChainKeys& candidate,
                                                          std::int64_t now) = 0;
    virtual StoreStatus mark_validator_funded(std::int64_t event_id) = 0;
    /// Dirty tickets whose next attempt is due, oldest first.
    virtual StoreResult<std::vector<ChainWork>> chain_work(std::int64_t now,
                                                           std::int64_t limit) = 0;
    /// Tickets in step with the chain (not dirty, NFT issued) last checked at or before
    /// `checked_before`, least recently checked first: the reconciler reads them again so
    /// that a change made on chain behind its back is repaired.
    virtual StoreResult<std::vector<ChainWork>> chain_audit(std::int64_t checked_before,
                                                            std::int64_t limit) = 0;
    /// Stores the ticket's mint key unless it has one; returns the one stored.
    virtual StoreResult<std::pair<std::string, Bytes>> put_chain_mint(std::int64_t ticket_id,
                                                                      const std::string& mint,
                                                                      const Bytes& sealed,
                                                                      std::int64_t now) = 0;
    /// Records where an issue or transfer about to be sent puts the token.
    virtual StoreStatus put_chain_target(std::int64_t ticket_id, const std::string& wallet) = 0;
    /// Records a pass (a synced one as the ticket's last check; a failed one leaves the
    /// ticket dirty, to be retried); logs a `ticket` change for devices when the NFT
    /// became issued.
    virtual StoreStatus record_chain(const ChainOutcome& outcome, std::int64_t now) = 0;
    virtual StoreResult<ChainQueueStats> chain_queue() = 0;
};

struct StoreOptions {
    DatabaseUrl url;
    std::size_t connections = 4;  ///< the pool: requests that reach the store at once
    std::size_t max_batch = 0;    ///< writes per commit at most; 0: the engine's default
};

/// Opens the store on the engine `url` names, creating and migrating its schema. A database
/// it cannot reach, open or migrate is an error value naming it (never its password).
Result<std::unique_ptr<Store>, std::string> open_store(const StoreOptions& options,
                                                       log::Logger logger);

/// `ticket-api migrate`: brings the database's schema up to this program's and returns the
/// version it is at. Running it again changes nothing; a database written by a newer program
/// is refused.
Result<int, std::string> migrate_database(const DatabaseUrl& url);

struct SqliteOptions {
    std::filesystem::path path = "ticket-api.db";
    std::size_t connections = 4;
};

/// open_store() on an SQLite file.
Result<std::unique_ptr<Store>, std::string> open_sqlite_store(const SqliteOptions& options,
                                                              log::Logger logger);

}  // namespace gate::backend
