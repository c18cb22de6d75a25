// The SQLite implementation of Store: a small pool of connections (one per request at a
// time), WAL mode, IMMEDIATE transactions for every write that checks before it changes.
// The SQL is plain SQL that PostgreSQL runs as well (no INSERT OR ..., no SQLite functions);
// only last_insert_rowid() is engine-specific and stays in this file.
#include <sodium/utils.h>

#include <condition_variable>
#include <mutex>

#include "Schema.h"
#include "gate/backend/Store.h"
#include "gate/db/Database.h"

namespace gate::backend {

namespace {

constexpr std::string_view kSelectEvent =
    "SELECT e.id, e.organizer_id, u.wallet, e.name, e.venue, e.description, e.image_url, "
    "e.starts_at, e.ends_at, e.capacity, e.tickets_sold, e.status, e.created_at, e.updated_at "
    "FROM events e JOIN users u ON u.id = e.organizer_id ";

constexpr std::string_view kSelectTicket =
    "SELECT t.id, t.event_id, t.owner_wallet, t.tier, t.generation, t.status, "
    "t.purchase_price_cents, t.created_at, "
    "(SELECT COUNT(*) FROM transfers x WHERE x.ticket_id = t.id AND x.status = 'pending'), "
    "c.mint, COALESCE(c.state, 'pending'), c.holder, COALESCE(c.dirty, 1), "
    "COALESCE(c.attempts, 0), c.last_error "
    "FROM tickets t LEFT JOIN chain_tickets c ON c.ticket_id = t.id ";

Event read_event(const db::Statement& s) {
    Event e;
    e.id = s.column_int64(0);
    e.organizer_id = s.column_int64(1);
    e.organizer_wallet = s.column_text(2);
    e.name = s.column_text(3);
    e.venue = s.column_text(4);
    e.description = s.column_text(5);
    e.image_url = s.column_text(6);
    e.starts_at = s.column_int64(7);
    e.ends_at = s.column_int64(8);
    e.capacity = s.column_int64(9);
    e.sold = s.column_int64(10);
    e.status = s.column_text(11);
    e.created_at = s.column_int64(12);
    e.updated_at = s.column_int64(13);
    return e;
}

Ticket read_ticket(const db::Statement& s) {
    Ticket t;
    t.id = s.column_int64(0);
    t.event_id = s.column_int64(1);
    t.owner_wallet = s.column_text(2);
    t.tier = static_cast<int>(s.column_int64(3));
    t.generation = s.column_int64(4);
    t.status = s.column_text(5);
    t.price_cents = s.column_int64(6);
    t.created_at = s.column_int64(7);
    t.transfer_pending = s.column_int64(8) > 0;
    auto text = [&](int column) -> std::optional<std::string> {
        if (auto v = s.column_optional_text(column)) return std::string(*v);
        return std::nullopt;
    };
    t.chain.mint = text(9);
    t.chain.state = s.column_text(10);
    t.chain.holder = text(11);
    t.chain.dirty = s.column_int64(12) != 0;
    t.chain.attempts = s.column_int64(13);
    t.chain.last_error = text(14);
    return t;
}

std::string like_pattern(std::string_view text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('%');
    return out;
}

std::string join_tiers(const std::vector<int>& tiers) {
    std::string out;
    for (int t : tiers) {
        if (!out.empty()) out += ',';
        out += std::to_string(t);
    }
    return out;
}

std::vector<int> split_tiers(std::string_view text) {
    std::vector<int> out;
    int value = 0;
    bool any = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            any = true;
        } else if (c == ',' && any) {
            out.push_back(value);
            value = 0;
            any = false;
        }
    }
    if (any) out.push_back(value);
    return out;
}

