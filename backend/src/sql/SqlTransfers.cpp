// SqlStore: transfers: direct, by email, claims and cancellation.
#include "ConstantTime.h"
#include "gate/domain/Lifecycle.h"
#include "sql/SqlStore.h"

namespace gate::backend::sql {

// Checks shared by both kinds of transfer; expires stale pending transfers first.
StoreResult<Ticket> SqlStore::transferable(db::Database& db, std::int64_t ticket_id,
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

StoreResult<Ticket> SqlStore::transfer_direct(std::int64_t ticket_id,
                                              const std::string& from_wallet,
                                              const std::string& to_wallet, std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<Ticket> {
        auto ticket = transferable(db, ticket_id, from_wallet, now);
        if (!ticket.ok()) return ticket;
        GATE_TRY_DB(
            db.execute("UPDATE tickets SET owner_wallet = ?, generation = generation + 1, "
                       "updated_at = ? WHERE id = ?",
                       to_wallet, now, ticket_id));
        GATE_TRY_DB(db.execute(
            "INSERT INTO transfers (ticket_id, kind, from_wallet, to_wallet, status, completed_at, "
            "created_at) VALUES (?, 'direct', ?, ?, 'completed', ?, ?)",
            ticket_id, from_wallet, to_wallet, now, now));
        GATE_TRY_DB(add_change(db, ticket->event_id, "ticket", ticket_id, now));
        GATE_TRY_DB(mark_chain_dirty(db, ticket_id));
        auto moved = load_ticket(db, ticket_id);
        if (!moved.ok()) return fail(failure(moved.error()));
        return **moved;
    });
}

StoreResult<PendingTransfer> SqlStore::create_email_transfer(
    std::int64_t ticket_id, const std::string& from_wallet, const std::string& reference,
    const std::string& email_hash, const std::string& claim_hash, std::int64_t now,
    std::int64_t expires_at) {
    return batched([&](db::Database& db) -> StoreResult<PendingTransfer> {
        auto ticket = transferable(db, ticket_id, from_wallet, now);
        if (!ticket.ok()) return fail(ticket.error());
        auto transfer_row = db.query_one<std::int64_t>(
            "INSERT INTO transfers (ticket_id, kind, reference, from_wallet, email_hash, "
            "claim_hash, "
            "status, expires_at, created_at) VALUES (?, 'email', ?, ?, ?, ?, 'pending', ?, ?) "
            "RETURNING id",
            ticket_id, reference, from_wallet, email_hash, claim_hash, expires_at, now);
        if (!transfer_row.ok()) return fail(failure(transfer_row.error()));
        PendingTransfer pending{*transfer_row, reference, ticket_id, expires_at};
        return pending;
    });
}

Result<std::optional<EmailTransfer>, db::Error> SqlStore::load_email_transfer(
    db::Database& db, const std::string& reference) {
    auto row = db.query_optional<std::int64_t, std::string, std::string, std::string, std::int64_t>(
        "SELECT x.ticket_id, e.name, x.from_wallet, x.status, x.expires_at "
        "FROM transfers x "
        "JOIN tickets t ON t.id = x.ticket_id "
        "JOIN events e ON e.id = t.event_id "
        "WHERE x.reference = ? AND x.kind = 'email'",
        reference);
    if (!row.ok()) return fail(row.error());
    if (!row->has_value()) return std::optional<EmailTransfer>{};
    auto& [ticket_id, event_name, from_wallet, status, expires_at] = **row;
    EmailTransfer transfer;
    transfer.reference = reference;
    transfer.ticket_id = ticket_id;
    transfer.event_name = std::move(event_name);
    transfer.from_wallet = std::move(from_wallet);
    // A status this code cannot read is one nothing may be done with.
    transfer.status =
        domain::transfer_status_from_string(status).value_or(domain::TransferStatus::Cancelled);
    transfer.expires_at = expires_at;
    return std::optional<EmailTransfer>{std::move(transfer)};
}

StoreResult<std::optional<EmailTransfer>> SqlStore::find_email_transfer(
    const std::string& reference, std::int64_t now) {
    Pool::Lease db(pool_, pool_.take());
    auto found = load_email_transfer(*db, reference);
    if (!found.ok()) return fail(failure(found.error()));
    if (found->has_value())
        (*found)->status = domain::transfer_status_at((*found)->status, (*found)->expires_at, now);
    return std::move(*found);
}

StoreResult<EmailTransfer> SqlStore::cancel_transfer(const std::string& reference,
                                                     const std::string& sender_wallet,
                                                     std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<EmailTransfer> {
        auto found = load_email_transfer(db, reference);
        if (!found.ok()) return fail(failure(found.error()));
        if (!found->has_value()) return fail(not_found("transfer"));
        EmailTransfer transfer = std::move(**found);
        if (transfer.from_wallet != sender_wallet)
            return fail(forbidden("only the sender can cancel this transfer"));
        transfer.status = domain::transfer_status_at(transfer.status, transfer.expires_at, now);
        if (auto refused = domain::transfer_cancel_refusal(transfer.status))
            return fail(std::move(*refused));
        GATE_TRY_DB(
            db.execute("UPDATE transfers SET status = 'cancelled', completed_at = ? "
                       "WHERE reference = ? AND status = 'pending'",
                       now, reference));
        transfer.status = domain::TransferStatus::Cancelled;
        return transfer;
    });
}

