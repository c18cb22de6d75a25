#pragma once
// The store over SQL (backend/include/gate/backend/Store.h), one class for both engines,
// SQLite and PostgreSQL, whose methods live in one file per aggregate: SqlAuth.cpp,
// SqlEvents.cpp, SqlRefunds.cpp, SqlSales.cpp, SqlTickets.cpp, SqlValidations.cpp,
// SqlTransfers.cpp, SqlDevices.cpp, SqlDeviceSync.cpp, SqlLeases.cpp, SqlRateLimits.cpp,
// SqlChain.cpp; SqlStore.cpp holds what they share, OpenStore.cpp opens it on either
// engine. A small pool of connections (one per request at a time). Every write is a job of
// a group commit (GroupCommit.h): jobs run one after another inside one IMMEDIATE
// transaction (SQLite's write lock; on PostgreSQL one advisory lock, gate/db/Postgres.h)
// and one commit makes a batch of them durable, so the same code keeps the same guarantees
// across threads and processes, and waiting writers share one fsync. The SQL is written once and
// runs on both: no INSERT OR ..., no engine functions, INSERT ... RETURNING for new ids, CASE for
// truth values; each engine has its own schema (SqliteSchema.cpp, PostgresSchema.cpp).

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "gate/backend/Store.h"
#include "gate/db/Database.h"
#include "sql/GroupCommit.h"

namespace gate::backend::sql {

// The store speaks the domain's errors, never HTTP's.
using domain::conflict;
using domain::forbidden;
using domain::not_found;

inline constexpr std::string_view kSelectEvent =
    "SELECT e.id, e.organizer_id, u.wallet, e.name, e.venue, e.description, e.image_url, "
    "e.starts_at, e.ends_at, e.capacity, e.tickets_sold, e.status, e.created_at, e.updated_at, "
    "e.code_policy, e.currency FROM events e JOIN users u ON u.id = e.organizer_id ";

inline constexpr std::string_view kSelectTicket =
    "SELECT t.id, t.event_id, t.owner_wallet, t.tier, t.generation, t.status, "
    "t.purchase_price_cents, t.created_at, "
    "(SELECT COUNT(*) FROM transfers x WHERE x.ticket_id = t.id AND x.status = 'pending'), "
    "c.mint, COALESCE(c.state, 'pending'), c.holder, COALESCE(c.dirty, 1), "
    "COALESCE(c.attempts, 0), c.last_error, "
    "EXISTS (SELECT 1 FROM entries u WHERE u.ticket_id = t.id AND u.direction = 'in' "
    "AND u.single_entry = 1), "
    "COALESCE((SELECT CASE WHEN l.direction = 'in' THEN 1 ELSE 0 END FROM entries l "
    "WHERE l.ticket_id = t.id "
    "ORDER BY l.at DESC, l.id DESC LIMIT 1), 0), "
    "EXISTS (SELECT 1 FROM entries a WHERE a.ticket_id = t.id AND a.direction = 'in'), "
    "r.status, r.amount_cents, r.currency, r.completed_at, t.pass_binding "
    "FROM tickets t LEFT JOIN chain_tickets c ON c.ticket_id = t.id "
    "LEFT JOIN refunds r ON r.ticket_id = t.id ";

Event read_event(const db::Statement& s);
Ticket read_ticket(const db::Statement& s);
domain::TicketStatus read_ticket_status(std::string_view stored);
/// The NFT a device may know: the mint, once the ticket is issued on chain.
std::optional<crypto::PublicKey> issued_mint(std::string_view state,
                                             const std::optional<std::string>& mint);
/// A ticket as devices and decide() see it.
domain::TicketRecord ticket_record(const Ticket& ticket);
domain::TicketRecord ticket_record(std::int64_t id, std::int64_t tier, std::int64_t generation,
                                   domain::TicketStatus status,
                                   std::optional<crypto::PublicKey> mint, std::int64_t binding);
/// Reads (ticket_id, direction, at, gate) columns.
domain::InsideRecord read_inside(const db::Statement& s);
/// The event's status; an event that does not exist reads as cancelled.
Result<domain::EventStatus, db::Error> load_event_status(db::Database& db, std::int64_t event_id);

/// Connections handed to one caller at a time; a connection is never shared.
class Pool {
  public:
    class Lease {
      public:
        Lease(Pool& pool, std::unique_ptr<db::Database> db) : pool_(&pool), db_(std::move(db)) {}
        Lease(Lease&&) = delete;
        ~Lease() { pool_->give_back(std::move(db_)); }
        db::Database& operator*() { return *db_; }
        db::Database* operator->() { return db_.get(); }

