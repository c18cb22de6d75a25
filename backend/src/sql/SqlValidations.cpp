// SqlStore: online validation and offline-entry ingest: the verdicts and entries they
// record. Online validation reads what the database knows about a ticket in one statement
// (known_state); ingest reads a ticket's last scan (last_scan). Both judge with
// domain::decide()'s rules.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

Result<std::optional<domain::InsideRecord>, db::Error> SqlStore::last_scan(db::Database& db,
                                                                           std::int64_t ticket_id) {
    auto row = db.query_optional<std::string, std::int64_t, std::string>(
        "SELECT direction, at, gate FROM entries WHERE ticket_id = ? "
        "ORDER BY at DESC, id DESC LIMIT 1",
        ticket_id);
    if (!row.ok()) return fail(row.error());
    if (!row->has_value()) return std::optional<domain::InsideRecord>{};
    const auto& [direction, at, gate] = **row;
    return std::optional<domain::InsideRecord>{domain::InsideRecord{
        static_cast<std::uint64_t>(ticket_id),
        domain::from_string<domain::Direction>(direction).value_or(domain::Direction::In), at,
        gate}};
}

Result<domain::TicketState, db::Error> SqlStore::known_state(db::Database& db,
                                                             std::int64_t ticket_id,
                                                             std::int64_t event_id) {
    domain::TicketState known;
    // From the id, not the ticket row: a code the list lets in without a row still has its
    // entries. Columns 0-3 are read_inside()'s.
    auto read = rows(
        db,
        "SELECT k.id, l.direction, l.at, l.gate, t.event_id, t.tier, t.generation, t.status, "
        "COALESCE(c.state, 'pending'), c.mint, t.pass_binding FROM (SELECT CAST(? AS BIGINT) AS "
        "id) k "
        "LEFT JOIN tickets t ON t.id = k.id "
        "LEFT JOIN chain_tickets c ON c.ticket_id = k.id "
        "LEFT JOIN entries l ON l.id = (SELECT e.id FROM entries e WHERE e.ticket_id = k.id "
        "ORDER BY e.at DESC, e.id DESC LIMIT 1)",
        [&](const db::Statement& s) {
            if (s.column_optional_text(1)) known.last_scan = read_inside(s);
            // A row of another event is not this code's ticket: the code is unknown here.
            if (s.column_optional_int64(4) == event_id) {
                std::optional<std::string> mint;
                if (auto m = s.column_optional_text(9)) mint = std::string(*m);
                known.ticket =
                    ticket_record(ticket_id, s.column_int64(5), s.column_int64(6),
                                  read_ticket_status(s.column_text(7)),
                                  issued_mint(s.column_text(8), mint), s.column_int64(10));
            }
        },
        ticket_id);
    if (!read.ok()) return fail(read.error());
    return known;
}

StoreResult<domain::Decision> SqlStore::validate(std::optional<std::int64_t> ticket_id,
                                                 const ScanRecord& scan, const Decide& decide) {
    return batched([&](db::Database& db) -> StoreResult<domain::Decision> {
        domain::TicketState known;
        if (ticket_id) {
            auto read = known_state(db, *ticket_id, scan.event_id);
            if (!read.ok()) return fail(failure(read.error()));
            known = std::move(*read);
        }
        const domain::Decision decision = decide(known);
        GATE_TRY_DB(
            db.execute("INSERT INTO validations (nonce, ticket_id, event_id, gate, direction, "
                       "verdict, reason, "
                       "generation, validator_user_id, device_id, offline, at, created_at) "
                       "VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?)",
                       ticket_id, scan.event_id, scan.gate, domain::to_string(scan.direction),
                       decision.accepted ? "accepted" : "rejected", decision.reason,
                       scan.generation, scan.validator_user_id, scan.at, scan.at));
        // Accepted implies the code is genuine and of the scan's event (with or without a row,
        // as the list's policy for unknown tickets says).
        if (decision.accepted && ticket_id) {
            auto entry_row = db.query_one<std::int64_t>(
                "INSERT INTO entries (ticket_id, event_id, gate, direction, at, device_id, "
                "conflict, "
                "single_entry, created_at) VALUES (?, ?, ?, ?, ?, NULL, 0, ?, ?) RETURNING id",
                *ticket_id, scan.event_id, scan.gate, domain::to_string(scan.direction), scan.at,
                scan.single_entry, scan.at);
            if (!entry_row.ok()) return fail(failure(entry_row.error()));
            GATE_TRY_DB(add_change(db, scan.event_id, "entry", *entry_row, scan.at));
            // An admission makes the ticket used in public: on chain too.
            if (scan.direction == domain::Direction::In)
                GATE_TRY_DB(mark_chain_dirty(db, *ticket_id));
        }
        return decision;
    });
}

