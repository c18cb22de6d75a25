// SqlStore: refunds of a cancelled event's paid tickets: opened in the transaction that
// cancels (one per ticket, ever), settled when the payment method has answered.
#include "gate/domain/Lifecycle.h"
#include "sql/SqlStore.h"

namespace gate::backend::sql {

Status<db::Error> SqlStore::open_refunds(db::Database& db, std::int64_t event_id,
                                         std::int64_t now) {
    struct Paid {
        std::int64_t ticket_id;
        domain::TicketStatus status;
        std::int64_t price_cents, payment_id;
        std::string currency, method;
    };
    std::vector<Paid> paid;
    if (auto s = rows(
            db,
            "SELECT t.id, t.status, t.purchase_price_cents, p.id, p.currency, p.method "
            "FROM tickets t JOIN payments p ON p.id = t.payment_id "
            "WHERE t.event_id = ? AND p.status = 'completed' "
            "AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.ticket_id = t.id) "
            "ORDER BY t.id",
            [&](const db::Statement& st) {
                paid.push_back({st.column_int64(0), read_ticket_status(st.column_text(1)),
                                st.column_int64(2), st.column_int64(3),
                                std::string(st.column_text(4)), std::string(st.column_text(5))});
            },
            event_id);
        !s.ok())
        return s;
    for (const auto& p : paid) {
        if (!domain::refund_due(p.status, p.price_cents)) continue;
        if (auto s = db.execute(
                "INSERT INTO refunds (payment_id, ticket_id, amount_cents, currency, method, "
                "status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                p.payment_id, p.ticket_id, p.price_cents, p.currency, p.method, now);
            !s.ok())
            return s;
    }
    return {};
}

StoreResult<std::vector<Refund>> SqlStore::refunds(std::int64_t event_id) {
    Pool::Lease db(pool_, pool_.take());
    std::vector<Refund> out;
    GATE_TRY_DB(rows(
        *db,
        "SELECT r.id, r.ticket_id, r.payment_id, p.external_id, r.amount_cents, r.currency, "
        "r.method, r.status, r.provider_reference, r.created_at, r.completed_at "
        "FROM refunds r "
        "JOIN tickets t ON t.id = r.ticket_id "
        "JOIN payments p ON p.id = r.payment_id "
        "WHERE t.event_id = ? ORDER BY r.id",
        [&](const db::Statement& s) {
            Refund r;
            r.id = s.column_int64(0);
            r.ticket_id = s.column_int64(1);
            r.payment_id = s.column_int64(2);
            r.payment = s.column_text(3);
            r.amount_cents = s.column_int64(4);
            r.currency = s.column_text(5);
            r.method = s.column_text(6);
            r.status = s.column_text(7);
            if (auto reference = s.column_optional_text(8))
                r.provider_reference = std::string(*reference);
            r.created_at = s.column_int64(9);
            r.completed_at = s.column_optional_int64(10);
            out.push_back(std::move(r));
        },
        event_id));
    return out;
}

StoreResult<bool> SqlStore::settle_refund(const RefundOutcome& o) {
    return batched([&](db::Database& db) -> StoreResult<bool> {
        GATE_TRY_DB(
            db.execute("UPDATE refunds SET status = ?, provider_reference = ?, completed_at = ? "
                       "WHERE id = ? AND status = 'pending'",
                       o.status, o.provider_reference, o.at, o.refund_id));
        return db.changes() == 1;
    });
}

}  // namespace gate::backend::sql