      private:
        Pool* pool_;
        std::unique_ptr<db::Database> db_;
    };

    void add(std::unique_ptr<db::Database> db) { free_.push_back(std::move(db)); }
    std::unique_ptr<db::Database> take() {
        std::unique_lock lock(mutex_);
        available_.wait(lock, [&] { return !free_.empty(); });
        auto db = std::move(free_.back());
        free_.pop_back();
        return db;
    }

  private:
    void give_back(std::unique_ptr<db::Database> db) {
        {
            std::lock_guard lock(mutex_);
            free_.push_back(std::move(db));
        }
        available_.notify_one();
    }

    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<db::Database>> free_;
};

#define GATE_TRY_DB(expr)                                                                \
    do {                                                                                 \
        if (auto status_ = (expr); !status_.ok()) return fail(failure(status_.error())); \
    } while (false)

class SqlStore final : public Store {
  public:
    SqlStore(log::Logger logger, std::size_t max_batch)
        : group_commit_(pool_, max_batch), logger_(std::move(logger)) {}

    Pool pool_;
    GroupCommit group_commit_;

    domain::DomainError failure(const db::Error& e) const;

    /// Runs `job(db)` as one job of the next group commit (GroupCommit.h): inside a
    /// transaction already open, on a connection the job must not keep. Returns the job's
    /// answer once its batch is durable, or the batch's error if the batch did not commit.
    /// A job that fails is undone, unless it set *keep_failure (a refusal that records why).
    /// Every write of the store goes this way.
    template <class Job>
    std::invoke_result_t<Job&, db::Database&> batched(Job&& job,
                                                      const bool* keep_failure = nullptr) {
        using Answer = std::invoke_result_t<Job&, db::Database&>;
        std::optional<Answer> answer;
        auto committed = group_commit_.run([&](db::Database& db) {
            answer.emplace(job(db));
            return answer->ok() || (keep_failure != nullptr && *keep_failure);
        });
        if (!committed.ok()) return Answer(fail(failure(committed.error())));
        return std::move(*answer);
    }

    /// Runs `fn` for every row of `sql` bound to `args`.
    template <class Fn, class... Args>
    Status<db::Error> rows(db::Database& db, std::string_view sql, Fn&& fn, const Args&... args) {
        auto st = db.prepare(sql);
        if (!st.ok()) return fail(st.error());
        if (auto bound = st->bind_all(args...); !bound.ok()) return bound;
        for (;;) {
            auto step = st->step();
            if (!step.ok()) return fail(step.error());
            if (*step == db::Step::Done) return {};
            fn(*st);
        }
    }

    Status<db::Error> add_change(db::Database& db, std::int64_t event_id, std::string_view kind,
                                 std::int64_t ref, std::int64_t now);

    // The chain must follow this ticket's change (same transaction as the change).
    Status<db::Error> mark_chain_dirty(db::Database& db, std::int64_t ticket_id);
    // ... every ticket of the event (its status changed: each ticket's public status did).
    Status<db::Error> mark_event_chain_dirty(db::Database& db, std::int64_t event_id);

    Status<db::Error> load_tiers(db::Database& db, Event& event);

    Result<std::optional<Event>, db::Error> load_event(db::Database& db, std::int64_t id);

    Result<std::optional<Ticket>, db::Error> load_ticket(db::Database& db, std::int64_t id);

    // Returns held reservations whose time is up to the pool of seats.
    Status<db::Error> expire_reservations(db::Database& db, std::int64_t now);

    Status<db::Error> give_back_seats(db::Database& db, std::int64_t event_id, std::int64_t tier,
                                      std::int64_t quantity);

    // ---- Store --------------------------------------------------------------------------

    StoreStatus ping() override;

    CommitTotals commit_totals() const override {
        const auto t = group_commit_.totals();
        return {t.batches, t.jobs, t.waiting};
    }

