// SqlStore: the chain reconciler's bookkeeping: event keys, dirty tickets, mints and outcomes.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

// ---- Chain --------------------------------------------------------------------------

StoreResult<EventChainKeys> SqlStore::ensure_chain_keys(const EventChainKeys& candidate,
                                                        std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<EventChainKeys> {
        auto found = db.query_optional<std::int64_t>(
            "SELECT event_id FROM chain_event_keys WHERE event_id = ?", candidate.event_id);
        if (!found.ok()) return fail(failure(found.error()));
        if (!found->has_value()) {
            GATE_TRY_DB(db.execute(
                "INSERT INTO chain_event_keys (event_id, authority, authority_sealed, validator, "
                "validator_sealed, validator_funded, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
                candidate.event_id, candidate.authority, ByteView(candidate.authority_sealed),
                candidate.validator, ByteView(candidate.validator_sealed), now));
        }
        EventChainKeys keys;
        GATE_TRY_DB(rows(
            db,
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
        return keys;
    });
}

StoreStatus SqlStore::mark_validator_funded(std::int64_t event_id) {
    return batched([&](db::Database& db) -> StoreStatus {
        GATE_TRY_DB(db.execute(
            "UPDATE chain_event_keys SET validator_funded = 1 WHERE event_id = ?", event_id));
        return {};
    });
}

StoreResult<std::vector<ChainWork>> SqlStore::load_chain_work(std::string_view where,
                                                              std::int64_t a, std::int64_t b) {
    Pool::Lease db(pool_, pool_.take());
    auto tx = db->begin(db::TransactionKind::Deferred);
    if (!tx.ok()) return fail(failure(tx.error()));
    std::vector<ChainWork> out;
    const std::string sql =
        "SELECT c.ticket_id, c.mint_sealed, c.target, c.dirty_seq, e.name, "
        "COALESCE(et.name, ''), e.status FROM chain_tickets c JOIN tickets t ON t.id = "
        "c.ticket_id JOIN events e ON e.id = t.event_id LEFT JOIN event_tiers et ON "
        "et.event_id = t.event_id AND et.tier = t.tier " +
        std::string(where);
    GATE_TRY_DB(rows(
        *db, sql,
        [&](const db::Statement& s) {
            ChainWork w;
            w.ticket.id = s.column_int64(0);
            if (auto sealed = s.column_optional_blob(1))
                w.mint_sealed.assign(sealed->begin(), sealed->end());
            if (auto target = s.column_optional_text(2)) w.target = std::string(*target);
            w.dirty_seq = s.column_int64(3);
            w.event_name = s.column_text(4);
            w.tier_name = s.column_text(5);
            // A value this code cannot read refuses (fail closed) rather than admits.
            w.event_status = domain::from_string<domain::EventStatus>(s.column_text(6))
                                 .value_or(domain::EventStatus::Cancelled);
            out.push_back(std::move(w));
        },
        a, b));
    for (auto& w : out) {
        auto t = load_ticket(*db, w.ticket.id);
        if (!t.ok()) return fail(failure(t.error()));
        if (t->has_value()) w.ticket = **t;
    }
    return out;
}

StoreResult<std::vector<ChainWork>> SqlStore::chain_work(std::int64_t now, std::int64_t limit) {
    return load_chain_work(
        "WHERE c.dirty = 1 AND c.next_attempt_at <= ? ORDER BY c.next_attempt_at, c.ticket_id "
        "LIMIT ?",
        now, limit);
}

StoreResult<std::vector<ChainWork>> SqlStore::chain_audit(std::int64_t checked_before,
                                                          std::int64_t limit) {
    return load_chain_work(
        "WHERE c.dirty = 0 AND c.state IN ('issued', 'frozen') AND c.checked_at <= ? "
        "ORDER BY c.checked_at, c.ticket_id LIMIT ?",
        checked_before, limit);
}

StoreResult<std::pair<std::string, Bytes>> SqlStore::put_chain_mint(std::int64_t ticket_id,
                                                                    const std::string& mint,
                                                                    const Bytes& sealed,
                                                                    std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<std::pair<std::string, Bytes>> {
        GATE_TRY_DB(db.execute(
            "UPDATE chain_tickets SET mint = ?, mint_sealed = ?, updated_at = ? WHERE ticket_id = "
            "? AND mint IS NULL",
            mint, ByteView(sealed), now, ticket_id));
        std::pair<std::string, Bytes> stored;
        GATE_TRY_DB(rows(
            db, "SELECT mint, mint_sealed FROM chain_tickets WHERE ticket_id = ?",
            [&](const db::Statement& s) {
                stored.first = s.column_text(0);
                const ByteView b = s.column_blob(1);
                stored.second.assign(b.begin(), b.end());
            },
            ticket_id));
        if (stored.first.empty()) return fail(not_found("ticket"));
        return stored;
    });
}

StoreStatus SqlStore::put_chain_target(std::int64_t ticket_id, const std::string& wallet) {
    return batched([&](db::Database& db) -> StoreStatus {
        GATE_TRY_DB(db.execute("UPDATE chain_tickets SET target = ? WHERE ticket_id = ?", wallet,
                               ticket_id));
        return {};
    });
}

StoreStatus SqlStore::record_chain(const ChainOutcome& o, std::int64_t now) {
    return batched([&](db::Database& db) -> StoreStatus {
        auto before = db.query_optional<std::string, std::int64_t>(
            "SELECT c.state, t.event_id FROM chain_tickets c JOIN tickets t ON t.id = c.ticket_id "
            "WHERE c.ticket_id = ?",
            o.ticket_id);
        if (!before.ok()) return fail(failure(before.error()));
        if (!before->has_value()) return {};
        const auto& [old_state, event_id] = **before;
        const bool failed = o.error.has_value();
        GATE_TRY_DB(db.execute(
            "UPDATE chain_tickets SET state = ?, holder = COALESCE(?, holder), last_error = ?, "
            "attempts = CASE WHEN ? = 1 THEN attempts + 1 ELSE 0 END, next_attempt_at = ?, "
            "dirty = CASE WHEN ? = 0 THEN 1 WHEN dirty_seq = ? THEN 0 ELSE dirty END, "
            "checked_at = CASE WHEN ? = 1 THEN ? ELSE checked_at END, updated_at = ? "
            "WHERE ticket_id = ?",
            o.state, o.holder, o.error, failed, o.next_attempt_at, o.synced, o.dirty_seq, o.synced,
            now, now, o.ticket_id));
        const auto issued = [](std::string_view s) { return s == "issued" || s == "frozen"; };
        if (issued(o.state) && !issued(old_state))
            GATE_TRY_DB(add_change(db, event_id, "ticket", o.ticket_id, now));
        return {};
    });
}

StoreResult<ChainQueueStats> SqlStore::chain_queue() {
    Pool::Lease db(pool_, pool_.take());
    auto row = db->query_one<std::int64_t, std::int64_t, std::int64_t>(
        "SELECT COALESCE(SUM(dirty), 0), COALESCE(SUM(CASE WHEN dirty = 1 AND last_error IS "
        "NOT NULL THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN state IN ('issued', "
        "'frozen') THEN 1 ELSE 0 END), 0) FROM chain_tickets");
    if (!row.ok()) return fail(failure(row.error()));
    const auto& [dirty, failing, issued] = *row;
    return ChainQueueStats{dirty, failing, issued};
}

}  // namespace gate::backend::sql
