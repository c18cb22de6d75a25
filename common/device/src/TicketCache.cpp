#include "gate/device/TicketCache.h"

#include "Rows.h"
#include "gate/device/DeviceDatabase.h"

namespace gate::device {

using namespace gate::domain;
namespace {

std::optional<std::string> mint_column(const std::optional<crypto::PublicKey>& mint) {
    if (!mint) return std::nullopt;
    return mint->to_base58();
}

Status<db::Error> write_assignment(db::Database& db, const Assignment& assignment) {
    return db.execute(
        "INSERT INTO assignment (id, event_id, gate, body) VALUES (1, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, gate = excluded.gate, "
        "body = excluded.body",
        assignment.event_id, assignment.gate, nlohmann::json(assignment).dump());
}

Status<db::Error> upsert_ticket(db::Database& db, const TicketRecord& ticket) {
    return db.execute(
        "INSERT INTO ticket (ticket_id, tier, generation, status, mint) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (ticket_id) DO UPDATE SET tier = excluded.tier, "
        "generation = excluded.generation, status = excluded.status, mint = excluded.mint",
        to_column(ticket.ticket_id), ticket.tier, ticket.generation, to_string(ticket.status),
        mint_column(ticket.mint));
}

Status<db::Error> upsert_key(db::Database& db, const IssuerKeyRecord& key) {
    return db.execute(
        "INSERT INTO issuer_key (public_key, event_id, retired) VALUES (?, ?, ?) "
        "ON CONFLICT (public_key) DO UPDATE SET event_id = excluded.event_id, "
        "retired = excluded.retired",
        key.public_key.to_base58(), key.event_id, key.retired);
}

}  // namespace

Status<db::Error> TicketCache::apply_snapshot(const Snapshot& snapshot) {
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
    database_.note_local_write();
    auto& db = database_.connection();
    return rows::in_transaction(db, [&] { return write_assignment(db, assignment); });
}

Result<std::optional<Assignment>, db::Error> TicketCache::assignment() {
    auto body = database_.connection().query_optional<std::string>(
        "SELECT body FROM assignment WHERE id = 1");
    if (!body) return fail(body.error());
    if (!body->has_value()) return std::optional<Assignment>{};
    auto parsed = parse_message<Assignment>(**body);
    if (!parsed) return rows::bad_row("stored assignment", parsed.error().message);
    return std::optional<Assignment>{std::move(parsed).value()};
}

Result<std::vector<IssuerKeyRecord>, db::Error> TicketCache::issuer_keys() {
    std::vector<IssuerKeyRecord> keys;
    std::optional<std::string> broken;
    auto read = database_.connection().for_each<std::string, std::int64_t, bool>(
        "SELECT public_key, event_id, retired FROM issuer_key ORDER BY public_key",
        [&](const std::string& text, std::int64_t event_id, bool retired) {
            auto key = crypto::PublicKey::from_base58(text);
            if (!key || event_id < 0 || event_id > 0xFFFFFFFF) {
                broken = text;
                return;
            }
            keys.push_back({*key, static_cast<std::uint32_t>(event_id), retired});
        });
    if (!read) return fail(read.error());
    if (broken) return rows::bad_row("stored issuer key", *broken);
    return keys;
}

Result<TicketState, db::Error> TicketCache::ticket_state(std::uint64_t ticket_id) {
    return rows::ticket_state(database_.connection(), ticket_id);
}

Result<std::int64_t, db::Error> TicketCache::ticket_count() {
    return database_.connection().query_one<std::int64_t>("SELECT count(*) FROM ticket");
}

}  // namespace gate::device