    StoreStatus put_nonce(const std::string& wallet, const std::string& nonce_hash,
                          std::int64_t expires_at) override;

    StoreResult<bool> take_nonce(const std::string& wallet, const std::string& nonce_hash,
                                 std::int64_t now) override;

    StoreResult<Principal> open_session(const std::string& wallet, Role role,
                                        const std::string& token_hash, std::int64_t now,
                                        std::int64_t expires_at) override;

    StoreResult<std::optional<Principal>> find_session(const std::string& token_hash,
                                                       std::int64_t now) override;

    StoreResult<Event> create_event(const Event& e, const IssuerKeyRecord& key) override;

    StoreResult<EventPage> list_events(const EventFilter& f) override;

    StoreResult<std::optional<Event>> get_event(std::int64_t id) override;

    StoreResult<std::int64_t> events_version() override;

    StoreResult<Event> update_event(std::int64_t id, const EventPatch& p,
                                    std::int64_t now) override;

    StoreResult<EventStats> event_stats(std::int64_t id) override;

    // A pending refund for each paid ticket of the event that has none (SqlRefunds.cpp).
    Status<db::Error> open_refunds(db::Database& db, std::int64_t event_id, std::int64_t now);

    StoreResult<std::vector<Refund>> refunds(std::int64_t event_id) override;

    StoreResult<bool> settle_refund(const RefundOutcome& outcome) override;

    StoreResult<std::vector<IssuerKeyRecord>> issuer_keys(std::int64_t event_id) override;

    StoreResult<Reservation> reserve(std::int64_t event_id, int tier, std::int64_t quantity,
                                     std::int64_t user_id, std::int64_t now,
                                     std::int64_t expires_at) override;

    StoreResult<std::vector<Ticket>> complete_purchase(const Reservation& r, const Payment& payment,
                                                       const std::string& owner_wallet,
                                                       std::int64_t now) override;

    StoreStatus release(const Reservation& r, const std::optional<Payment>& payment,
                        std::int64_t now) override;

    // Holds seats for a purchase (never beyond capacity or a tier's limit).
    StoreResult<Reservation> hold_seats(db::Database& db, std::int64_t event_id, int tier,
                                        std::int64_t quantity, std::int64_t user_id,
                                        std::int64_t now, std::int64_t expires_at);
    // Writes the tickets a completed payment bought (and their change log and chain rows);
    // answers them as load_ticket() would read them back.
    Result<std::vector<Ticket>, db::Error> issue_tickets(db::Database& db, std::int64_t event_id,
                                                         int tier, std::int64_t quantity,
                                                         std::int64_t unit_price_cents,
                                                         std::int64_t payment_id,
                                                         const std::string& owner_wallet,
                                                         std::int64_t now);

    // Payments (SqlPayments.cpp).
    Status<db::Error> record_payment_event(db::Database& db, std::int64_t payment_id,
                                           const PaymentEvent& event);
    template <class Key>
    Result<std::optional<PaymentRecord>, db::Error> load_payment(db::Database& db,
                                                                 std::string_view where,
                                                                 const Key& key);
    Status<db::Error> load_payment_tickets(db::Database& db, PaymentRecord& payment);
    Status<db::Error> open_whole_refund(db::Database& db, const PaymentRecord& payment,
                                        std::int64_t now);
    StoreResult<std::vector<PaymentRecord>> payment_list(std::string_view where, std::int64_t key,
                                                         std::int64_t before_id,
                                                         std::int64_t limit);
    StoreResult<PaymentRecord> begin_payment(const PaymentStart& start) override;
    StoreStatus attach_provider(const std::string& external_id,
                                const std::string& provider_reference,
                                const std::optional<std::string>& client_secret,
                                const std::optional<std::string>& provider_detail,
                                std::int64_t now) override;
    StoreResult<PaymentSettlement> settle_payment(const PaymentOutcome& outcome) override;
    StoreResult<std::optional<PaymentRecord>> find_payment(const std::string& external_id) override;
    StoreResult<std::optional<PaymentRecord>> find_payment_by_reference(
        const std::string& provider_reference) override;
    StoreResult<std::vector<PaymentEvent>> payment_history(std::int64_t payment_id) override;
    StoreResult<std::vector<PaymentRecord>> payments_of_user(std::int64_t user_id,
                                                             std::int64_t before_id,
                                                             std::int64_t limit) override;
    StoreResult<std::vector<PaymentRecord>> payments_of_event(std::int64_t event_id,
                                                              std::int64_t before_id,
                                                              std::int64_t limit) override;
    StoreResult<std::vector<PaymentRecord>> overdue_payments(std::int64_t now,
                                                             std::int64_t limit) override;
    // Refunds (SqlRefunds.cpp).
    Status<db::Error> open_ticket_refund(db::Database& db, std::int64_t ticket_id,
                                         std::string_view reason, std::int64_t now);
    StoreResult<std::vector<Refund>> refund_list(std::string_view where, std::int64_t key,
                                                 std::int64_t limit);
    StoreResult<std::vector<Refund>> due_refunds(std::int64_t now, std::int64_t limit) override;
    StoreResult<std::vector<Refund>> refunds_of_payment(std::int64_t payment_id) override;
    StoreStatus refund_attempt_failed(std::int64_t refund_id, const std::string& error,
                                      const std::optional<std::string>& provider_reference,
                                      std::int64_t retry_at) override;