bool same_hash(const std::string& a, const std::string& b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// Connections handed to one caller at a time; SQLite connections are not shared.
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

class SqliteStore final : public Store {
  public:
    explicit SqliteStore(log::Logger logger) : logger_(std::move(logger)) {}
    Pool pool_;

    ApiError failure(const db::Error& e) const {
        if (e.code == db::ErrorCode::Busy) {
            ApiError busy{503, "busy", "the database is busy; retry shortly", {}, 1};
            return busy;
        }
        logger_.error("database failure", {{"error", db::to_string(e)}});
        return internal_error();
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
                                 std::int64_t ref, std::int64_t now) {
        return db.execute(
            "INSERT INTO changes (event_id, kind, ref, created_at) VALUES (?, ?, ?, ?)", event_id,
            kind, ref, now);
    }

    // The chain must follow this ticket's change (same transaction as the change).
    Status<db::Error> mark_chain_dirty(db::Database& db, std::int64_t ticket_id) {
        return db.execute(
            "UPDATE chain_tickets SET dirty = 1, dirty_seq = dirty_seq + 1, next_attempt_at = 0 "
            "WHERE ticket_id = ?",
            ticket_id);
    }

    Status<db::Error> load_tiers(db::Database& db, Event& event) {
        event.tiers.clear();
        return rows(
            db,
            "SELECT tier, name, price_cents, ticket_limit, sold FROM event_tiers WHERE event_id = "
            "? "
            "ORDER BY tier",
            [&](const db::Statement& s) {
                event.tiers.push_back({static_cast<int>(s.column_int64(0)),
                                       std::string(s.column_text(1)), s.column_int64(2),
                                       s.column_int64(3), s.column_int64(4)});
            },
            event.id);
    }

    Result<std::optional<Event>, db::Error> load_event(db::Database& db, std::int64_t id) {
        std::optional<Event> found;
        const std::string sql = std::string(kSelectEvent) + "WHERE e.id = ?";
        if (auto s = rows(
                db, sql, [&](const db::Statement& st) { found = read_event(st); }, id);
            !s.ok())
            return fail(s.error());
        if (found) {
            if (auto s = load_tiers(db, *found); !s.ok()) return fail(s.error());
        }
        return found;
    }

    Result<std::optional<Ticket>, db::Error> load_ticket(db::Database& db, std::int64_t id) {
        std::optional<Ticket> found;
        const std::string sql = std::string(kSelectTicket) + "WHERE t.id = ?";
        if (auto s = rows(
                db, sql, [&](const db::Statement& st) { found = read_ticket(st); }, id);
            !s.ok())
            return fail(s.error());
        return found;
    }

    // Returns held reservations whose time is up to the pool of seats.
    Status<db::Error> expire_reservations(db::Database& db, std::int64_t now) {
        struct Held {
            std::int64_t id, event_id, tier, quantity;
        };
        std::vector<Held> held;
        if (auto s = rows(
                db,
                "SELECT id, event_id, tier, quantity FROM reservations WHERE status = 'held' AND "
                "expires_at <= ?",
                [&](const db::Statement& st) {
                    held.push_back({st.column_int64(0), st.column_int64(1), st.column_int64(2),
                                    st.column_int64(3)});
                },
                now);
            !s.ok())
            return s;
        for (const auto& h : held) {
            if (auto s = give_back_seats(db, h.event_id, h.tier, h.quantity); !s.ok()) return s;
            if (auto s =
                    db.execute("UPDATE reservations SET status = 'expired' WHERE id = ?", h.id);
                !s.ok())
                return s;
        }
        return {};
    }

    Status<db::Error> give_back_seats(db::Database& db, std::int64_t event_id, std::int64_t tier,
                                      std::int64_t quantity) {
        if (auto s = db.execute("UPDATE events SET tickets_sold = tickets_sold - ? WHERE id = ?",
                                quantity, event_id);
            !s.ok())
            return s;
        return db.execute("UPDATE event_tiers SET sold = sold - ? WHERE event_id = ? AND tier = ?",
                          quantity, event_id, tier);
    }

    // ---- Store --------------------------------------------------------------------------

    ApiStatus ping() override {
        auto db = pool_.take();
        Pool::Lease lease(pool_, std::move(db));
        auto one = lease->query_one<std::int64_t>("SELECT 1");
        if (!one.ok()) return fail(failure(one.error()));
        return {};
    }

    ApiStatus put_nonce(const std::string& wallet, const std::string& nonce_hash,
                        std::int64_t expires_at) override {
        Pool::Lease db(pool_, pool_.take());
        GATE_TRY_DB(
            db->execute("DELETE FROM auth_nonces WHERE expires_at < ?", expires_at - 3600000));
        GATE_TRY_DB(
            db->execute("INSERT INTO auth_nonces (nonce_hash, wallet, expires_at) VALUES (?, ?, ?)",
                        nonce_hash, wallet, expires_at));
        return {};
    }

    ApiResult<bool> take_nonce(const std::string& wallet, const std::string& nonce_hash,
                               std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto found = db->query_optional<std::string, std::int64_t>(
            "SELECT wallet, expires_at FROM auth_nonces WHERE nonce_hash = ?", nonce_hash);
        if (!found.ok()) return fail(failure(found.error()));
        if (!found->has_value()) return false;
        // Single use whatever the outcome: a nonce shown to a forger is spent.
        GATE_TRY_DB(db->execute("DELETE FROM auth_nonces WHERE nonce_hash = ?", nonce_hash));
        GATE_TRY_DB(tx->commit());
        const auto& [owner, expires_at] = **found;
        return owner == wallet && expires_at > now;
    }

    ApiResult<Principal> open_session(const std::string& wallet, Role role,
                                      const std::string& token_hash, std::int64_t now,
                                      std::int64_t expires_at) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto user =
            db->query_optional<std::int64_t>("SELECT id FROM users WHERE wallet = ?", wallet);
        if (!user.ok()) return fail(failure(user.error()));
        std::int64_t user_id = 0;
        if (user->has_value()) {
            user_id = **user;
            GATE_TRY_DB(
                db->execute("UPDATE users SET role = ? WHERE id = ?", to_string(role), user_id));
        } else {
            GATE_TRY_DB(db->execute("INSERT INTO users (wallet, role, created_at) VALUES (?, ?, ?)",
                                    wallet, to_string(role), now));
            user_id = db->last_insert_rowid();
        }
        GATE_TRY_DB(db->execute("DELETE FROM sessions WHERE expires_at < ?", now));
        GATE_TRY_DB(
            db->execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES "
                        "(?, ?, ?, ?)",
                        token_hash, user_id, now, expires_at));
        GATE_TRY_DB(tx->commit());
        return Principal{user_id, wallet, role, expires_at};
    }

    ApiResult<std::optional<Principal>> find_session(const std::string& token_hash,
                                                     std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto row = db->query_optional<std::int64_t, std::string, std::string, std::int64_t>(
            "SELECT u.id, u.wallet, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = "
            "s.user_id WHERE s.token_hash = ? AND s.expires_at > ?",
            token_hash, now);
        if (!row.ok()) return fail(failure(row.error()));
        if (!row->has_value()) return std::optional<Principal>{};
        auto& [id, wallet, role, expires] = **row;
        return std::optional<Principal>{
            Principal{id, wallet, role_from(role).value_or(Role::Holder), expires}};
    }

    ApiResult<Event> create_event(const Event& e, const IssuerKeyRecord& key) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        GATE_TRY_DB(db->execute(
            "INSERT INTO events (organizer_id, name, venue, description, image_url, starts_at, "
            "ends_at, capacity, tickets_sold, status, created_at, updated_at) VALUES (?, ?, ?, ?, "
            "?, ?, ?, ?, 0, 'active', ?, ?)",
            e.organizer_id, e.name, e.venue, e.description, e.image_url, e.starts_at, e.ends_at,
            e.capacity, e.created_at, e.created_at));
        const std::int64_t id = db->last_insert_rowid();
        for (const auto& t : e.tiers) {
            GATE_TRY_DB(db->execute(
                "INSERT INTO event_tiers (event_id, tier, name, price_cents, ticket_limit, sold) "
                "VALUES (?, ?, ?, ?, ?, 0)",
                id, t.index, t.name, t.price_cents, t.limit));
        }
        GATE_TRY_DB(db->execute(
            "INSERT INTO issuer_keys (event_id, public_key, sealed_secret, retired, created_at) "
            "VALUES (?, ?, ?, 0, ?)",
            id, key.public_key, ByteView(key.sealed_secret), e.created_at));
        GATE_TRY_DB(add_change(*db, id, "issuer_key", db->last_insert_rowid(), e.created_at));
        // Every event starts with a default check-in list that admits all tiers once.
        GATE_TRY_DB(db->execute(
            "INSERT INTO checkin_lists (event_id, name, tiers, reentry, accept_unknown) VALUES "
            "(?, 'All tickets', '', 'single', 1)",
            id));
        auto created = load_event(*db, id);
        if (!created.ok()) return fail(failure(created.error()));
        GATE_TRY_DB(tx->commit());
        return std::move(**created);
    }

    ApiResult<EventPage> list_events(const EventFilter& f) override {
        Pool::Lease db(pool_, pool_.take());
        // One fixed statement; absent filters are NULL parameters.
        static constexpr std::string_view kWhere =
            "WHERE (?1 = 'all' OR (?1 = 'upcoming' AND e.starts_at > ?2) OR (?1 = 'active' AND "
            "e.starts_at <= ?2 AND e.ends_at > ?2) OR (?1 = 'current' AND e.ends_at > ?2) OR (?1 = "
            "'past' AND e.ends_at <= ?2)) AND (?3 IS NULL OR e.status = ?3) AND (?4 IS NULL OR "
            "e.venue = ?4) AND (?5 IS NULL OR e.name LIKE ?5 ESCAPE '\\') AND (?6 IS NULL OR "
            "e.organizer_id = ?6) AND (?7 IS NULL OR e.starts_at >= ?7) AND (?8 IS NULL OR "
            "e.starts_at < ?8) ";
        std::optional<std::string> like;
        if (f.name_contains) like = like_pattern(*f.name_contains);
        EventPage page;
        const std::string count_sql = "SELECT COUNT(*) FROM events e " + std::string(kWhere);
        auto total = db->query_one<std::int64_t>(count_sql, f.when, f.now, f.status, f.venue, like,
                                                 f.organizer_id, f.starts_after, f.starts_before);
        if (!total.ok()) return fail(failure(total.error()));
        page.total = *total;
        const std::string sql = std::string(kSelectEvent) + std::string(kWhere) +
                                "ORDER BY e.starts_at, e.id LIMIT ?9 OFFSET ?10";
        GATE_TRY_DB(rows(
            *db, sql, [&](const db::Statement& s) { page.events.push_back(read_event(s)); }, f.when,
            f.now, f.status, f.venue, like, f.organizer_id, f.starts_after, f.starts_before,
            f.limit, f.offset));
        for (auto& e : page.events)
            GATE_TRY_DB(load_tiers(*db, e));
        return page;
    }

    ApiResult<std::optional<Event>> get_event(std::int64_t id) override {
        Pool::Lease db(pool_, pool_.take());
        auto e = load_event(*db, id);
        if (!e.ok()) return fail(failure(e.error()));
        return std::move(*e);
    }

    ApiResult<Event> update_event(std::int64_t id, const EventPatch& p, std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto current = load_event(*db, id);
        if (!current.ok()) return fail(failure(current.error()));
        if (!current->has_value()) return fail(not_found("event"));
        const Event& e = **current;
        const auto starts = p.starts_at.value_or(e.starts_at);
        const auto ends = p.ends_at.value_or(e.ends_at);
        if (ends <= starts)
            return fail(ApiError{400,
                                 "validation_failed",
                                 "ends_at must be after starts_at",
                                 {{"ends_at", "invalid", "must be after starts_at"}},
                                 {}});
        const auto capacity = p.capacity.value_or(e.capacity);
        if (capacity < e.sold)
            return fail(
                ApiError{409,
                         "capacity_below_sold",
                         "capacity cannot go below the " + std::to_string(e.sold) + " tickets sold",
                         {},
                         {}});
        GATE_TRY_DB(db->execute(
            "UPDATE events SET name = ?, venue = ?, description = ?, image_url = ?, starts_at = ?, "
            "ends_at = ?, capacity = ?, status = ?, updated_at = ? WHERE id = ?",
            p.name.value_or(e.name), p.venue.value_or(e.venue),
            p.description.value_or(e.description), p.image_url.value_or(e.image_url), starts, ends,
            capacity, p.status.value_or(e.status), now, id));
        auto updated = load_event(*db, id);
        if (!updated.ok()) return fail(failure(updated.error()));
        GATE_TRY_DB(tx->commit());
        return std::move(**updated);
    }

    ApiResult<EventStats> event_stats(std::int64_t id) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin(db::TransactionKind::Deferred);  // one consistent view
        if (!tx.ok()) return fail(failure(tx.error()));
        auto event = load_event(*db, id);
        if (!event.ok()) return fail(failure(event.error()));
        if (!event->has_value()) return fail(not_found("event"));
        EventStats stats;
        stats.capacity = (*event)->capacity;
        for (const auto& t : (*event)->tiers)
            stats.tiers.push_back({t.index, t.name, 0, t.limit});
        GATE_TRY_DB(rows(
            *db, "SELECT tier, COUNT(*) FROM tickets WHERE event_id = ? GROUP BY tier",
            [&](const db::Statement& s) {
                for (auto& t : stats.tiers)
                    if (t.tier == s.column_int64(0)) t.sold = s.column_int64(1);
                stats.sold += s.column_int64(1);
            },
            id));
        auto inside = db->query_one<std::int64_t>(
            "SELECT COUNT(*) FROM entries e WHERE e.event_id = ? AND e.direction = 'in' AND e.id = "
            "(SELECT x.id FROM entries x WHERE x.ticket_id = e.ticket_id ORDER BY x.at DESC, x.id "
            "DESC LIMIT 1)",
            id);
        if (!inside.ok()) return fail(failure(inside.error()));
        stats.inside_now = *inside;
        GATE_TRY_DB(rows(
            *db,
            "SELECT gate, COUNT(*) FROM entries WHERE event_id = ? AND direction = 'in' GROUP BY "
            "gate ORDER BY gate",
            [&](const db::Statement& s) {
                stats.gates.push_back({std::string(s.column_text(0)), s.column_int64(1)});
            },
            id));
        auto conflicts = db->query_one<std::int64_t>(
            "SELECT COUNT(*) FROM entries WHERE event_id = ? AND conflict = 1", id);
        if (!conflicts.ok()) return fail(failure(conflicts.error()));
        stats.conflicts = *conflicts;
        auto rejected = db->query_one<std::int64_t>(
            "SELECT COUNT(*) FROM validations WHERE event_id = ? AND verdict = 'rejected'", id);
        if (!rejected.ok()) return fail(failure(rejected.error()));
        stats.rejected_scans = *rejected;
        return stats;
    }

    ApiResult<std::vector<IssuerKeyRecord>> issuer_keys(std::int64_t event_id) override {
        Pool::Lease db(pool_, pool_.take());
        std::vector<IssuerKeyRecord> keys;
        GATE_TRY_DB(rows(
            *db,
            "SELECT id, event_id, public_key, sealed_secret, retired, created_at FROM issuer_keys "
            "WHERE event_id = ? ORDER BY id",
            [&](const db::Statement& s) {
                const auto blob = s.column_blob(3);
                keys.push_back({s.column_int64(0), s.column_int64(1), std::string(s.column_text(2)),
                                Bytes(blob.begin(), blob.end()), s.column_int64(4) != 0,
                                s.column_int64(5)});
            },
            event_id));
        return keys;
    }

    ApiResult<Reservation> reserve(std::int64_t event_id, int tier, std::int64_t quantity,
                                   std::int64_t user_id, std::int64_t now,
                                   std::int64_t expires_at) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        GATE_TRY_DB(expire_reservations(*db, now));
        auto event = load_event(*db, event_id);
        if (!event.ok()) return fail(failure(event.error()));
        if (!event->has_value()) return fail(not_found("event"));
        const Event& e = **event;
        if (e.status != "active")
            return fail(conflict("event_not_on_sale", "the event is cancelled"));
        if (e.ends_at <= now) return fail(conflict("event_not_on_sale", "the event is over"));
        const Tier* chosen = nullptr;
        for (const auto& t : e.tiers)
            if (t.index == tier) chosen = &t;
        if (!chosen)
            return fail(ApiError{400,
                                 "validation_failed",
                                 "tier does not exist for this event",
                                 {{"tier", "invalid", "does not exist for this event"}},
                                 {}});
        // Conditional updates: the row changes only while seats remain, so no interleaving
        // of purchases can sell past capacity or a tier's limit.
        GATE_TRY_DB(db->execute(
            "UPDATE events SET tickets_sold = tickets_sold + ?1 WHERE id = ?2 AND tickets_sold + "
            "?1 <= capacity",
            quantity, event_id));
        if (db->changes() != 1)
            return fail(conflict("sold_out", "not enough tickets left for this event"));
        GATE_TRY_DB(db->execute(
            "UPDATE event_tiers SET sold = sold + ?1 WHERE event_id = ?2 AND tier = ?3 AND sold + "
            "?1 <= ticket_limit",
            quantity, event_id, tier));
        if (db->changes() != 1)
            return fail(
                conflict("tier_sold_out", "not enough tickets left in tier " + chosen->name));
        GATE_TRY_DB(db->execute(
            "INSERT INTO reservations (event_id, tier, quantity, user_id, status, created_at, "
            "expires_at) VALUES (?, ?, ?, ?, 'held', ?, ?)",
            event_id, tier, quantity, user_id, now, expires_at));
        Reservation r{db->last_insert_rowid(), event_id,  tier, quantity,
                      chosen->price_cents,     expires_at};
        GATE_TRY_DB(tx->commit());
        return r;
    }

    ApiResult<std::vector<Ticket>> complete_purchase(const Reservation& r, const Payment& payment,
                                                     const std::string& owner_wallet,
                                                     std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto status =
            db->query_one<std::string>("SELECT status FROM reservations WHERE id = ?", r.id);
        if (!status.ok()) return fail(failure(status.error()));
        if (*status != "held")
            return fail(ApiError{410,
                                 "reservation_expired",
                                 "the reservation expired before payment completed",
                                 {},
                                 {}});
        GATE_TRY_DB(db->execute(
            "INSERT INTO payments (reservation_id, external_id, amount_cents, currency, method, "
            "status, created_at) VALUES (?, ?, ?, ?, ?, 'completed', ?)",
            r.id, payment.external_id, payment.amount_cents, payment.currency, payment.method,
            now));
        const std::int64_t payment_id = db->last_insert_rowid();
        std::vector<std::int64_t> ids;
        for (std::int64_t i = 0; i < r.quantity; ++i) {
            GATE_TRY_DB(db->execute(
                "INSERT INTO tickets (event_id, owner_wallet, tier, generation, status, "
                "purchase_price_cents, payment_id, created_at, updated_at) VALUES (?, ?, ?, 0, "
                "'valid', ?, ?, ?, ?)",
                r.event_id, owner_wallet, r.tier, r.unit_price_cents, payment_id, now, now));
            ids.push_back(db->last_insert_rowid());
            GATE_TRY_DB(add_change(*db, r.event_id, "ticket", ids.back(), now));
            GATE_TRY_DB(db->execute(
                "INSERT INTO chain_tickets (ticket_id, dirty, dirty_seq, state, updated_at) "
                "VALUES (?, 1, 1, 'pending', ?)",
                ids.back(), now));
        }
        GATE_TRY_DB(db->execute("UPDATE reservations SET status = 'completed' WHERE id = ?", r.id));
        std::vector<Ticket> tickets;
        for (auto id : ids) {
            auto t = load_ticket(*db, id);
            if (!t.ok()) return fail(failure(t.error()));
            tickets.push_back(**t);
        }
        GATE_TRY_DB(tx->commit());
        return tickets;
    }

    ApiStatus release(const Reservation& r, const std::optional<Payment>& payment,
                      std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto status =
            db->query_one<std::string>("SELECT status FROM reservations WHERE id = ?", r.id);
        if (!status.ok()) return fail(failure(status.error()));
        if (*status == "held") {
            GATE_TRY_DB(give_back_seats(*db, r.event_id, r.tier, r.quantity));
            GATE_TRY_DB(
                db->execute("UPDATE reservations SET status = 'released' WHERE id = ?", r.id));
        }
        if (payment) {
            GATE_TRY_DB(
                db->execute("INSERT INTO payments (reservation_id, external_id, amount_cents, "
                            "currency, method, "
                            "status, created_at) VALUES (?, ?, ?, ?, ?, 'failed', ?)",
                            r.id, payment->external_id, payment->amount_cents, payment->currency,
                            payment->method, now));
        }
        GATE_TRY_DB(tx->commit());
        return {};
    }

    ApiResult<std::vector<Ticket>> tickets_of(const std::string& wallet) override {
        Pool::Lease db(pool_, pool_.take());
        std::vector<Ticket> out;
        const std::string sql =
            std::string(kSelectTicket) + "WHERE t.owner_wallet = ? ORDER BY t.id";
        GATE_TRY_DB(rows(
            *db, sql, [&](const db::Statement& s) { out.push_back(read_ticket(s)); }, wallet));
        return out;
    }

    ApiResult<std::optional<Ticket>> get_ticket(std::int64_t id) override {
        Pool::Lease db(pool_, pool_.take());
        auto t = load_ticket(*db, id);
        if (!t.ok()) return fail(failure(t.error()));
        return std::move(*t);
    }

    ApiResult<Ticket> set_ticket_status(std::int64_t id, const std::string& status,
                                        std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto t = load_ticket(*db, id);
        if (!t.ok()) return fail(failure(t.error()));
        if (!t->has_value()) return fail(not_found("ticket"));
        GATE_TRY_DB(db->execute("UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
                                status, now, id));
        GATE_TRY_DB(add_change(*db, (*t)->event_id, "ticket", id, now));
        GATE_TRY_DB(mark_chain_dirty(*db, id));
        auto changed = load_ticket(*db, id);
        if (!changed.ok()) return fail(failure(changed.error()));
        GATE_TRY_DB(tx->commit());
        return **changed;
    }

    Result<std::optional<std::tuple<std::string, std::string>>, db::Error> last_scan(
        db::Database& db, std::int64_t ticket_id) {
        return db.query_optional<std::string, std::string>(
            "SELECT direction, gate FROM entries WHERE ticket_id = ? ORDER BY at DESC, id DESC "
            "LIMIT 1",
            ticket_id);
    }

    ApiResult<Verdict> validate(std::optional<std::int64_t> ticket_id, const ScanRecord& scan,
                                const Decide& decide) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        std::optional<Ticket> ticket;
        std::optional<std::string> last_direction;
        if (ticket_id) {
            auto t = load_ticket(*db, *ticket_id);
            if (!t.ok()) return fail(failure(t.error()));
            ticket = std::move(*t);
            auto last = last_scan(*db, *ticket_id);
            if (!last.ok()) return fail(failure(last.error()));
            if (last->has_value()) last_direction = std::get<0>(**last);
        }
        const Verdict verdict = decide(ticket, last_direction);
        GATE_TRY_DB(
            db->execute("INSERT INTO validations (nonce, ticket_id, event_id, gate, direction, "
                        "verdict, reason, "
                        "generation, validator_user_id, device_id, offline, at, created_at) VALUES "
                        "(NULL, ?, ?, "
                        "?, ?, ?, ?, ?, ?, NULL, 0, ?, ?)",
                        ticket_id, scan.event_id, scan.gate, scan.direction,
                        verdict.accepted ? "accepted" : "rejected", verdict.reason, scan.generation,
                        scan.validator_user_id, scan.at, scan.at));
        if (verdict.accepted && ticket) {
            GATE_TRY_DB(db->execute(
                "INSERT INTO entries (ticket_id, event_id, gate, direction, at, device_id, "
                "conflict, "
                "created_at) VALUES (?, ?, ?, ?, ?, NULL, 0, ?)",
                ticket->id, ticket->event_id, scan.gate, scan.direction, scan.at, scan.at));
            GATE_TRY_DB(
                add_change(*db, ticket->event_id, "entry", db->last_insert_rowid(), scan.at));
        }
        GATE_TRY_DB(tx->commit());
        return verdict;
    }

    // Checks shared by both kinds of transfer; expires stale pending transfers first.
    ApiResult<Ticket> transferable(db::Database& db, std::int64_t ticket_id,
                                   const std::string& from_wallet, std::int64_t now) {
        GATE_TRY_DB(
            db.execute("UPDATE transfers SET status = 'expired' WHERE ticket_id = ? AND status = "
                       "'pending' AND "
                       "expires_at <= ?",
                       ticket_id, now));
        auto t = load_ticket(db, ticket_id);
        if (!t.ok()) return fail(failure(t.error()));
        if (!t->has_value()) return fail(not_found("ticket"));
        const Ticket& ticket = **t;
        if (ticket.owner_wallet != from_wallet)
            return fail(forbidden("only the ticket's owner can transfer it"));
        if (ticket.status != "valid")
            return fail(conflict("ticket_not_transferable", "the ticket is " + ticket.status));
        if (ticket.transfer_pending)
            return fail(conflict("transfer_pending",
                                 "the ticket already has a transfer waiting to be claimed"));
        return ticket;
    }

    ApiResult<Ticket> transfer_direct(std::int64_t ticket_id, const std::string& from_wallet,
                                      const std::string& to_wallet, std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto ticket = transferable(*db, ticket_id, from_wallet, now);
        if (!ticket.ok()) return ticket;
        GATE_TRY_DB(
            db->execute("UPDATE tickets SET owner_wallet = ?, generation = generation + 1, "
                        "updated_at = ? WHERE id = ?",
                        to_wallet, now, ticket_id));
        GATE_TRY_DB(db->execute(
            "INSERT INTO transfers (ticket_id, kind, from_wallet, to_wallet, status, completed_at, "
            "created_at) VALUES (?, 'direct', ?, ?, 'completed', ?, ?)",
            ticket_id, from_wallet, to_wallet, now, now));
        GATE_TRY_DB(add_change(*db, ticket->event_id, "ticket", ticket_id, now));
        GATE_TRY_DB(mark_chain_dirty(*db, ticket_id));
        auto moved = load_ticket(*db, ticket_id);
        if (!moved.ok()) return fail(failure(moved.error()));
        GATE_TRY_DB(tx->commit());
        return **moved;
    }

    ApiResult<PendingTransfer> create_email_transfer(
        std::int64_t ticket_id, const std::string& from_wallet, const std::string& email_hash,
        const std::string& claim_hash, std::int64_t now, std::int64_t expires_at) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto ticket = transferable(*db, ticket_id, from_wallet, now);
        if (!ticket.ok()) return fail(ticket.error());
        GATE_TRY_DB(db->execute(
            "INSERT INTO transfers (ticket_id, kind, from_wallet, email_hash, claim_hash, status, "
            "expires_at, created_at) VALUES (?, 'email', ?, ?, ?, 'pending', ?, ?)",
            ticket_id, from_wallet, email_hash, claim_hash, expires_at, now));
        PendingTransfer pending{db->last_insert_rowid(), ticket_id, expires_at};
        GATE_TRY_DB(tx->commit());
        return pending;
    }

    ApiStatus cancel_transfer(std::int64_t transfer_id, std::int64_t) override {
        Pool::Lease db(pool_, pool_.take());
        GATE_TRY_DB(db->execute(
            "UPDATE transfers SET status = 'cancelled' WHERE id = ? AND status = 'pending'",
            transfer_id));
        return {};
    }

    ApiResult<Ticket> claim_transfer(std::int64_t transfer_id, const std::string& email_hash,
                                     const std::string& claim_hash, const std::string& to_wallet,
                                     std::int64_t now) override {
        static constexpr std::int64_t kMaxFailedClaims = 5;
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto row = db->query_optional<std::int64_t, std::string, std::string, std::string,
                                      std::string, std::int64_t, std::int64_t>(
            "SELECT ticket_id, from_wallet, email_hash, claim_hash, status, expires_at, "
            "failed_claims "
            "FROM transfers WHERE id = ? AND kind = 'email'",
            transfer_id);
        if (!row.ok()) return fail(failure(row.error()));
        const ApiError invalid{
            403, "claim_invalid", "the email or claim code does not match", {}, {}};
        if (!row->has_value()) return fail(invalid);
        const auto& [ticket_id, from_wallet, stored_email, stored_claim, status, expires_at,
                     failed] = **row;
        if (status == "completed")
            return fail(conflict("claim_used", "this transfer was already claimed"));
        if (status != "pending" || expires_at <= now) {
            if (status == "pending")
                GATE_TRY_DB(db->execute("UPDATE transfers SET status = 'expired' WHERE id = ?",
                                        transfer_id));
            GATE_TRY_DB(tx->commit());
            return fail(
                ApiError{410, "claim_expired", "this transfer is no longer claimable", {}, {}});
        }
        if (!same_hash(stored_email, email_hash) || !same_hash(stored_claim, claim_hash)) {
            // Guessing is bounded: a few wrong tries cancel the transfer (the sender can retry).
            GATE_TRY_DB(db->execute(
                "UPDATE transfers SET failed_claims = failed_claims + 1, status = CASE WHEN "
                "failed_claims + 1 >= ? THEN 'cancelled' ELSE status END WHERE id = ?",
                kMaxFailedClaims, transfer_id));
            GATE_TRY_DB(tx->commit());
            static_cast<void>(failed);
            return fail(invalid);
        }
        auto t = load_ticket(*db, ticket_id);
        if (!t.ok()) return fail(failure(t.error()));
        if (!t->has_value() || (*t)->owner_wallet != from_wallet || (*t)->status != "valid")
            return fail(conflict("ticket_not_transferable",
                                 "the ticket changed since the transfer was made"));
        GATE_TRY_DB(
            db->execute("UPDATE tickets SET owner_wallet = ?, generation = generation + 1, "
                        "updated_at = ? WHERE id = ?",
                        to_wallet, now, ticket_id));
        GATE_TRY_DB(
            db->execute("UPDATE transfers SET status = 'completed', to_wallet = ?, completed_at = "
                        "? WHERE id = ?",
                        to_wallet, now, transfer_id));
        GATE_TRY_DB(add_change(*db, (*t)->event_id, "ticket", ticket_id, now));
        GATE_TRY_DB(mark_chain_dirty(*db, ticket_id));
        auto moved = load_ticket(*db, ticket_id);
        if (!moved.ok()) return fail(failure(moved.error()));
        GATE_TRY_DB(tx->commit());
        return **moved;
    }

    // ---- Devices ------------------------------------------------------------------------

    Result<std::optional<CheckinList>, db::Error> load_list(db::Database& db, std::int64_t id) {
        auto row = db.query_optional<std::int64_t, std::int64_t, std::string, std::string,
                                     std::string, bool>(
            "SELECT id, event_id, name, tiers, reentry, accept_unknown FROM checkin_lists WHERE id "
            "= ?",
            id);
        if (!row.ok()) return fail(row.error());
        if (!row->has_value()) return std::optional<CheckinList>{};
        auto& [lid, event_id, name, tiers, reentry, accept] = **row;
        return std::optional<CheckinList>{
            CheckinList{lid, event_id, name, split_tiers(tiers), reentry, accept}};
    }

    ApiResult<CheckinList> create_checkin_list(const CheckinList& list) override {
        Pool::Lease db(pool_, pool_.take());
        GATE_TRY_DB(
            db->execute("INSERT INTO checkin_lists (event_id, name, tiers, reentry, "
                        "accept_unknown) VALUES (?, ?, ?, ?, ?)",
                        list.event_id, list.name, join_tiers(list.tiers), list.reentry,
                        list.accept_unknown_tickets));
        CheckinList created = list;
        created.id = db->last_insert_rowid();
        return created;
    }

    ApiResult<std::optional<CheckinList>> get_checkin_list(std::int64_t id) override {
        Pool::Lease db(pool_, pool_.take());
        auto list = load_list(*db, id);
        if (!list.ok()) return fail(failure(list.error()));
        return std::move(*list);
    }

    ApiResult<std::optional<CheckinList>> default_checkin_list(std::int64_t event_id) override {
        Pool::Lease db(pool_, pool_.take());
        auto id = db->query_optional<std::int64_t>(
            "SELECT MIN(id) FROM checkin_lists WHERE event_id = ? HAVING COUNT(*) > 0", event_id);
        if (!id.ok()) return fail(failure(id.error()));
        if (!id->has_value()) return std::optional<CheckinList>{};
        auto list = load_list(*db, **id);
        if (!list.ok()) return fail(failure(list.error()));
        return std::move(*list);
    }

    ApiStatus put_setup_code(const SetupCodeRecord& c) override {
        Pool::Lease db(pool_, pool_.take());
        GATE_TRY_DB(db->execute(
            "INSERT INTO device_setup_codes (token_hash, event_id, gate, checkin_list_id, "
            "created_by, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
            c.token_hash, c.event_id, c.gate, c.checkin_list_id, c.created_by, c.expires_at));
        return {};
    }

    static constexpr std::string_view kSelectDevice =
        "SELECT id, name, public_key, event_id, gate, checkin_list_id, revoked_at FROM devices ";

    static DeviceRecord read_device(const db::Statement& s) {
        return {s.column_int64(0), std::string(s.column_text(1)), std::string(s.column_text(2)),
                s.column_int64(3), std::string(s.column_text(4)), s.column_int64(5),
                !s.is_null(6)};
    }

    ApiResult<DeviceRecord> register_device(const std::string& setup_token_hash,
                                            const std::string& name, const std::string& public_key,
                                            const std::string& device_token_hash,
                                            std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto code = db->query_optional<std::int64_t, std::string, std::int64_t>(
            "SELECT event_id, gate, checkin_list_id FROM device_setup_codes WHERE token_hash = ? "
            "AND "
            "used_at IS NULL AND expires_at > ?",
            setup_token_hash, now);
        if (!code.ok()) return fail(failure(code.error()));
        if (!code->has_value())
            return fail(
                unauthorized("setup_token_invalid", "the setup token is unknown, used or expired"));
        auto known = db->query_optional<std::int64_t>("SELECT id FROM devices WHERE public_key = ?",
                                                      public_key);
        if (!known.ok()) return fail(failure(known.error()));
        if (known->has_value())
            return fail(conflict("device_key_registered",
                                 "a device with this public key is already registered"));
        const auto& [event_id, gate, list_id] = **code;
        GATE_TRY_DB(db->execute("UPDATE device_setup_codes SET used_at = ? WHERE token_hash = ?",
                                now, setup_token_hash));
        GATE_TRY_DB(db->execute(
            "INSERT INTO devices (name, public_key, token_hash, event_id, gate, checkin_list_id, "
            "revoked_at, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
            name, public_key, device_token_hash, event_id, gate, list_id, now));
        DeviceRecord device{
            db->last_insert_rowid(), name, public_key, event_id, gate, list_id, false};
        GATE_TRY_DB(tx->commit());
        return device;
    }

    ApiResult<std::optional<DeviceRecord>> find_device(const std::string& token_hash) override {
        Pool::Lease db(pool_, pool_.take());
        std::optional<DeviceRecord> found;
        const std::string sql = std::string(kSelectDevice) + "WHERE token_hash = ?";
        GATE_TRY_DB(rows(
            *db, sql, [&](const db::Statement& s) { found = read_device(s); }, token_hash));
        return found;
    }

    ApiResult<std::optional<DeviceRecord>> get_device(std::int64_t id) override {
        Pool::Lease db(pool_, pool_.take());
        std::optional<DeviceRecord> found;
        const std::string sql = std::string(kSelectDevice) + "WHERE id = ?";
        GATE_TRY_DB(rows(
            *db, sql, [&](const db::Statement& s) { found = read_device(s); }, id));
        return found;
    }

    ApiStatus revoke_device(std::int64_t device_id, std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        GATE_TRY_DB(
            db->execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                        now, device_id));
        return {};
    }

    // The newest change ever logged, even when pruning emptied the log.
    static constexpr std::string_view kNewestChange =
        "SELECT MAX(n) FROM (SELECT COALESCE(MAX(seq), 0) AS n FROM changes UNION ALL SELECT value "
        "FROM store_meta WHERE name = 'changes_pruned_through') newest";

    // Devices learn a mint only once its NFT is issued (they sign check-ins against it).
    static std::optional<std::string> issued_mint(std::string_view state,
                                                  const std::optional<std::string>& mint) {
        if (state == "issued" || state == "frozen") return mint;
        return std::nullopt;
    }

    static SyncTicket sync_ticket(const Ticket& t) {
        return {t.id, t.tier, t.generation, t.status, issued_mint(t.chain.state, t.chain.mint)};
    }

    ApiResult<DeviceSnapshot> snapshot(std::int64_t event_id) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin(db::TransactionKind::Deferred);  // a consistent read
        if (!tx.ok()) return fail(failure(tx.error()));
        DeviceSnapshot snap;
        auto cursor = db->query_one<std::int64_t>(kNewestChange);
        if (!cursor.ok()) return fail(failure(cursor.error()));
        snap.cursor = *cursor;
        GATE_TRY_DB(rows(
            *db,
            "SELECT public_key, event_id, retired FROM issuer_keys WHERE event_id = ? ORDER BY id",
            [&](const db::Statement& s) {
                snap.issuer_keys.push_back(
                    {std::string(s.column_text(0)), s.column_int64(1), s.column_int64(2) != 0});
            },
            event_id));
        GATE_TRY_DB(rows(
            *db,
            "SELECT t.id, t.tier, t.generation, t.status, COALESCE(c.state, 'pending'), c.mint "
            "FROM tickets t LEFT JOIN chain_tickets c ON c.ticket_id = t.id WHERE t.event_id = ? "
            "ORDER BY t.id",
            [&](const db::Statement& s) {
                std::optional<std::string> mint;
                if (auto m = s.column_optional_text(5)) mint = std::string(*m);
                snap.tickets.push_back({s.column_int64(0), static_cast<int>(s.column_int64(1)),
                                        s.column_int64(2), std::string(s.column_text(3)),
                                        issued_mint(s.column_text(4), mint)});
            },
            event_id));
        GATE_TRY_DB(rows(
            *db,
            "SELECT e.ticket_id, e.direction, e.at, e.gate FROM entries e WHERE e.event_id = ? AND "
            "e.id = (SELECT x.id FROM entries x WHERE x.ticket_id = e.ticket_id ORDER BY x.at "
            "DESC, "
            "x.id DESC LIMIT 1) ORDER BY e.ticket_id",
            [&](const db::Statement& s) {
                snap.inside.push_back({s.column_int64(0), std::string(s.column_text(1)),
                                       s.column_int64(2), std::string(s.column_text(3))});
            },
            event_id));
        return snap;
    }

    ApiResult<std::optional<DeviceChanges>> changes(std::int64_t event_id, std::int64_t after,
                                                    std::int64_t limit) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin(db::TransactionKind::Deferred);
        if (!tx.ok()) return fail(failure(tx.error()));
        auto pruned = db->query_one<std::int64_t>(
            "SELECT value FROM store_meta WHERE name = 'changes_pruned_through'");
        if (!pruned.ok()) return fail(failure(pruned.error()));
        if (after < *pruned) return std::optional<DeviceChanges>{};
        auto newest = db->query_one<std::int64_t>(kNewestChange);
        if (!newest.ok()) return fail(failure(newest.error()));
        struct Row {
            std::int64_t seq;
            std::string kind;
            std::int64_t ref;
        };
        std::vector<Row> found;
        GATE_TRY_DB(rows(
            *db,
            "SELECT seq, kind, ref FROM changes WHERE event_id = ? AND seq > ? ORDER BY seq LIMIT "
            "?",
            [&](const db::Statement& s) {
                found.push_back(
                    {s.column_int64(0), std::string(s.column_text(1)), s.column_int64(2)});
            },
            event_id, after, limit + 1));
        DeviceChanges out;
        out.more = static_cast<std::int64_t>(found.size()) > limit;
        if (out.more) found.pop_back();
        for (const auto& row : found) {
            DeviceChange change{row.seq, row.kind, {}, {}, {}};
            if (row.kind == "ticket") {
                auto t = load_ticket(*db, row.ref);
                if (!t.ok()) return fail(failure(t.error()));
                if (t->has_value()) change.ticket = sync_ticket(**t);
            } else if (row.kind == "entry") {
                auto e = db->query_optional<std::int64_t, std::string, std::int64_t, std::string>(
                    "SELECT ticket_id, direction, at, gate FROM entries WHERE id = ?", row.ref);
                if (!e.ok()) return fail(failure(e.error()));
                if (e->has_value()) {
                    auto& [tid, dir, at, gate] = **e;
                    change.entry = SyncEntry{tid, dir, at, gate};
                }
            } else if (row.kind == "issuer_key") {
                auto k = db->query_optional<std::string, std::int64_t, bool>(
                    "SELECT public_key, event_id, retired FROM issuer_keys WHERE id = ?", row.ref);
                if (!k.ok()) return fail(failure(k.error()));
                if (k->has_value()) {
                    auto& [pk, ev, retired] = **k;
                    change.issuer_key = SyncIssuerKey{pk, ev, retired};
                }
            }
            out.changes.push_back(std::move(change));
        }
        // Not more: the device has seen everything up to the newest change of any event.
        out.cursor = out.more ? found.back().seq : *newest;
        if (out.cursor < after) out.cursor = after;
        return std::optional<DeviceChanges>{std::move(out)};
    }

    ApiResult<IngestResult> ingest(const DeviceRecord& device,
                                   const std::vector<IngestEntry>& entries,
                                   std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        IngestResult result;
        for (const auto& e : entries) {
            auto seen = db->query_optional<std::int64_t>(
                "SELECT id FROM validations WHERE nonce = ?", e.nonce);
            if (!seen.ok()) return fail(failure(seen.error()));
            if (seen->has_value()) {
                result.duplicates.push_back(e.nonce);
                continue;
            }
            // The device's clock corrected by its last known offset to the server.
            const std::int64_t at = e.scanned_at + e.clock_offset_ms;
            GATE_TRY_DB(db->execute(
                "INSERT INTO validations (nonce, ticket_id, event_id, gate, direction, verdict, "
                "reason, generation, validator_user_id, device_id, offline, at, created_at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 1, ?, ?)",
                e.nonce, e.ticket_id, e.event_id, e.gate, e.direction, e.verdict, e.reason,
                e.generation, device.id, at, now));
            if (e.verdict == "accepted" && e.ticket_id) {
                // "It happened" wins: the entry is recorded whatever the backend thinks; a
                // second "in" with no "out" between is flagged as a conflict.
                auto last = last_scan(*db, *e.ticket_id);
                if (!last.ok()) return fail(failure(last.error()));
                std::optional<std::string> conflict_gate;
                if (e.direction == "in" && last->has_value() && std::get<0>(**last) == "in") {
                    auto list = load_list(*db, device.checkin_list_id);
                    if (!list.ok()) return fail(failure(list.error()));
                    const bool multi = list->has_value() && (*list)->reentry == "multi";
                    if (!multi) conflict_gate = std::get<1>(**last);
                }
                GATE_TRY_DB(db->execute(
                    "INSERT INTO entries (ticket_id, event_id, gate, direction, at, device_id, "
                    "conflict, conflict_gate, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    *e.ticket_id, e.event_id, e.gate, e.direction, at, device.id,
                    conflict_gate.has_value(), conflict_gate, now));
                GATE_TRY_DB(add_change(*db, e.event_id, "entry", db->last_insert_rowid(), now));
                if (conflict_gate)
                    result.conflicts.push_back({e.nonce, *e.ticket_id, *conflict_gate});
            }
            result.stored.push_back(e.nonce);
        }
        GATE_TRY_DB(tx->commit());
        return result;
    }

    ApiStatus prune_changes(std::int64_t before) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto through = db->query_one<std::int64_t>(
            "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE created_at < ?", before);
        if (!through.ok()) return fail(failure(through.error()));
        if (*through > 0) {
            GATE_TRY_DB(db->execute("DELETE FROM changes WHERE seq <= ?", *through));
            GATE_TRY_DB(
                db->execute("UPDATE store_meta SET value = ? WHERE name = 'changes_pruned_through' "
                            "AND value < ?",
                            *through, *through));
        }
        GATE_TRY_DB(tx->commit());
        return {};
    }

    // ---- Chain --------------------------------------------------------------------------

    ApiResult<EventChainKeys> ensure_chain_keys(const EventChainKeys& candidate,
                                                std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto found = db->query_optional<std::int64_t>(
            "SELECT event_id FROM chain_event_keys WHERE event_id = ?", candidate.event_id);
        if (!found.ok()) return fail(failure(found.error()));
        if (!found->has_value()) {
            GATE_TRY_DB(db->execute(
                "INSERT INTO chain_event_keys (event_id, authority, authority_sealed, validator, "
                "validator_sealed, validator_funded, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
                candidate.event_id, candidate.authority, ByteView(candidate.authority_sealed),
                candidate.validator, ByteView(candidate.validator_sealed), now));
        }
        EventChainKeys keys;
        GATE_TRY_DB(rows(
            *db,
            "SELECT event_id, authority, authority_sealed, validator, validator_sealed, "
            "validator_funded FROM chain_event_keys WHERE event_id = ?",
            [&](const db::Statement& s) {
                keys.event_id = s.column_int64(0);
                keys.authority = s.column_text(1);
                const ByteView a = s.column_blob(2);
                keys.authority_sealed.assign(a.begin(), a.end());
                keys.validator = s.column_text(3);
                const ByteView v = s.column_blob(4);
                keys.validator_sealed.assign(v.begin(), v.end());
                keys.validator_funded = s.column_int64(5) != 0;
            },
            candidate.event_id));
        GATE_TRY_DB(tx->commit());
        return keys;
    }

    ApiStatus mark_validator_funded(std::int64_t event_id) override {
        Pool::Lease db(pool_, pool_.take());
        GATE_TRY_DB(db->execute(
            "UPDATE chain_event_keys SET validator_funded = 1 WHERE event_id = ?", event_id));
        return {};
    }

    ApiResult<std::vector<ChainWork>> chain_work(std::int64_t now, std::int64_t limit) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin(db::TransactionKind::Deferred);
        if (!tx.ok()) return fail(failure(tx.error()));
        std::vector<ChainWork> out;
        GATE_TRY_DB(rows(
            *db,
            "SELECT c.ticket_id, c.mint_sealed, c.target, c.dirty_seq, e.name, "
            "COALESCE(et.name, '') FROM chain_tickets c JOIN tickets t ON t.id = c.ticket_id "
            "JOIN events e ON e.id = t.event_id LEFT JOIN event_tiers et ON et.event_id = "
            "t.event_id AND et.tier = t.tier WHERE c.dirty = 1 AND c.next_attempt_at <= ? "
            "ORDER BY c.next_attempt_at, c.ticket_id LIMIT ?",
            [&](const db::Statement& s) {
                ChainWork w;
                w.ticket.id = s.column_int64(0);
                if (auto sealed = s.column_optional_blob(1))
                    w.mint_sealed.assign(sealed->begin(), sealed->end());
                if (auto target = s.column_optional_text(2)) w.target = std::string(*target);
                w.dirty_seq = s.column_int64(3);
                w.event_name = s.column_text(4);
                w.tier_name = s.column_text(5);
                out.push_back(std::move(w));
            },
            now, limit));
        for (auto& w : out) {
            auto t = load_ticket(*db, w.ticket.id);
            if (!t.ok()) return fail(failure(t.error()));
            if (t->has_value()) w.ticket = **t;
        }
        return out;
    }

    ApiResult<std::pair<std::string, Bytes>> put_chain_mint(std::int64_t ticket_id,
                                                            const std::string& mint,
                                                            const Bytes& sealed,
                                                            std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        GATE_TRY_DB(db->execute(
            "UPDATE chain_tickets SET mint = ?, mint_sealed = ?, updated_at = ? WHERE ticket_id = "
            "? AND mint IS NULL",
            mint, ByteView(sealed), now, ticket_id));
        std::pair<std::string, Bytes> stored;
        GATE_TRY_DB(rows(
            *db, "SELECT mint, mint_sealed FROM chain_tickets WHERE ticket_id = ?",
            [&](const db::Statement& s) {
                stored.first = s.column_text(0);
                const ByteView b = s.column_blob(1);
                stored.second.assign(b.begin(), b.end());
            },
            ticket_id));
        GATE_TRY_DB(tx->commit());
        if (stored.first.empty()) return fail(not_found("ticket"));
        return stored;
    }

    ApiStatus put_chain_target(std::int64_t ticket_id, const std::string& wallet) override {
        Pool::Lease db(pool_, pool_.take());
        GATE_TRY_DB(db->execute("UPDATE chain_tickets SET target = ? WHERE ticket_id = ?", wallet,
                                ticket_id));
        return {};
    }

    ApiStatus record_chain(const ChainOutcome& o, std::int64_t now) override {
        Pool::Lease db(pool_, pool_.take());
        auto tx = db->begin();
        if (!tx.ok()) return fail(failure(tx.error()));
        auto before = db->query_optional<std::string, std::int64_t>(
            "SELECT c.state, t.event_id FROM chain_tickets c JOIN tickets t ON t.id = c.ticket_id "
            "WHERE c.ticket_id = ?",
            o.ticket_id);
        if (!before.ok()) return fail(failure(before.error()));
        if (!before->has_value()) return {};
        const auto& [old_state, event_id] = **before;
        const bool failed = o.error.has_value();
        GATE_TRY_DB(db->execute(
            "UPDATE chain_tickets SET state = ?, holder = COALESCE(?, holder), last_error = ?, "
            "attempts = CASE WHEN ? THEN attempts + 1 ELSE 0 END, next_attempt_at = ?, "
            "dirty = CASE WHEN ? AND dirty_seq = ? THEN 0 ELSE dirty END, updated_at = ? "
            "WHERE ticket_id = ?",
            o.state, o.holder, o.error, failed, o.next_attempt_at, o.synced, o.dirty_seq, now,
            o.ticket_id));
        const auto issued = [](std::string_view s) { return s == "issued" || s == "frozen"; };
        if (issued(o.state) && !issued(old_state))
            GATE_TRY_DB(add_change(*db, event_id, "ticket", o.ticket_id, now));
        GATE_TRY_DB(tx->commit());
        return {};
    }

    ApiResult<ChainQueueStats> chain_queue() override {
        Pool::Lease db(pool_, pool_.take());
        auto row = db->query_one<std::int64_t, std::int64_t, std::int64_t>(
            "SELECT COALESCE(SUM(dirty), 0), COALESCE(SUM(CASE WHEN dirty = 1 AND last_error IS "
            "NOT NULL THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN state IN ('issued', "
            "'frozen') THEN 1 ELSE 0 END), 0) FROM chain_tickets");
        if (!row.ok()) return fail(failure(row.error()));
        const auto& [dirty, failing, issued] = *row;
        return ChainQueueStats{dirty, failing, issued};
    }

  private:
    log::Logger logger_;
};

}  // namespace

