#include "gate/device/TicketCache.h"

#include "Rows.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/domain/SyncSignature.h"

namespace gate::device {

using namespace gate::domain;
namespace {

std::optional<std::string> mint_column(const std::optional<crypto::PublicKey>& mint) {
    if (!mint) return std::nullopt;
    return mint->to_base58();
}

// The signature is kept beside the row, not inside the body.
Status<db::Error> write_assignment(db::Database& db, const Assignment& assignment) {
    Assignment body = assignment;
    body.sync_signature.reset();
    return db.execute(
        "INSERT INTO assignment (id, event_id, gate, body, sig) VALUES (1, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, gate = excluded.gate, "
        "body = excluded.body, sig = excluded.sig",
        assignment.event_id, assignment.gate, nlohmann::json(body).dump(),
        rows::signature_column(assignment.sync_signature));
}

Status<db::Error> upsert_ticket(db::Database& db, const TicketRecord& ticket) {
    return db.execute(
        "INSERT INTO ticket (ticket_id, tier, generation, status, mint, binding, sig) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (ticket_id) DO UPDATE SET tier = excluded.tier, "
        "generation = excluded.generation, status = excluded.status, mint = excluded.mint, "
        "binding = excluded.binding, sig = excluded.sig",
        to_column(ticket.ticket_id), ticket.tier, ticket.generation, to_string(ticket.status),
        mint_column(ticket.mint), ticket.binding, rows::signature_column(ticket.sync_signature));
}

Status<db::Error> upsert_key(db::Database& db, const IssuerKeyRecord& key) {
    return db.execute(
        "INSERT INTO issuer_key (public_key, event_id, retired, sig) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (public_key) DO UPDATE SET event_id = excluded.event_id, "
        "retired = excluded.retired, sig = excluded.sig",
        key.public_key.to_base58(), key.event_id, key.retired,
        rows::signature_column(key.sync_signature));
}

// What arrives from the network is stored only when the pinned key signed it all.
template <class Message>
Status<db::Error> check_signed(const DeviceDatabase& database, const Message& message) {
    if (!database.sync_key()) return fail(rows::no_pinned_key());
    if (auto bad = unverified_record(message, *database.sync_key()))
        return fail(rows::untrusted("refused from the backend: " + bad->message));
    return {};
}

}  // namespace

Status<db::Error> TicketCache::apply_snapshot(const Snapshot& snapshot) {
    if (auto s = check_signed(database_, snapshot); !s) return s;
    database_.note_local_write();
    auto& db = database_.connection();
    return rows::in_transaction(db, [&]() -> Status<db::Error> {
        if (auto s = db.exec("DELETE FROM issuer_key; DELETE FROM ticket; DELETE FROM inside;"); !s)
            return s;
        if (auto s = write_assignment(db, snapshot.assignment); !s) return s;
        for (const auto& key : snapshot.issuer_keys)
            if (auto s = upsert_key(db, key); !s) return s;
        for (const auto& ticket : snapshot.tickets)
            if (auto s = upsert_ticket(db, ticket); !s) return s;
        for (const auto& scan : snapshot.inside)
            if (auto s = rows::merge_last_scan(db, scan); !s) return s;
        // This device's own admissions may not have reached the backend yet: keep them.
        if (auto s = db.execute(
                "INSERT INTO inside (ticket_id, direction, at, gate) "
                "SELECT ticket_id, direction, scanned_at + clock_offset_ms, gate FROM scan "
                "WHERE verdict = 'accepted' AND ticket_id IS NOT NULL AND event_id = ? "
                "ORDER BY id "
                "ON CONFLICT (ticket_id) DO UPDATE SET direction = excluded.direction, "
                "at = excluded.at, gate = excluded.gate WHERE excluded.at >= inside.at",
                snapshot.assignment.event_id);
            !s)
            return s;
        if (auto s = rows::queue_checkins(db, std::nullopt); !s) return s;
        return db.execute("UPDATE sync_state SET cursor = ? WHERE id = 1", snapshot.cursor);
    });
}

Status<db::Error> TicketCache::apply_changes(const ChangesPage& page) {
    if (auto s = check_signed(database_, page); !s) return s;
    database_.note_local_write();
    auto& db = database_.connection();
    return rows::in_transaction(db, [&]() -> Status<db::Error> {
        auto cursor = db.query_one<std::int64_t>("SELECT cursor FROM sync_state WHERE id = 1");
        if (!cursor) return fail(cursor.error());
        for (const auto& change : page.changes) {
            if (change.seq <= *cursor) continue;  // already applied
            Status<db::Error> applied = std::visit(
                [&](const auto& payload) -> Status<db::Error> {
                    using P = std::decay_t<decltype(payload)>;
                    if constexpr (std::is_same_v<P, TicketRecord>) {
                        if (auto s = upsert_ticket(db, payload); !s || !payload.mint) return s;
                        return rows::queue_checkins(db, payload.ticket_id);
                    }
                    if constexpr (std::is_same_v<P, InsideRecord>)
                        return rows::merge_last_scan(db, payload);
                    if constexpr (std::is_same_v<P, IssuerKeyRecord>)
                        return upsert_key(db, payload);
                    if constexpr (std::is_same_v<P, Assignment>)
                        return write_assignment(db, payload);
                },
                change.payload);
            if (!applied) return applied;
        }
        return db.execute("UPDATE sync_state SET cursor = max(cursor, ?) WHERE id = 1",
                          page.cursor);
    });
}

Status<db::Error> TicketCache::set_assignment(const Assignment& assignment) {
    if (!database_.sync_key()) return fail(rows::no_pinned_key());
    if (!verify_record(assignment, *database_.sync_key()))
        return fail(
            rows::untrusted("refused from the backend: the assignment is not signed by "
                            "the pinned sync key"));
    database_.note_local_write();
    auto& db = database_.connection();
    return rows::in_transaction(db, [&] { return write_assignment(db, assignment); });
}

Result<std::optional<Assignment>, db::Error> TicketCache::assignment() {
    auto row = database_.connection().query_optional<std::string, std::optional<Bytes>>(
        "SELECT body, sig FROM assignment WHERE id = 1");
    if (!row) return fail(row.error());
    if (!row->has_value()) return std::optional<Assignment>{};
    const auto& [body, sig] = **row;
    auto parsed = parse_message<Assignment>(body);
    if (!parsed) return rows::bad_row("stored assignment", parsed.error().message);
    if (!database_.sync_key()) return fail(rows::no_pinned_key());
    parsed->sync_signature = rows::signature_from(sig);
    if (!verify_record(*parsed, *database_.sync_key()))
        return fail(rows::untrusted("the stored assignment is not signed by the pinned sync key"));
    parsed->sync_signature.reset();  // verified: callers get the plain record
    return std::optional<Assignment>{std::move(parsed).value()};
}

Result<std::vector<IssuerKeyRecord>, db::Error> TicketCache::issuer_keys() {
    if (!database_.sync_key()) return fail(rows::no_pinned_key());
    const crypto::PublicKey& pinned = *database_.sync_key();
    std::vector<IssuerKeyRecord> keys;
    std::optional<std::string> broken;
    std::optional<std::string> forged;
    auto read =
        database_.connection().for_each<std::string, std::int64_t, bool, std::optional<Bytes>>(
            "SELECT public_key, event_id, retired, sig FROM issuer_key ORDER BY public_key",
            [&](const std::string& text, std::int64_t event_id, bool retired,
                const std::optional<Bytes>& sig) {
                auto key = crypto::PublicKey::from_base58(text);
                if (!key || event_id < 0 || event_id > 0xFFFFFFFF) {
                    broken = text;
                    return;
                }
                IssuerKeyRecord record{*key, static_cast<std::uint32_t>(event_id), retired,
                                       rows::signature_from(sig)};
                if (!verify_record(record, pinned)) forged = text;
                record.sync_signature.reset();  // verified: callers get the plain record
                keys.push_back(std::move(record));
            });
    if (!read) return fail(read.error());
    if (broken) return rows::bad_row("stored issuer key", *broken);
    if (forged)
        return fail(rows::untrusted("the stored issuer key " + *forged +
                                    " is not signed by the pinned sync key"));
    return keys;
}

Result<TicketState, db::Error> TicketCache::ticket_state(std::uint64_t ticket_id) {
    return rows::ticket_state(database_.connection(), database_.sync_key(), ticket_id);
}

Result<std::int64_t, db::Error> TicketCache::ticket_count() {
    return database_.connection().query_one<std::int64_t>("SELECT count(*) FROM ticket");
}

}  // namespace gate::device
