// SqlStore: refunds: of a cancelled event's paid tickets (opened in the transaction that
// cancels), of a revoked paid ticket, of a whole payment that could not become tickets.
// One per ticket and one per whole payment, ever; settled when the payment method has
// answered, retried while it has not.
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

namespace {

constexpr std::string_view kSelectRefund =
    "SELECT r.id, r.ticket_id, r.payment_id, p.external_id, p.provider_reference, "
    "r.amount_cents, r.currency, r.method, r.reason, r.status, r.provider_reference, "
    "r.attempts, r.last_error, r.next_attempt_at, r.created_at, r.completed_at "
    "FROM refunds r JOIN payments p ON p.id = r.payment_id "
    "JOIN reservations res ON res.id = p.reservation_id ";

Refund read_refund(const db::Statement& s) {
    Refund r;
    r.id = s.column_int64(0);
    r.ticket_id = s.column_optional_int64(1);
    r.payment_id = s.column_int64(2);
    r.payment = s.column_text(3);
    if (auto v = s.column_optional_text(4)) r.payment_reference = std::string(*v);
    r.amount_cents = s.column_int64(5);
    r.currency = s.column_text(6);
    r.method = s.column_text(7);
    r.reason = s.column_text(8);
    r.status = s.column_text(9);
    if (auto v = s.column_optional_text(10)) r.provider_reference = std::string(*v);
    r.attempts = s.column_int64(11);
    if (auto v = s.column_optional_text(12)) r.last_error = std::string(*v);
    r.next_attempt_at = s.column_int64(13);
    r.created_at = s.column_int64(14);
    r.completed_at = s.column_optional_int64(15);
    return r;
}

}  // namespace

Status<db::Error> SqlStore::open_ticket_refund(db::Database& db, std::int64_t ticket_id,
                                               std::string_view reason, std::int64_t now) {
    return db.execute(
        "INSERT INTO refunds (payment_id, ticket_id, amount_cents, currency, method, reason, "
        "status, created_at) SELECT p.id, t.id, t.purchase_price_cents, p.currency, p.method, ?, "
        "'pending', ? FROM tickets t JOIN payments p ON p.id = t.payment_id "
        "WHERE t.id = ? AND p.status = 'completed' AND t.purchase_price_cents > 0 "
        "AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.ticket_id = t.id)",
        reason, now, ticket_id);
}

StoreResult<std::vector<Refund>> SqlStore::refund_list(std::string_view where, std::int64_t key,
                                                       std::int64_t limit) {
    Pool::Lease db(pool_, pool_.take());
    std::vector<Refund> out;
    GATE_TRY_DB(rows(
        *db, std::string(kSelectRefund) + std::string(where) + " ORDER BY r.id LIMIT ?",
        [&](const db::Statement& s) { out.push_back(read_refund(s)); }, key, limit));
    return out;
}

StoreResult<std::vector<Refund>> SqlStore::refunds(std::int64_t event_id) {
    return refund_list("WHERE res.event_id = ?", event_id, INT64_MAX);
}

StoreResult<std::vector<Refund>> SqlStore::refunds_of_payment(std::int64_t payment_id) {
    return refund_list("WHERE r.payment_id = ?", payment_id, INT64_MAX);
}

StoreResult<std::vector<Refund>> SqlStore::due_refunds(std::int64_t now, std::int64_t limit) {
    return refund_list("WHERE r.status = 'pending' AND r.next_attempt_at <= ?", now, limit);
}

StoreStatus SqlStore::refund_attempt_failed(std::int64_t refund_id, const std::string& error,
                                            const std::optional<std::string>& provider_reference,
                                            std::int64_t retry_at) {
    return batched([&](db::Database& db) -> StoreStatus {
        GATE_TRY_DB(db.execute(
            "UPDATE refunds SET attempts = attempts + 1, last_error = ?, provider_reference = "
            "COALESCE(provider_reference, ?), next_attempt_at = ? WHERE id = ? AND status = "
            "'pending'",
            error, provider_reference, retry_at, refund_id));
        return {};
    });
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
