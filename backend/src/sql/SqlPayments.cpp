// SqlStore: payments that wait for a provider: seats held with a pending payment, the
// provider's answer applied once (tickets issued, or seats given back), every change kept
// in the payment's history. docs/payments.md.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

namespace {

constexpr std::string_view kSelectPayment =
    "SELECT p.id, p.external_id, p.reservation_id, r.event_id, p.user_id, "
    "COALESCE(u.wallet, ''), r.tier, r.quantity, p.amount_cents, p.currency, p.method, "
    "p.status, p.provider_reference, p.client_secret, p.failure_reason, p.created_at, "
    "p.updated_at, r.expires_at "
    "FROM payments p JOIN reservations r ON r.id = p.reservation_id "
    "LEFT JOIN users u ON u.id = p.user_id ";

PaymentRecord read_payment(const db::Statement& s) {
    PaymentRecord p;
    p.id = s.column_int64(0);
    p.external_id = s.column_text(1);
    p.reservation_id = s.column_int64(2);
    p.event_id = s.column_int64(3);
    p.user_id = s.column_optional_int64(4);
    p.buyer_wallet = s.column_text(5);
    p.tier = static_cast<int>(s.column_int64(6));
    p.quantity = s.column_int64(7);
    p.amount_cents = s.column_int64(8);
    p.currency = s.column_text(9);
    p.method = s.column_text(10);
    p.status = s.column_text(11);
    if (auto v = s.column_optional_text(12)) p.provider_reference = std::string(*v);
    if (auto v = s.column_optional_text(13)) p.client_secret = std::string(*v);
    if (auto v = s.column_optional_text(14)) p.failure_reason = std::string(*v);
    p.created_at = s.column_int64(15);
    p.updated_at = s.column_int64(16);
    p.expires_at = s.column_int64(17);
    return p;
}

}  // namespace