    StoreResult<std::vector<Ticket>> tickets_of(const std::string& wallet) override;

    StoreResult<std::optional<Ticket>> get_ticket(std::int64_t id) override;

    StoreResult<Ticket> bind_pass(std::int64_t id, const std::string& wallet,
                                  std::int64_t now) override;
    StoreResult<Ticket> set_ticket_status(std::int64_t id, domain::TicketStatus status,
                                          std::int64_t now) override;

    // What decide() knows of the ticket `ticket_id` for a scan at `event_id`: its row (if it
    // is of that event) and its last scan, in one statement, since it runs inside the write
    // batch where every statement counts.
    Result<domain::TicketState, db::Error> known_state(db::Database& db, std::int64_t ticket_id,
                                                       std::int64_t event_id);

    Result<std::optional<domain::InsideRecord>, db::Error> last_scan(db::Database& db,
                                                                     std::int64_t ticket_id);

    StoreResult<domain::Decision> validate(std::optional<std::int64_t> ticket_id,
                                           const ScanRecord& scan, const Decide& decide) override;

    // Checks shared by both kinds of transfer; expires stale pending transfers first.
    StoreResult<Ticket> transferable(db::Database& db, std::int64_t ticket_id,
                                     const std::string& from_wallet, std::int64_t now);

    StoreResult<Ticket> transfer_direct(std::int64_t ticket_id, const std::string& from_wallet,
                                        const std::string& to_wallet, std::int64_t now) override;

    StoreResult<PendingTransfer> create_email_transfer(
        std::int64_t ticket_id, const std::string& from_wallet, const std::string& reference,
        const std::string& email_hash, const std::string& claim_hash, std::int64_t now,
        std::int64_t expires_at) override;

    StoreResult<std::optional<EmailTransfer>> find_email_transfer(const std::string& reference,
                                                                  std::int64_t now) override;

    StoreResult<EmailTransfer> cancel_transfer(const std::string& reference,
                                               const std::string& sender_wallet,
                                               std::int64_t now) override;

    StoreResult<Ticket> claim_transfer(const std::string& reference, const std::string& email_hash,
                                       const std::string& claim_hash, const std::string& to_wallet,
                                       std::int64_t now) override;

    // The email transfer named `reference` (status as stored), read in the caller's
    // transaction.
    Result<std::optional<EmailTransfer>, db::Error> load_email_transfer(
        db::Database& db, const std::string& reference);

    StoreResult<IdempotentStart> start_idempotent(std::int64_t user_id, const std::string& route,
                                                  const std::string& key,
                                                  const std::string& body_hash, std::int64_t now,
                                                  std::int64_t keep_ms,
                                                  std::int64_t stale_ms) override;
    StoreStatus finish_idempotent(std::int64_t user_id, const std::string& route,
                                  const std::string& key, int status,
                                  const std::string& response) override;

