// SqlStore: selling: reservations held against capacity and tier limits, then completed or
// released.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

// Returns held reservations whose time is up to the pool of seats. One with a pending
// payment stays held: its provider may still take the money, and the payment sweeper
// releases it once the provider says it cannot (docs/payments.md).
Status<db::Error> SqlStore::expire_reservations(db::Database& db, std::int64_t now) {
    struct Held {
        std::int64_t id, event_id, tier, quantity;
    };
    std::vector<Held> held;
    if (auto s = rows(
            db,
            "SELECT id, event_id, tier, quantity FROM reservations r WHERE status = 'held' AND "
            "expires_at <= ? AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.reservation_id = "
            "r.id AND p.status = 'pending')",
            [&](const db::Statement& st) {
                held.push_back({st.column_int64(0), st.column_int64(1), st.column_int64(2),
                                st.column_int64(3)});
            },
            now);
        !s.ok())
        return s;
    for (const auto& h : held) {
        if (auto s = give_back_seats(db, h.event_id, h.tier, h.quantity); !s.ok()) return s;
        if (auto s = db.execute("UPDATE reservations SET status = 'expired' WHERE id = ?", h.id);
            !s.ok())
            return s;
    }
    return {};
}

Status<db::Error> SqlStore::give_back_seats(db::Database& db, std::int64_t event_id,
                                            std::int64_t tier, std::int64_t quantity) {
    if (auto s = db.execute("UPDATE events SET tickets_sold = tickets_sold - ? WHERE id = ?",
                            quantity, event_id);
        !s.ok())
        return s;
    return db.execute("UPDATE event_tiers SET sold = sold - ? WHERE event_id = ? AND tier = ?",
                      quantity, event_id, tier);
}

StoreResult<Reservation> SqlStore::reserve(std::int64_t event_id, int tier, std::int64_t quantity,
                                           std::int64_t user_id, std::int64_t now,
                                           std::int64_t expires_at) {
    return batched([&](db::Database& db) -> StoreResult<Reservation> {
        return hold_seats(db, event_id, tier, quantity, user_id, now, expires_at);
    });
}

StoreResult<Reservation> SqlStore::hold_seats(db::Database& db, std::int64_t event_id, int tier,
                                              std::int64_t quantity, std::int64_t user_id,
                                              std::int64_t now, std::int64_t expires_at) {
    {
        GATE_TRY_DB(expire_reservations(db, now));
        auto event = load_event(db, event_id);
        if (!event.ok()) return fail(failure(event.error()));
        if (!event->has_value()) return fail(not_found("event"));
        const Event& e = **event;
        if (e.status != domain::EventStatus::Active)
            return fail(conflict("event_not_on_sale", "the event is cancelled"));
        if (e.ends_at <= now) return fail(conflict("event_not_on_sale", "the event is over"));
        const Tier* chosen = nullptr;
        for (const auto& t : e.tiers)
            if (t.index == tier) chosen = &t;
        if (!chosen) return fail(domain::invalid("tier", "tier does not exist for this event"));
        // Conditional updates: the row changes only while seats remain, so no interleaving
        // of purchases can sell past capacity or a tier's limit.
        GATE_TRY_DB(db.execute(
            "UPDATE events SET tickets_sold = tickets_sold + ?1 WHERE id = ?2 AND tickets_sold + "
            "?1 <= capacity",
            quantity, event_id));
        if (db.changes() != 1)
            return fail(conflict("sold_out", "not enough tickets left for this event"));
        GATE_TRY_DB(db.execute(
            "UPDATE event_tiers SET sold = sold + ?1 WHERE event_id = ?2 AND tier = ?3 AND sold + "
            "?1 <= ticket_limit",
            quantity, event_id, tier));
        if (db.changes() != 1)
            return fail(
                conflict("tier_sold_out", "not enough tickets left in tier " + chosen->name));
        auto reservation_row = db.query_one<std::int64_t>(
            "INSERT INTO reservations (event_id, tier, quantity, user_id, status, created_at, "
            "expires_at) VALUES (?, ?, ?, ?, 'held', ?, ?) RETURNING id",
            event_id, tier, quantity, user_id, now, expires_at);
        if (!reservation_row.ok()) return fail(failure(reservation_row.error()));
        Reservation r{*reservation_row,    event_id,   tier,      quantity,
                      chosen->price_cents, e.currency, expires_at};
        return r;
    }
}