StoreResult<domain::IngestResult> SqlStore::ingest(const DeviceRecord& device,
                                                   const std::vector<IngestEntry>& entries,
                                                   std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<domain::IngestResult> {
        auto list = load_list(db, device.checkin_list_id);
        if (!list.ok()) return fail(failure(list.error()));
        const auto reentry = list->has_value() ? (*list)->list.reentry : domain::Reentry::Single;
        domain::IngestResult result;
        for (const auto& [e, clock_flag] : entries) {
            auto seen = db.query_optional<std::int64_t>(
                "SELECT id FROM validations WHERE nonce = ?", e.nonce);
            if (!seen.ok()) return fail(failure(seen.error()));
            if (seen->has_value()) {
                result.duplicates.push_back(e.nonce);
                continue;
            }
            std::optional<std::int64_t> ticket_id;
            if (e.ticket_id) ticket_id = static_cast<std::int64_t>(*e.ticket_id);
            // The device's clock corrected by its last known offset to the server.
            const std::int64_t at = e.scanned_at + e.clock_offset_ms;
            GATE_TRY_DB(db.execute(
                "INSERT INTO validations (nonce, ticket_id, event_id, gate, direction, verdict, "
                "reason, generation, validator_user_id, device_id, offline, at, created_at, "
                "clock_flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 1, ?, ?, ?)",
                e.nonce, ticket_id, e.event_id, e.gate, domain::to_string(e.direction),
                domain::to_string(e.verdict), e.reason, e.generation, device.id, at, now,
                clock_flag.empty() ? std::nullopt : std::optional<std::string>(clock_flag)));
            if (e.verdict == domain::Verdict::Accepted && ticket_id) {
                // "It happened" wins: the entry is recorded whatever the backend thinks. An
                // admission that the list's re-entry rule would have refused here (the ticket
                // was already inside, or already used on a single-entry list) is a conflict.
                auto last = last_scan(db, *ticket_id);
                if (!last.ok()) return fail(failure(last.error()));
                std::optional<std::string> conflict_gate;
                if (e.direction == domain::Direction::In &&
                    domain::reentry_refusal(*last, reentry, e.direction))
                    conflict_gate = (*last)->gate;
                auto entry_row = db.query_one<std::int64_t>(
                    "INSERT INTO entries (ticket_id, event_id, gate, direction, at, device_id, "
                    "conflict, conflict_gate, single_entry, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    *ticket_id, e.event_id, e.gate, domain::to_string(e.direction), at, device.id,
                    conflict_gate.has_value(), conflict_gate, reentry == domain::Reentry::Single,
                    now);
                if (!entry_row.ok()) return fail(failure(entry_row.error()));
                GATE_TRY_DB(add_change(db, e.event_id, "entry", *entry_row, now));
                // The device records the admission on chain itself; the reconciler checks it
                // (and writes it when the device cannot: no mint known there yet).
                if (e.direction == domain::Direction::In)
                    GATE_TRY_DB(mark_chain_dirty(db, *ticket_id));
                if (conflict_gate)
                    result.conflicts.push_back({e.nonce, *e.ticket_id, *conflict_gate});
            }
            result.stored.push_back(e.nonce);
            if (!clock_flag.empty()) result.flagged.push_back({e.nonce, clock_flag});
        }
        return result;
    });
}

}  // namespace gate::backend::sql