    StoreResult<EventValidator> put_validator(const EventValidator& validator) override;
    StoreResult<std::vector<EventValidator>> validators(std::int64_t event_id) override;
    StoreResult<std::optional<EventValidator>> find_validator(std::int64_t event_id,
                                                              const std::string& wallet) override;
    StoreResult<bool> remove_validator(std::int64_t event_id, const std::string& wallet) override;

    // ---- Devices ------------------------------------------------------------------------

    Result<std::optional<StoredCheckinList>, db::Error> load_list(db::Database& db,
                                                                  std::int64_t id);

    StoreResult<StoredCheckinList> create_checkin_list(const StoredCheckinList& list) override;

    StoreResult<std::optional<StoredCheckinList>> get_checkin_list(std::int64_t id) override;

    StoreResult<std::optional<StoredCheckinList>> default_checkin_list(
        std::int64_t event_id) override;

    StoreStatus put_setup_code(const SetupCodeRecord& c) override;

    static constexpr std::string_view kSelectDevice =
        "SELECT id, name, public_key, event_id, gate, checkin_list_id, revoked_at FROM devices ";

    static DeviceRecord read_device(const db::Statement& s);

    StoreResult<DeviceRecord> register_device(const std::string& setup_token_hash,
                                              const std::string& name,
                                              const std::string& public_key,
                                              const std::string& device_token_hash,
                                              std::int64_t now) override;

    StoreResult<std::optional<DeviceRecord>> find_device(const std::string& token_hash) override;

    StoreResult<std::optional<DeviceRecord>> get_device(std::int64_t id) override;

    StoreStatus revoke_device(std::int64_t device_id, std::int64_t now) override;

    // The newest change ever logged, even when pruning emptied the log.
    static constexpr std::string_view kNewestChange =
        "SELECT MAX(n) FROM (SELECT COALESCE(MAX(seq), 0) AS n FROM changes UNION ALL SELECT value "
        "FROM store_meta WHERE name = 'changes_pruned_through') newest";

    StoreResult<EventCache> snapshot(std::int64_t event_id) override;

    StoreResult<std::optional<domain::ChangesPage>> changes(std::int64_t event_id,
                                                            std::int64_t after,
                                                            std::int64_t limit) override;

    StoreResult<domain::IngestResult> ingest(const DeviceRecord& device,
                                             const std::vector<IngestEntry>& entries,
                                             std::int64_t now) override;

    StoreStatus prune_changes(std::int64_t before) override;

    // ---- Rate limits (SqlRateLimits.cpp) ------------------------------------------------

    StoreResult<std::int64_t> take_rate_token(const std::string& key, std::int64_t per_minute,
                                              std::int64_t burst, std::int64_t now) override;
    StoreStatus prune_rate_buckets(std::int64_t now) override;

    // ---- Leases (SqlLeases.cpp) -----------------------------------------------------------

    StoreResult<bool> hold_lease(const std::string& name, const std::string& holder,
                                 std::int64_t now, std::int64_t ttl_ms) override;
    StoreStatus release_lease(const std::string& name, const std::string& holder) override;

    // ---- Chain --------------------------------------------------------------------------

    StoreResult<EventChainKeys> ensure_chain_keys(const EventChainKeys& candidate,
                                                  std::int64_t now) override;

    StoreStatus mark_validator_funded(std::int64_t event_id) override;

    StoreResult<std::vector<ChainWork>> chain_work(std::int64_t now, std::int64_t limit) override;

    StoreResult<std::vector<ChainWork>> chain_audit(std::int64_t checked_before,
                                                    std::int64_t limit) override;

    // The reconciler's view of the chain_tickets rows `where` selects (bound to `a`, `b`).
    StoreResult<std::vector<ChainWork>> load_chain_work(std::string_view where, std::int64_t a,
                                                        std::int64_t b);

    StoreResult<std::pair<std::string, Bytes>> put_chain_mint(std::int64_t ticket_id,
                                                              const std::string& mint,
                                                              const Bytes& sealed,
                                                              std::int64_t now) override;

    StoreStatus put_chain_target(std::int64_t ticket_id, const std::string& wallet) override;

    StoreStatus record_chain(const ChainOutcome& o, std::int64_t now) override;

    StoreResult<ChainQueueStats> chain_queue() override;

  private:
    log::Logger logger_;
};

}  // namespace gate::backend::sql
