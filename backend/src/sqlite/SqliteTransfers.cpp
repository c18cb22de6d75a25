// SqliteStore: transfers: direct, by email, claims and cancellation.
#include <sodium/utils.h>

#include "gate/domain/Lifecycle.h"
#include "sqlite/SqliteStore.h"

namespace gate::backend::sqlite {

namespace {

bool same_hash(const std::string& a, const std::string& b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

// Checks shared by both kinds of transfer; expires stale pending transfers first.
StoreResult<Ticket> SqliteStore::transferable(db::Database& db, std::int64_t ticket_id,
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
    auto event = load_event_status(db, ticket.event_id);
    if (!event.ok()) return fail(failure(event.error()));
    if (auto refused =
            domain::transfer_refusal(ticket.status, *event, ticket.used, ticket.transfer_pending))
        return fail(std::move(*refused));
    return ticket;
}

StoreResult<Ticket> SqliteStore::transfer_direct(std::int64_t ticket_id,
                                                 const std::string& from_wallet,
                                                 const std::string& to_wallet, std::int64_t now) {
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

StoreResult<PendingTransfer> SqliteStore::create_email_transfer(
    std::int64_t ticket_id, const std::string& from_wallet, const std::string& email_hash,
    const std::string& claim_hash, std::int64_t now, std::int64_t expires_at) {
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

StoreStatus SqliteStore::cancel_transfer(std::int64_t transfer_id, std::int64_t) {
    Pool::Lease db(pool_, pool_.take());
    GATE_TRY_DB(
        db->execute("UPDATE transfers SET status = 'cancelled' WHERE id = ? AND status = 'pending'",
                    transfer_id));
    return {};
}

StoreResult<Ticket> SqliteStore::claim_transfer(std::int64_t transfer_id,
                                                const std::string& email_hash,
                                                const std::string& claim_hash,
                                                const std::string& to_wallet, std::int64_t now) {
    static constexpr std::int64_t kMaxFailedClaims = 5;
    Pool::Lease db(pool_, pool_.take());
    auto tx = db->begin();
    if (!tx.ok()) return fail(failure(tx.error()));
    auto row = db->query_optional<std::int64_t, std::string, std::string, std::string, std::string,
                                  std::int64_t, std::int64_t>(
        "SELECT ticket_id, from_wallet, email_hash, claim_hash, status, expires_at, "
        "failed_claims "
        "FROM transfers WHERE id = ? AND kind = 'email'",
        transfer_id);
    if (!row.ok()) return fail(failure(row.error()));
    const auto invalid =
        domain::forbidden("claim_invalid", "the email or claim code does not match");
    if (!row->has_value()) return fail(invalid);
    const auto& [ticket_id, from_wallet, stored_email, stored_claim, status, expires_at, failed] =
        **row;
    if (status == "completed")
        return fail(conflict("claim_used", "this transfer was already claimed"));
    if (status != "pending" || expires_at <= now) {
        if (status == "pending")
            GATE_TRY_DB(
                db->execute("UPDATE transfers SET status = 'expired' WHERE id = ?", transfer_id));
        GATE_TRY_DB(tx->commit());
        return fail(domain::gone("claim_expired", "this transfer is no longer claimable"));
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
    if (!t->has_value() || (*t)->owner_wallet != from_wallet)
        return fail(
            conflict("ticket_not_transferable", "the ticket changed since the transfer was made"));
    auto event = load_event_status(*db, (*t)->event_id);
    if (!event.ok()) return fail(failure(event.error()));
    // This transfer is the pending one: only the ticket's and the event's state decide.
    if (auto refused = domain::transfer_refusal((*t)->status, *event, (*t)->used, false))
        return fail(std::move(*refused));
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

}  // namespace gate::backend::sqlite