Result<std::vector<Ticket>, db::Error> SqlStore::issue_tickets(
    db::Database& db, std::int64_t event_id, int tier, std::int64_t quantity,
    std::int64_t unit_price_cents, std::int64_t payment_id, const std::string& owner_wallet,
    std::int64_t now) {
    std::vector<Ticket> tickets;
    for (std::int64_t i = 0; i < quantity; ++i) {
        auto ticket_row = db.query_one<std::int64_t>(
            "INSERT INTO tickets (event_id, owner_wallet, tier, generation, status, "
            "purchase_price_cents, payment_id, created_at, updated_at) VALUES (?, ?, ?, 0, "
            "'valid', ?, ?, ?, ?) RETURNING id",
            event_id, owner_wallet, tier, unit_price_cents, payment_id, now, now);
        if (!ticket_row.ok()) return fail(ticket_row.error());
        if (auto s = add_change(db, event_id, "ticket", *ticket_row, now); !s.ok())
            return fail(s.error());
        if (auto s = db.execute(
                "INSERT INTO chain_tickets (ticket_id, dirty, dirty_seq, state, updated_at) "
                "VALUES (?, 1, 1, 'pending', ?)",
                *ticket_row, now);
            !s.ok())
            return fail(s.error());
        // The row just written, as load_ticket() would read it back (a new ticket is what
        // Ticket's defaults say), without reading it inside the batch.
        Ticket& t = tickets.emplace_back();
        t.id = *ticket_row;
        t.event_id = event_id;
        t.owner_wallet = owner_wallet;
        t.tier = tier;
        t.price_cents = unit_price_cents;
        t.created_at = now;
    }
    return tickets;
}

StoreResult<std::vector<Ticket>> SqlStore::complete_purchase(const Reservation& r,
                                                             const Payment& payment,
                                                             const std::string& owner_wallet,
                                                             std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<std::vector<Ticket>> {
        auto status =
            db.query_one<std::string>("SELECT status FROM reservations WHERE id = ?", r.id);
        if (!status.ok()) return fail(failure(status.error()));
        if (*status != "held")
            return fail(domain::gone("reservation_expired",
                                     "the reservation expired before payment completed"));
        auto payment_row = db.query_one<std::int64_t>(
            "INSERT INTO payments (reservation_id, external_id, user_id, amount_cents, currency, "
            "method, status, created_at, updated_at) SELECT ?, ?, user_id, ?, ?, ?, 'completed', "
            "?, ? FROM reservations WHERE id = ? RETURNING id",
            r.id, payment.external_id, payment.amount_cents, payment.currency, payment.method, now,
            now, r.id);
        if (!payment_row.ok()) return fail(failure(payment_row.error()));
        const std::int64_t payment_id = *payment_row;
        GATE_TRY_DB(record_payment_event(
            db, payment_id,
            {now, "buyer", "completed", "paid with the test method", std::nullopt}));
        auto issued = issue_tickets(db, r.event_id, r.tier, r.quantity, r.unit_price_cents,
                                    payment_id, owner_wallet, now);
        if (!issued.ok()) return fail(failure(issued.error()));
        GATE_TRY_DB(db.execute("UPDATE reservations SET status = 'completed' WHERE id = ?", r.id));
        return std::move(issued).value();
    });
}

StoreStatus SqlStore::release(const Reservation& r, const std::optional<Payment>& payment,
                              std::int64_t now) {
    return batched([&](db::Database& db) -> StoreStatus {
        auto status =
            db.query_one<std::string>("SELECT status FROM reservations WHERE id = ?", r.id);
        if (!status.ok()) return fail(failure(status.error()));
        if (*status == "held") {
            GATE_TRY_DB(give_back_seats(db, r.event_id, r.tier, r.quantity));
            GATE_TRY_DB(
                db.execute("UPDATE reservations SET status = 'released' WHERE id = ?", r.id));
        }
        if (payment) {
            auto payment_row = db.query_one<std::int64_t>(
                "INSERT INTO payments (reservation_id, external_id, user_id, amount_cents, "
                "currency, method, status, failure_reason, created_at, updated_at) SELECT ?, ?, "
                "user_id, ?, ?, ?, 'failed', 'declined', ?, ? FROM reservations WHERE id = ? "
                "RETURNING id",
                r.id, payment->external_id, payment->amount_cents, payment->currency,
                payment->method, now, now, r.id);
            if (!payment_row.ok()) return fail(failure(payment_row.error()));
            GATE_TRY_DB(record_payment_event(
                db, *payment_row,
                {now, "buyer", "failed", "declined by the test method", std::nullopt}));
        }
        return {};
    });
}

}  // namespace gate::backend::sql
