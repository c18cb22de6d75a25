#pragma once
// The records the backend keeps, as plain values passed between the API handlers and
// the repository (Store). Times are Unix milliseconds; money is integer cents.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate/Bytes.h"
#include "gate/domain/Entry.h"
#include "gate/domain/Event.h"
#include "gate/domain/Lifecycle.h"
#include "gate/domain/Ticket.h"

namespace gate::backend {

enum class Role { Holder, Validator, Organizer };
std::string_view to_string(Role role) noexcept;
std::optional<Role> role_from(std::string_view name) noexcept;

/// Who a bearer token belongs to.
struct Principal {
    std::int64_t user_id = 0;
    std::string wallet;
    Role role = Role::Holder;
    std::int64_t expires_at = 0;
};

struct Tier {
    int index = 0;  ///< the ticket code's tier byte
    std::string name;
    std::int64_t price_cents = 0;
    std::int64_t limit = 0;  ///< at most this many of the tier are sold
    std::int64_t sold = 0;   ///< sold and held by live reservations
};

struct Event {
    std::int64_t id = 0;
    std::int64_t organizer_id = 0;
    std::string organizer_wallet;
    std::string name;
    std::string venue;
    std::string description;
    std::string image_url;
    std::int64_t starts_at = 0;
    std::int64_t ends_at = 0;
    std::int64_t capacity = 0;
    std::int64_t sold = 0;
    domain::EventStatus status = domain::EventStatus::Active;
    /// Which ticket codes its gates admit (docs/ticket-code.md, "Format version 2").
    domain::CodePolicy code_policy = domain::CodePolicy::StaticAllowed;
    /// ISO 4217 code, upper case, of every tier's price (in the currency's minor units).
    std::string currency = "USD";
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::vector<Tier> tiers;
};

/// Which events a listing wants. `when`: upcoming (not started), active (started, not
/// ended), current (upcoming or active), past, all.
struct EventFilter {
    std::string when = "current";
    std::optional<std::string> status;
    std::optional<std::string> venue;
    std::optional<std::string> name_contains;
    std::optional<std::int64_t> organizer_id;
    std::optional<std::int64_t> starts_after;
    std::optional<std::int64_t> starts_before;
    std::int64_t now = 0;
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

struct EventPage {
    std::vector<Event> events;
    std::int64_t total = 0;
};

/// An update: unset fields stay as they are.
struct EventPatch {
    std::optional<std::string> name, venue, description, image_url;
    std::optional<domain::EventStatus> status;
    std::optional<domain::CodePolicy> code_policy;
    std::optional<std::int64_t> starts_at, ends_at, capacity;
};

struct TierCount {
    int tier = 0;
    std::string name;
    std::int64_t sold = 0;
    std::int64_t limit = 0;
};

struct GateCount {
    std::string gate;
    std::int64_t entries = 0;
};

struct EventStats {
    std::int64_t capacity = 0;
    std::int64_t sold = 0;
    std::vector<TierCount> tiers;
    std::int64_t inside_now = 0;
    std::vector<GateCount> gates;
    std::int64_t conflicts = 0;
    std::int64_t rejected_scans = 0;
    std::int64_t clock_flagged = 0;  ///< device scans whose time did not fit the device clock
};

/// An issuer key of an event; the secret half is sealed with the server's master key.
struct IssuerKeyRecord {
    std::int64_t id = 0;
    std::int64_t event_id = 0;
    std::string public_key;  ///< base58
    Bytes sealed_secret;
    bool retired = false;
    std::int64_t created_at = 0;
};

struct Reservation {
    std::int64_t id = 0;
    std::int64_t event_id = 0;
    int tier = 0;
    std::int64_t quantity = 0;
    std::int64_t unit_price_cents = 0;
    std::string currency = "USD";  ///< the event's
    std::int64_t expires_at = 0;
};

struct Payment {
    std::string external_id;
    std::int64_t amount_cents = 0;
    std::string currency = "USD";
    std::string method;
    std::string status;  ///< completed | failed
};

/// A ticket's NFT as the chain reconciler last saw it (docs/solana.md, "Backend on chain").
struct TicketChain {
    std::optional<std::string> mint;    ///< base58, set before anything is sent
    std::string state = "pending";      ///< pending | minted | issued | frozen
    std::optional<std::string> holder;  ///< wallet whose token account holds it
    bool dirty = true;                  ///< the chain has yet to follow a change
    std::int64_t attempts = 0;          ///< failed rounds in a row
    std::optional<std::string> last_error;
};

/// A ticket's refund as its holder sees it.
struct TicketRefund {
    std::string status;  ///< pending | succeeded | failed
    std::int64_t amount_cents = 0;
    std::string currency;
    std::optional<std::int64_t> completed_at;
};

/// Money going back to the payment it came from: for one ticket of a cancelled event or
/// a revoked ticket, or for a whole payment that could not become tickets.
struct Refund {
    std::int64_t id = 0;  ///< also the idempotency key a payment provider is given
    std::optional<std::int64_t> ticket_id;  ///< unset: the whole payment
    std::int64_t payment_id = 0;
    std::string payment;                           ///< the payment's external id
    std::optional<std::string> payment_reference;  ///< the provider's id of the payment
    std::int64_t amount_cents = 0;
    std::string currency;
    std::string method;
    std::string reason =
        "event_cancelled";           ///< event_cancelled | ticket_revoked | payment_unusable
    std::string status = "pending";  ///< pending | succeeded | failed
    std::optional<std::string> provider_reference;
    std::int64_t attempts = 0;  ///< calls to the provider that did not settle it
    std::optional<std::string> last_error;
    std::int64_t next_attempt_at = 0;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> completed_at;
};

/// What the payment method answered for one pending refund.
struct RefundOutcome {
    std::int64_t refund_id = 0;
    std::string status;  ///< succeeded | failed
    std::string provider_reference;
    std::int64_t at = 0;
};

/// A purchase's payment, as its buyer and the event's organizer see it (docs/payments.md).
struct PaymentRecord {
    std::int64_t id = 0;
    std::string external_id;  ///< the id the API shows: pay_... (card), test_... (test)
    std::int64_t reservation_id = 0;
    std::int64_t event_id = 0;
    std::optional<std::int64_t> user_id;
    std::string buyer_wallet;
    int tier = 0;
    std::int64_t quantity = 0;
    std::int64_t amount_cents = 0;
    std::string currency;
    std::string method;
    std::string status;                             ///< pending | completed | failed | canceled
    std::optional<std::string> provider_reference;  ///< e.g. the Stripe PaymentIntent id
    std::optional<std::string> client_secret;       ///< what the buyer's page confirms with
    std::optional<std::string> failure_reason;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::int64_t expires_at = 0;  ///< the seats are held until then
    std::vector<std::int64_t> ticket_ids;
};

/// One change of a payment: who did what when, and what the provider said.
struct PaymentEvent {
    std::int64_t at = 0;
    std::string actor;   ///< buyer, stripe, sweeper, organizer, migration
    std::string status;  ///< the payment's status after it
    std::string note;
    std::optional<std::string> provider_detail;  ///< JSON, as the provider sent it
};

/// A payment about to wait for its provider: seats are held for it until `expires_at`.
struct PaymentStart {
    std::int64_t event_id = 0;
    int tier = 0;
    std::int64_t quantity = 1;
    std::int64_t user_id = 0;
    std::string method;
    std::string external_id;
    std::int64_t now = 0;
    std::int64_t expires_at = 0;
};

/// What a provider (or the sweeper) says became of a pending payment.
struct PaymentOutcome {
    std::string external_id;
    std::string status;  ///< completed | failed | canceled; pending: only noted
    std::string actor;
    std::string note;
    std::optional<std::string> provider_detail;
    std::optional<std::string> failure_reason;
    /// The provider's event that says so (provider, event id, type): handled once.
    std::optional<std::string> provider, provider_event_id, provider_event_type;
    /// Failed or canceled although the money arrived (wrong amount, say): it is refunded.
    bool money_received = false;
    std::int64_t at = 0;
};

/// What settling did.
enum class SettleEffect {
    Applied,         ///< the payment changed as the outcome says
    Duplicate,       ///< this provider event was handled before: nothing changed
    NoChange,        ///< the payment was no longer pending (noted in its history)
    RefundOpened,    ///< money arrived that cannot become tickets: a refund was opened
    UnknownPayment,  ///< no such payment
};

struct Ticket {
    std::int64_t id = 0;
    std::int64_t event_id = 0;
    std::string owner_wallet;
    int tier = 0;
    std::int64_t generation = 0;
    domain::TicketStatus status = domain::TicketStatus::Valid;
    std::int64_t price_cents = 0;
    std::int64_t created_at = 0;
    bool transfer_pending = false;
    bool used = false;    ///< admitted on a single-entry list: it cannot change hands
    bool inside = false;  ///< its last scan at any gate was an entry
    /// Admitted at an entry lane at least once, on any list: its public status is `used`
    /// (domain::public_status), as gate devices record on chain.
    bool admitted = false;
    /// Passes issued for it so far: the newest pass's binding (0: none).
    std::int64_t binding = 0;
    TicketChain chain;
    std::optional<TicketRefund> refund;  ///< set once its event was cancelled and it was paid
};

struct PaymentSettlement {
    SettleEffect effect = SettleEffect::Applied;
    PaymentRecord payment;
    std::vector<Ticket> tickets;  ///< issued by this settlement
};

/// An event's keys on chain; the secret halves sealed with the master key.
struct EventChainKeys {
    std::int64_t event_id = 0;
    std::string authority;  ///< base58: mint and freeze authority, permanent delegate
    Bytes authority_sealed;
    std::string validator;  ///< base58: metadata update authority after issue
    Bytes validator_sealed;
    bool validator_funded = false;
};

/// A ticket the chain has to catch up with, as the reconciler reads it.
struct ChainWork {
    Ticket ticket;
    std::string event_name;
    domain::EventStatus event_status = domain::EventStatus::Active;
    std::string tier_name;
    Bytes mint_sealed;                  ///< empty until the mint key is made
    std::optional<std::string> target;  ///< destination of the last issue/transfer sent
    std::int64_t dirty_seq = 0;
};

/// What one reconciler pass over a ticket found; dirty is cleared only when `synced`
/// and no change arrived since `dirty_seq` was read.
struct ChainOutcome {
    std::int64_t ticket_id = 0;
    std::int64_t dirty_seq = 0;
    std::string state;
    std::optional<std::string> holder;
    bool synced = false;
    std::optional<std::string> error;
    std::int64_t next_attempt_at = 0;
};

struct ChainQueueStats {
    std::int64_t dirty = 0;    ///< tickets waiting for the chain
    std::int64_t failing = 0;  ///< of those, the ones whose last attempt failed
    std::int64_t issued = 0;   ///< tickets whose NFT is issued (frozen ones included)
};

/// Gate staff assigned to an event by its organizer: a validator wallet may validate the
/// event's tickets, at every gate or only at the gates listed.
struct EventValidator {
    std::int64_t event_id = 0;
    std::string wallet;
    std::vector<std::string> gates;  ///< empty: every gate
    std::int64_t created_at = 0;
};

/// What an Idempotency-Key found: a first request (run it), the stored answer of the first
/// one, a different body under the same key, or the first request still running.
struct IdempotentStart {
    enum class Outcome { First, Replay, OtherBody, Running } outcome = Outcome::First;
    int status = 0;        ///< Replay: the first answer's status
    std::string response;  ///< Replay: its body
};

/// A one-time code that registers a gate device for an event's gate and check-in list.
struct SetupCodeRecord {
    std::string token_hash;
    std::int64_t event_id = 0;
    std::string gate;
    std::int64_t checkin_list_id = 0;
    std::int64_t created_by = 0;
    std::int64_t expires_at = 0;
};

/// A registered gate device.
struct DeviceRecord {
    std::int64_t id = 0;
    std::string name;
    std::string public_key;
    std::int64_t event_id = 0;
    std::string gate;
    std::int64_t checkin_list_id = 0;
    bool revoked = false;
};

/// A pushed entry whose proof checked out, as ingest stores it: the record and, when its
/// time does not add up, why ("clock.future", "clock.offset_mismatch"; empty when fine).
struct IngestEntry {
    domain::EntryRecord record;
    std::string clock_flag;
};

struct PendingTransfer {
    std::int64_t id = 0;    ///< internal row id: never in a URL or an answer
    std::string reference;  ///< the public, unguessable name of the transfer
    std::int64_t ticket_id = 0;
    std::int64_t expires_at = 0;
};

/// An email transfer as its sender and its claim page see it (no hashes, no recipient).
struct EmailTransfer {
    std::string reference;
    std::int64_t ticket_id = 0;
    std::string event_name;
    std::string from_wallet;
    domain::TransferStatus status = domain::TransferStatus::Pending;  ///< as of the time asked
    std::int64_t expires_at = 0;
};

}  // namespace gate::backend
