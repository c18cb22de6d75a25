// SqlStore: tickets: reads and the organizer's status changes.
#include "gate/domain/Lifecycle.h"
#include "sql/SqlStore.h"

namespace gate::backend::sql {

Result<std::optional<Ticket>, db::Error> SqlStore::load_ticket(db::Database& db, std::int64_t id) {
    std::optional<Ticket> found;
    const std::string sql = std::string(kSelectTicket) + "WHERE t.id = ?";
    if (auto s = rows(
            db, sql, [&](const db::Statement& st) { found = read_ticket(st); }, id);
        !s.ok())
        return fail(s.error());
    return found;
}

StoreResult<std::vector<Ticket>> SqlStore::tickets_of(const std::string& wallet) {
    Pool::Lease db(pool_, pool_.take());
    std::vector<Ticket> out;
    const std::string sql = std::string(kSelectTicket) + "WHERE t.owner_wallet = ? ORDER BY t.id";
    GATE_TRY_DB(rows(
        *db, sql, [&](const db::Statement& s) { out.push_back(read_ticket(s)); }, wallet));
    return out;
}

StoreResult<std::optional<Ticket>> SqlStore::get_ticket(std::int64_t id) {
    Pool::Lease db(pool_, pool_.take());
    auto t = load_ticket(*db, id);
    if (!t.ok()) return fail(failure(t.error()));
    return std::move(*t);
}

StoreResult<Ticket> SqlStore::set_ticket_status(std::int64_t id, domain::TicketStatus status,
                                                std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<Ticket> {
        auto t = load_ticket(db, id);
        if (!t.ok()) return fail(failure(t.error()));
        if (!t->has_value()) return fail(not_found("ticket"));
        if (auto refused = domain::status_change_refusal((*t)->status, status))
            return fail(std::move(*refused));
        GATE_TRY_DB(db.execute("UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
                               domain::to_string(status), now, id));
        GATE_TRY_DB(add_change(db, (*t)->event_id, "ticket", id, now));
        GATE_TRY_DB(mark_chain_dirty(db, id));
        if (domain::revoke_refund_due((*t)->status, status, (*t)->price_cents))
            GATE_TRY_DB(open_ticket_refund(db, id, "ticket_revoked", now));
        auto changed = load_ticket(db, id);
        if (!changed.ok()) return fail(failure(changed.error()));
        return **changed;
    });
}

StoreResult<Ticket> SqlStore::bind_pass(std::int64_t id, const std::string& wallet,
                                        std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<Ticket> {
        auto t = load_ticket(db, id);
        if (!t.ok()) return fail(failure(t.error()));
        // Someone else's ticket reads as no ticket: ids leak nothing.
        if (!t->has_value() || (*t)->owner_wallet != wallet) return fail(not_found("ticket"));
        auto event = load_event_status(db, (*t)->event_id);
        if (!event.ok()) return fail(failure(event.error()));
        if (auto refused = domain::pass_refusal((*t)->status, *event, (*t)->binding))
            return fail(std::move(*refused));
        GATE_TRY_DB(db.execute(
            "UPDATE tickets SET pass_binding = pass_binding + 1, updated_at = ? WHERE id = ?", now,
            id));
        // Gates learn the new binding from their next delta: older phones' passes stop.
        GATE_TRY_DB(add_change(db, (*t)->event_id, "ticket", id, now));
        auto changed = load_ticket(db, id);
        if (!changed.ok()) return fail(failure(changed.error()));
        return **changed;
    });
}

}  // namespace gate::backend::sql