StoreResult<Ticket> SqlStore::claim_transfer(const std::string& reference,
                                             const std::string& email_hash,
                                             const std::string& claim_hash,
                                             const std::string& to_wallet, std::int64_t now) {
    // A refusal that expired the transfer or counted a wrong guess keeps that record.
    bool keep_refusal = false;
    return batched(
        [&](db::Database& db) -> StoreResult<Ticket> {
            auto row = db.query_optional<std::int64_t, std::int64_t, std::string, std::string,
                                         std::string, std::string, std::int64_t>(
                "SELECT id, ticket_id, from_wallet, email_hash, claim_hash, status, expires_at "
                "FROM transfers WHERE reference = ? AND kind = 'email'",
                reference);
            if (!row.ok()) return fail(failure(row.error()));
            const auto invalid =
                domain::forbidden("claim_invalid", "the email or claim code does not match");
            if (!row->has_value()) return fail(invalid);
            const auto& [transfer_id, ticket_id, from_wallet, stored_email, stored_claim,
                         stored_status, expires_at] = **row;
            const auto stored = domain::transfer_status_from_string(stored_status)
                                    .value_or(domain::TransferStatus::Cancelled);
            const auto status = domain::transfer_status_at(stored, expires_at, now);
            if (auto refused = domain::claim_refusal(status)) {
                // Time, not the caller, expired it: record that.
                if (stored != status)
                    GATE_TRY_DB(
                        db.execute("UPDATE transfers SET status = 'expired' WHERE id = ? AND "
                                   "status = 'pending'",
                                   transfer_id));
                keep_refusal = true;
                return fail(std::move(*refused));
            }
            if (!equal_in_constant_time(stored_email, email_hash) ||
                !equal_in_constant_time(stored_claim, claim_hash)) {
                // Counted for the record, never acted on: a guesser must not be able to cancel or
                // expire the transfer for its real recipient. Guessing is bounded by the claim
                // route's rate limits and the code's 256 bits.
                GATE_TRY_DB(db.execute(
                    "UPDATE transfers SET failed_claims = failed_claims + 1 WHERE id = ?",
                    transfer_id));
                keep_refusal = true;
                return fail(invalid);
            }
            auto t = load_ticket(db, ticket_id);
            if (!t.ok()) return fail(failure(t.error()));
            if (!t->has_value() || (*t)->owner_wallet != from_wallet)
                return fail(conflict("ticket_not_transferable",
                                     "the ticket changed since the transfer was made"));
            auto event = load_event_status(db, (*t)->event_id);
            if (!event.ok()) return fail(failure(event.error()));
            // This transfer is the pending one: only the ticket's and the event's state decide.
            if (auto refused = domain::transfer_refusal((*t)->status, *event, (*t)->used, false))
                return fail(std::move(*refused));
            GATE_TRY_DB(
                db.execute("UPDATE tickets SET owner_wallet = ?, generation = generation + 1, "
                           "updated_at = ? WHERE id = ?",
                           to_wallet, now, ticket_id));
            GATE_TRY_DB(db.execute(
                "UPDATE transfers SET status = 'completed', to_wallet = ?, completed_at = "
                "? WHERE id = ?",
                to_wallet, now, transfer_id));
            GATE_TRY_DB(add_change(db, (*t)->event_id, "ticket", ticket_id, now));
            GATE_TRY_DB(mark_chain_dirty(db, ticket_id));
            auto moved = load_ticket(db, ticket_id);
            if (!moved.ok()) return fail(failure(moved.error()));
            return **moved;
        },
        &keep_refusal);
}

}  // namespace gate::backend::sql