std::string_view to_string(Role role) noexcept {
    switch (role) {
        case Role::Holder:
            return "holder";
        case Role::Validator:
            return "validator";
        case Role::Organizer:
            return "organizer";
    }
    return "holder";
}

std::optional<Role> role_from(std::string_view name) noexcept {
    if (name == "holder") return Role::Holder;
    if (name == "validator") return Role::Validator;
    if (name == "organizer") return Role::Organizer;
    return std::nullopt;
}

Result<std::unique_ptr<Store>, std::string> open_sqlite_store(const SqliteOptions& options,
                                                              log::Logger logger) {
    auto store = std::make_unique<SqliteStore>(std::move(logger));
    const std::size_t count = options.connections == 0 ? 1 : options.connections;
    for (std::size_t i = 0; i < count; ++i) {
        db::OpenOptions open;
        // A committed sale or entry must survive power loss, like the device's entries.
        open.synchronous = db::Synchronous::Full;
        open.busy_timeout = std::chrono::milliseconds{10000};
        auto db = db::Database::open(options.path, open);
        if (!db.ok()) return fail(options.path.string() + ": " + db::to_string(db.error()));
        if (i == 0) {
            if (auto migrated = db::migrate(*db, schema_migrations()); !migrated.ok())
                return fail(options.path.string() + ": " + db::to_string(migrated.error()));
        }
        store->pool_.add(std::make_unique<db::Database>(std::move(db).value()));
    }
    return std::unique_ptr<Store>(std::move(store));
}

}  // namespace gate::backend