Status<db::Error> SqlStore::record_payment_event(db::Database& db, std::int64_t payment_id,
                                                 const PaymentEvent& e) {
    return db.execute(
        "INSERT INTO payment_events (payment_id, at, actor, status, note, provider_detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        payment_id, e.at, e.actor, e.status, e.note, e.provider_detail);
}

template <class Key>
Result<std::optional<PaymentRecord>, db::Error> SqlStore::load_payment(db::Database& db,
                                                                       std::string_view where,
                                                                       const Key& key) {
    std::optional<PaymentRecord> found;
    if (auto s = rows(
            db, std::string(kSelectPayment) + std::string(where),
            [&](const db::Statement& st) { found = read_payment(st); }, key);
        !s.ok())
        return fail(s.error());
    if (found)
        if (auto s = load_payment_tickets(db, *found); !s.ok()) return fail(s.error());
    return found;
}

Status<db::Error> SqlStore::load_payment_tickets(db::Database& db, PaymentRecord& p) {
    p.ticket_ids.clear();
    return rows(
        db, "SELECT id FROM tickets WHERE payment_id = ? ORDER BY id",
        [&](const db::Statement& st) { p.ticket_ids.push_back(st.column_int64(0)); }, p.id);
}

// A refund of the whole payment (it cannot become tickets, yet its money arrived); at
// most one per payment.
Status<db::Error> SqlStore::open_whole_refund(db::Database& db, const PaymentRecord& p,
                                              std::int64_t now) {
    if (p.amount_cents <= 0) return {};
    return db.execute(
        "INSERT INTO refunds (payment_id, ticket_id, amount_cents, currency, method, reason, "
        "status, created_at) SELECT ?, NULL, ?, ?, ?, 'payment_unusable', 'pending', ? "
        "WHERE NOT EXISTS (SELECT 1 FROM refunds WHERE payment_id = ? AND ticket_id IS NULL)",
        p.id, p.amount_cents, p.currency, p.method, now, p.id);
}

StoreResult<PaymentRecord> SqlStore::begin_payment(const PaymentStart& start) {
    return batched([&](db::Database& db) -> StoreResult<PaymentRecord> {
        auto held = hold_seats(db, start.event_id, start.tier, start.quantity, start.user_id,
                               start.now, start.expires_at);
        if (!held.ok()) return fail(held.error());
        const Reservation& r = *held;
        auto row = db.query_one<std::int64_t>(
            "INSERT INTO payments (reservation_id, external_id, user_id, amount_cents, currency, "
            "method, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) "
            "RETURNING id",
            r.id, start.external_id, start.user_id, r.unit_price_cents * r.quantity, r.currency,
            start.method, start.now, start.now);
        if (!row.ok()) return fail(failure(row.error()));
        GATE_TRY_DB(record_payment_event(
            db, *row,
            {start.now, "buyer", "pending", "seats held until the payment's provider answers",
             std::nullopt}));
        auto loaded = load_payment(db, "WHERE p.id = ?", *row);
        if (!loaded.ok()) return fail(failure(loaded.error()));
        if (!loaded->has_value()) return fail(not_found("payment"));
        return std::move(**loaded);
    });
}

StoreStatus SqlStore::attach_provider(const std::string& external_id,
                                      const std::string& provider_reference,
                                      const std::optional<std::string>& client_secret,
                                      const std::optional<std::string>& provider_detail,
                                      std::int64_t now) {
    return batched([&](db::Database& db) -> StoreStatus {
        auto id = db.query_optional<std::int64_t, std::optional<std::string>>(
            "SELECT id, provider_reference FROM payments WHERE external_id = ?", external_id);
        if (!id.ok()) return fail(failure(id.error()));
        if (!*id) return fail(not_found("payment"));
        const auto& [payment_id, known] = **id;
        if (known && *known != provider_reference)
            return fail(conflict("payment_reference_mismatch",
                                 "the payment already has another provider id"));
        GATE_TRY_DB(
            db.execute("UPDATE payments SET provider_reference = ?, client_secret = COALESCE(?, "
                       "client_secret) WHERE id = ?",
                       provider_reference, client_secret, payment_id));
        if (!known) {
            auto status =
                db.query_one<std::string>("SELECT status FROM payments WHERE id = ?", payment_id);
            if (!status.ok()) return fail(failure(status.error()));
            GATE_TRY_DB(
                record_payment_event(db, payment_id,
                                     {now, "stripe", *status,
                                      "provider created " + provider_reference, provider_detail}));
        }
        return {};
    });
}

StoreResult<PaymentSettlement> SqlStore::settle_payment(const PaymentOutcome& o) {
    return batched([&](db::Database& db) -> StoreResult<PaymentSettlement> {
        PaymentSettlement out;
        auto loaded = load_payment(db, "WHERE p.external_id = ?", o.external_id);
        if (!loaded.ok()) return fail(failure(loaded.error()));
        if (o.provider && o.provider_event_id) {
            GATE_TRY_DB(db.execute(
                "INSERT INTO webhook_events (provider, event_id, type, received_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                *o.provider, *o.provider_event_id, o.provider_event_type.value_or(""), o.at));
            if (db.changes() == 0) {
                out.effect = SettleEffect::Duplicate;
                if (*loaded) out.payment = std::move(**loaded);
                return out;
            }
        }
        if (!loaded->has_value()) {
            out.effect = SettleEffect::UnknownPayment;
            return out;
        }
        PaymentRecord& p = **loaded;
        const auto note = [&](const std::string& status, const std::string& text) {
            return record_payment_event(db, p.id, {o.at, o.actor, status, text, o.provider_detail});
        };
        if (o.status == "pending") {
            GATE_TRY_DB(note(p.status, o.note));
            out.effect = SettleEffect::NoChange;
            out.payment = std::move(p);
            return out;
        }
        if (p.status != "pending") {
            // Money for a payment already given up (or a second answer): it goes back.
            const bool refund =
                (o.status == "completed" || o.money_received) && p.status != "completed";
            if (refund) GATE_TRY_DB(open_whole_refund(db, p, o.at));
            GATE_TRY_DB(note(p.status, o.note + " (the payment was already " + p.status +
                                           (refund ? "; its money is refunded)" : ")")));
            out.effect = refund ? SettleEffect::RefundOpened : SettleEffect::NoChange;
            out.payment = std::move(p);
            return out;
        }
        auto reservation = db.query_one<std::string>("SELECT status FROM reservations WHERE id = ?",
                                                     p.reservation_id);
        if (!reservation.ok()) return fail(failure(reservation.error()));
        const bool held = *reservation == "held";
        auto event = load_event_status(db, p.event_id);
        if (!event.ok()) return fail(failure(event.error()));
        const bool sellable = held && *event == domain::EventStatus::Active;
        if (o.status == "completed" && sellable) {
            auto issued = issue_tickets(db, p.event_id, p.tier, p.quantity,
                                        p.quantity > 0 ? p.amount_cents / p.quantity : 0, p.id,
                                        p.buyer_wallet, o.at);
            if (!issued.ok()) return fail(failure(issued.error()));
            GATE_TRY_DB(db.execute("UPDATE reservations SET status = 'completed' WHERE id = ?",
                                   p.reservation_id));
            GATE_TRY_DB(
                db.execute("UPDATE payments SET status = 'completed', updated_at = ? WHERE id = ?",
                           o.at, p.id));
            GATE_TRY_DB(note("completed", o.note));
            out.tickets = std::move(issued).value();
            out.effect = SettleEffect::Applied;
        } else {
            if (held) {
                GATE_TRY_DB(give_back_seats(db, p.event_id, p.tier, p.quantity));
                GATE_TRY_DB(db.execute("UPDATE reservations SET status = 'released' WHERE id = ?",
                                       p.reservation_id));
            }
            // Paid for seats that are gone (the event was cancelled meanwhile): the payment
            // completed, and all of it goes back.
            const bool paid = o.status == "completed";
            const std::string status = paid ? "completed" : o.status;
            const auto reason =
                paid ? std::optional<std::string>("event_cancelled") : o.failure_reason;
            GATE_TRY_DB(db.execute(
                "UPDATE payments SET status = ?, failure_reason = ?, updated_at = ? WHERE id = ?",
                status, reason, o.at, p.id));
            if (paid || o.money_received) GATE_TRY_DB(open_whole_refund(db, p, o.at));
            GATE_TRY_DB(note(status, paid ? o.note + " after the event was cancelled; its money "
                                                     "is refunded"
                                          : o.note));
            out.effect =
                paid || o.money_received ? SettleEffect::RefundOpened : SettleEffect::Applied;
        }
        auto reloaded = load_payment(db, "WHERE p.external_id = ?", o.external_id);
        if (!reloaded.ok()) return fail(failure(reloaded.error()));
        if (*reloaded) out.payment = std::move(**reloaded);
        return out;
    });
}

StoreResult<std::optional<PaymentRecord>> SqlStore::find_payment(const std::string& external_id) {
    Pool::Lease db(pool_, pool_.take());
    auto p = load_payment(*db, "WHERE p.external_id = ?", external_id);
    if (!p.ok()) return fail(failure(p.error()));
    return std::move(*p);
}

StoreResult<std::optional<PaymentRecord>> SqlStore::find_payment_by_reference(
    const std::string& provider_reference) {
    Pool::Lease db(pool_, pool_.take());
    auto p = load_payment(*db, "WHERE p.provider_reference = ?", provider_reference);
    if (!p.ok()) return fail(failure(p.error()));
    return std::move(*p);
}

StoreResult<std::vector<PaymentEvent>> SqlStore::payment_history(std::int64_t payment_id) {
    Pool::Lease db(pool_, pool_.take());
    std::vector<PaymentEvent> out;
    GATE_TRY_DB(rows(
        *db,
        "SELECT at, actor, status, note, provider_detail FROM payment_events WHERE payment_id = ? "
        "ORDER BY id",
        [&](const db::Statement& s) {
            PaymentEvent e{s.column_int64(0), std::string(s.column_text(1)),
                           std::string(s.column_text(2)), std::string(s.column_text(3)),
                           std::nullopt};
            if (auto d = s.column_optional_text(4)) e.provider_detail = std::string(*d);
            out.push_back(std::move(e));
        },
        payment_id));
    return out;
}

StoreResult<std::vector<PaymentRecord>> SqlStore::payment_list(std::string_view where,
                                                               std::int64_t key,
                                                               std::int64_t before_id,
                                                               std::int64_t limit) {
    Pool::Lease db(pool_, pool_.take());
    std::vector<PaymentRecord> out;
    GATE_TRY_DB(rows(
        *db,
        std::string(kSelectPayment) + std::string(where) +
            " AND (? = 0 OR p.id < ?) ORDER BY p.id DESC LIMIT ?",
        [&](const db::Statement& s) { out.push_back(read_payment(s)); }, key, before_id, before_id,
        limit));
    for (auto& p : out)
        GATE_TRY_DB(load_payment_tickets(*db, p));
    return out;
}

StoreResult<std::vector<PaymentRecord>> SqlStore::payments_of_user(std::int64_t user_id,
                                                                   std::int64_t before_id,
                                                                   std::int64_t limit) {
    return payment_list("WHERE p.user_id = ?", user_id, before_id, limit);
}

StoreResult<std::vector<PaymentRecord>> SqlStore::payments_of_event(std::int64_t event_id,
                                                                    std::int64_t before_id,
                                                                    std::int64_t limit) {
    return payment_list("WHERE r.event_id = ?", event_id, before_id, limit);
}

StoreResult<std::vector<PaymentRecord>> SqlStore::overdue_payments(std::int64_t now,
                                                                   std::int64_t limit) {
    Pool::Lease db(pool_, pool_.take());
    std::vector<PaymentRecord> out;
    GATE_TRY_DB(rows(
        *db,
        std::string(kSelectPayment) +
            "WHERE p.status = 'pending' AND (r.expires_at <= ? OR EXISTS (SELECT 1 FROM events e "
            "WHERE e.id = r.event_id AND e.status = 'cancelled')) ORDER BY p.id LIMIT ?",
        [&](const db::Statement& s) { out.push_back(read_payment(s)); }, now, limit));
    return out;
}

}  // namespace gate::backend::sql
