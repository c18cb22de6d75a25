// SqlStore: what devices sync from: the event cache snapshot, the change log and its pruning.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

namespace {

std::optional<domain::IssuerKeyRecord> key_record(std::string_view public_key,
                                                  std::int64_t event_id, bool retired) {
    auto key = crypto::PublicKey::from_base58(public_key);
    if (!key.ok()) return std::nullopt;  // never written so: the backend makes its keys
    return domain::IssuerKeyRecord{*key, static_cast<std::uint32_t>(event_id), retired};
}

}  // namespace

StoreResult<EventCache> SqlStore::snapshot(std::int64_t event_id) {
    Pool::Lease db(pool_, pool_.take());
    auto tx = db->begin(db::TransactionKind::Deferred);  // a consistent read
    if (!tx.ok()) return fail(failure(tx.error()));
    EventCache snap;
    auto cursor = db->query_one<std::int64_t>(kNewestChange);
    if (!cursor.ok()) return fail(failure(cursor.error()));
    snap.cursor = *cursor;
    GATE_TRY_DB(rows(
        *db, "SELECT public_key, event_id, retired FROM issuer_keys WHERE event_id = ? ORDER BY id",
        [&](const db::Statement& s) {
            if (auto key = key_record(s.column_text(0), s.column_int64(1), s.column_int64(2) != 0))
                snap.issuer_keys.push_back(*key);
        },
        event_id));
    GATE_TRY_DB(rows(
        *db,
        "SELECT t.id, t.tier, t.generation, t.status, COALESCE(c.state, 'pending'), c.mint, "
        "t.pass_binding FROM tickets t LEFT JOIN chain_tickets c ON c.ticket_id = t.id "
        "WHERE t.event_id = ? ORDER BY t.id",
        [&](const db::Statement& s) {
            std::optional<std::string> mint;
            if (auto m = s.column_optional_text(5)) mint = std::string(*m);
            snap.tickets.push_back(
                ticket_record(s.column_int64(0), s.column_int64(1), s.column_int64(2),
                              read_ticket_status(s.column_text(3)),
                              issued_mint(s.column_text(4), mint), s.column_int64(6)));
        },
        event_id));
    GATE_TRY_DB(rows(
        *db,
        "SELECT e.ticket_id, e.direction, e.at, e.gate FROM entries e WHERE e.event_id = ? AND "
        "e.id = (SELECT x.id FROM entries x WHERE x.ticket_id = e.ticket_id "
        "ORDER BY x.at DESC, x.id DESC LIMIT 1) ORDER BY e.ticket_id",
        [&](const db::Statement& s) { snap.inside.push_back(read_inside(s)); }, event_id));
    return snap;
}

StoreResult<std::optional<domain::ChangesPage>> SqlStore::changes(std::int64_t event_id,
                                                                  std::int64_t after,
                                                                  std::int64_t limit) {
    Pool::Lease db(pool_, pool_.take());
    auto tx = db->begin(db::TransactionKind::Deferred);
    if (!tx.ok()) return fail(failure(tx.error()));
    auto pruned = db->query_one<std::int64_t>(
        "SELECT value FROM store_meta WHERE name = 'changes_pruned_through'");
    if (!pruned.ok()) return fail(failure(pruned.error()));
    if (after < *pruned) return std::optional<domain::ChangesPage>{};
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
        "SELECT seq, kind, ref FROM changes WHERE event_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        [&](const db::Statement& s) {
            found.push_back({s.column_int64(0), std::string(s.column_text(1)), s.column_int64(2)});
        },
        event_id, after, limit + 1));
    domain::ChangesPage out;
    out.more = static_cast<std::int64_t>(found.size()) > limit;
    if (out.more) found.pop_back();
    for (const auto& row : found) {
        if (row.kind == "ticket") {
            auto t = load_ticket(*db, row.ref);
            if (!t.ok()) return fail(failure(t.error()));
            if (t->has_value()) out.changes.push_back({row.seq, ticket_record(**t)});
        } else if (row.kind == "entry") {
            std::optional<domain::InsideRecord> entry;
            GATE_TRY_DB(rows(
                *db, "SELECT ticket_id, direction, at, gate FROM entries WHERE id = ?",
                [&](const db::Statement& s) { entry = read_inside(s); }, row.ref));
            if (entry) out.changes.push_back({row.seq, std::move(*entry)});
        } else if (row.kind == "issuer_key") {
            std::optional<domain::IssuerKeyRecord> key;
            GATE_TRY_DB(rows(
                *db, "SELECT public_key, event_id, retired FROM issuer_keys WHERE id = ?",
                [&](const db::Statement& s) {
                    key = key_record(s.column_text(0), s.column_int64(1), s.column_int64(2) != 0);
                },
                row.ref));
            if (key) out.changes.push_back({row.seq, *key});
        } else if (row.kind == "assignment") {
            out.changes.push_back({row.seq, domain::Assignment{}});  // the handler fills it
        }
    }
    // Not more: the device has seen everything up to the newest change of any event.
    out.cursor = out.more ? found.back().seq : *newest;
    if (out.cursor < after) out.cursor = after;
    return std::optional<domain::ChangesPage>{std::move(out)};
}

StoreStatus SqlStore::prune_changes(std::int64_t before) {
    return batched([&](db::Database& db) -> StoreStatus {
        auto through = db.query_one<std::int64_t>(
            "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE created_at < ?", before);
        if (!through.ok()) return fail(failure(through.error()));
        if (*through > 0) {
            GATE_TRY_DB(db.execute("DELETE FROM changes WHERE seq <= ?", *through));
            GATE_TRY_DB(
                db.execute("UPDATE store_meta SET value = ? WHERE name = 'changes_pruned_through' "
                           "AND value < ?",
                           *through, *through));
        }
        return {};
    });
}

}  // namespace gate::backend::sql
