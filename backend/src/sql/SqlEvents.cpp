// SqlStore: events, their tiers, statistics and issuer keys.
#include "gate/domain/Lifecycle.h"
#include "sql/SqlStore.h"

namespace gate::backend::sql {

namespace {

std::string like_pattern(std::string_view text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('%');
    return out;
}

}  // namespace

Status<db::Error> SqlStore::load_tiers(db::Database& db, Event& event) {
    event.tiers.clear();
    return rows(
        db,
        "SELECT tier, name, price_cents, ticket_limit, sold FROM event_tiers WHERE event_id = "
        "? "
        "ORDER BY tier",
        [&](const db::Statement& s) {
            event.tiers.push_back({static_cast<int>(s.column_int64(0)),
                                   std::string(s.column_text(1)), s.column_int64(2),
                                   s.column_int64(3), s.column_int64(4)});
        },
        event.id);
}

Result<std::optional<Event>, db::Error> SqlStore::load_event(db::Database& db, std::int64_t id) {
    std::optional<Event> found;
    const std::string sql = std::string(kSelectEvent) + "WHERE e.id = ?";
    if (auto s = rows(
            db, sql, [&](const db::Statement& st) { found = read_event(st); }, id);
        !s.ok())
        return fail(s.error());
    if (found) {
        if (auto s = load_tiers(db, *found); !s.ok()) return fail(s.error());
    }
    return found;
}

StoreResult<Event> SqlStore::create_event(const Event& e, const IssuerKeyRecord& key) {
    return batched([&](db::Database& db) -> StoreResult<Event> {
        auto event_row = db.query_one<std::int64_t>(
            "INSERT INTO events (organizer_id, name, venue, description, image_url, starts_at, "
            "ends_at, capacity, tickets_sold, status, code_policy, currency, created_at, "
            "updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'active', ?, ?, ?, ?) RETURNING id",
            e.organizer_id, e.name, e.venue, e.description, e.image_url, e.starts_at, e.ends_at,
            e.capacity, domain::to_string(e.code_policy), e.currency, e.created_at, e.created_at);
        if (!event_row.ok()) return fail(failure(event_row.error()));
        const std::int64_t id = *event_row;
        for (const auto& t : e.tiers) {
            GATE_TRY_DB(db.execute(
                "INSERT INTO event_tiers (event_id, tier, name, price_cents, ticket_limit, sold) "
                "VALUES (?, ?, ?, ?, ?, 0)",
                id, t.index, t.name, t.price_cents, t.limit));
        }
        auto key_row = db.query_one<std::int64_t>(
            "INSERT INTO issuer_keys (event_id, public_key, sealed_secret, retired, created_at) "
            "VALUES (?, ?, ?, 0, ?) RETURNING id",
            id, key.public_key, ByteView(key.sealed_secret), e.created_at);
        if (!key_row.ok()) return fail(failure(key_row.error()));
        GATE_TRY_DB(add_change(db, id, "issuer_key", *key_row, e.created_at));
        // Every event starts with a default check-in list that admits all tiers once.
        GATE_TRY_DB(db.execute(
            "INSERT INTO checkin_lists (event_id, name, tiers, reentry, accept_unknown) VALUES "
            "(?, 'All tickets', '', 'single', 1)",
            id));
        auto created = load_event(db, id);
        if (!created.ok()) return fail(failure(created.error()));
        return std::move(**created);
    });
}

StoreResult<EventPage> SqlStore::list_events(const EventFilter& f) {
    Pool::Lease db(pool_, pool_.take());
    // One fixed statement; absent filters are NULL parameters.
    static constexpr std::string_view kWhere =
        "WHERE (?1 = 'all' OR (?1 = 'upcoming' AND e.starts_at > ?2) OR (?1 = 'active' AND "
        "e.starts_at <= ?2 AND e.ends_at > ?2) OR (?1 = 'current' AND e.ends_at > ?2) OR (?1 = "
        "'past' AND e.ends_at <= ?2)) AND (?3 IS NULL OR e.status = ?3) AND (?4 IS NULL OR "
        "e.venue = ?4) AND (?5 IS NULL OR LOWER(e.name) LIKE LOWER(?5) ESCAPE '\\') AND (?6 IS "
        "NULL OR "
        "e.organizer_id = ?6) AND (?7 IS NULL OR e.starts_at >= ?7) AND (?8 IS NULL OR "
        "e.starts_at < ?8) ";
    std::optional<std::string> like;
    if (f.name_contains) like = like_pattern(*f.name_contains);
    EventPage page;
    const std::string count_sql = "SELECT COUNT(*) FROM events e " + std::string(kWhere);
    auto total = db->query_one<std::int64_t>(count_sql, f.when, f.now, f.status, f.venue, like,
                                             f.organizer_id, f.starts_after, f.starts_before);
    if (!total.ok()) return fail(failure(total.error()));
    page.total = *total;
    const std::string sql = std::string(kSelectEvent) + std::string(kWhere) +
                            "ORDER BY e.starts_at, e.id LIMIT ?9 OFFSET ?10";
    GATE_TRY_DB(rows(
        *db, sql, [&](const db::Statement& s) { page.events.push_back(read_event(s)); }, f.when,
        f.now, f.status, f.venue, like, f.organizer_id, f.starts_after, f.starts_before, f.limit,
        f.offset));
    for (auto& e : page.events)
        GATE_TRY_DB(load_tiers(*db, e));
    return page;
}

StoreResult<std::optional<Event>> SqlStore::get_event(std::int64_t id) {
    Pool::Lease db(pool_, pool_.take());
    auto e = load_event(*db, id);
    if (!e.ok()) return fail(failure(e.error()));
    return std::move(*e);
}

StoreResult<Event> SqlStore::update_event(std::int64_t id, const EventPatch& p, std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<Event> {
        auto current = load_event(db, id);
        if (!current.ok()) return fail(failure(current.error()));
        if (!current->has_value()) return fail(not_found("event"));
        const Event& e = **current;
        const auto starts = p.starts_at.value_or(e.starts_at);
        const auto ends = p.ends_at.value_or(e.ends_at);
        if (ends <= starts)
            return fail(domain::invalid("ends_at", "ends_at must be after starts_at"));
        const auto capacity = p.capacity.value_or(e.capacity);
        std::int64_t sellable = 0;
        for (const auto& t : e.tiers)
            sellable += t.limit;
        if (capacity > sellable)
            return fail(domain::invalid("capacity", "capacity is more than the tiers can sell (" +
                                                        std::to_string(sellable) + ")"));
        if (capacity < e.sold)
            return fail(conflict(
                "capacity_below_sold",
                "capacity cannot go below the " + std::to_string(e.sold) + " tickets sold"));
        const auto status = p.status.value_or(e.status);
        const auto code_policy = p.code_policy.value_or(e.code_policy);
        auto refunded = db.query_one<std::int64_t>(
            "SELECT EXISTS (SELECT 1 FROM refunds r JOIN tickets t ON t.id = r.ticket_id "
            "WHERE t.event_id = ?)",
            id);
        if (!refunded.ok()) return fail(failure(refunded.error()));
        if (auto refused = domain::event_status_change_refusal(e.status, status, *refunded != 0))
            return fail(std::move(*refused));
        GATE_TRY_DB(db.execute(
            "UPDATE events SET name = ?, venue = ?, description = ?, image_url = ?, starts_at = ?, "
            "ends_at = ?, capacity = ?, status = ?, code_policy = ?, updated_at = ? WHERE id = ?",
            p.name.value_or(e.name), p.venue.value_or(e.venue),
            p.description.value_or(e.description), p.image_url.value_or(e.image_url), starts, ends,
            capacity, domain::to_string(status), domain::to_string(code_policy), now, id));
        // Devices hold the event's status and code policy in their assignment
        // (event.cancelled, code.rotating_required at the gate). Each ticket's public status
        // follows the event's (cancelled): the chain must too.
        if (status != e.status || code_policy != e.code_policy)
            GATE_TRY_DB(add_change(db, id, "assignment", id, now));
        if (status != e.status) GATE_TRY_DB(mark_event_chain_dirty(db, id));
        // Every update of a cancelled event opens the refunds still missing (a sale that
        // completed while the cancel ran), so none is ever left out and none made twice.
        if (status == domain::EventStatus::Cancelled) GATE_TRY_DB(open_refunds(db, id, now));
        auto updated = load_event(db, id);
        if (!updated.ok()) return fail(failure(updated.error()));
        return std::move(**updated);
    });
}

StoreResult<EventStats> SqlStore::event_stats(std::int64_t id) {
    Pool::Lease db(pool_, pool_.take());
    auto tx = db->begin(db::TransactionKind::Deferred);  // one consistent view
    if (!tx.ok()) return fail(failure(tx.error()));
    auto event = load_event(*db, id);
    if (!event.ok()) return fail(failure(event.error()));
    if (!event->has_value()) return fail(not_found("event"));
    EventStats stats;
    stats.capacity = (*event)->capacity;
    for (const auto& t : (*event)->tiers)
        stats.tiers.push_back({t.index, t.name, 0, t.limit});
    GATE_TRY_DB(rows(
        *db, "SELECT tier, COUNT(*) FROM tickets WHERE event_id = ? GROUP BY tier",
        [&](const db::Statement& s) {
            for (auto& t : stats.tiers)
                if (t.tier == s.column_int64(0)) t.sold = s.column_int64(1);
            stats.sold += s.column_int64(1);
        },
        id));
    auto inside = db->query_one<std::int64_t>(
        "SELECT COUNT(*) FROM entries e WHERE e.event_id = ? AND e.direction = 'in' AND e.id = "
        "(SELECT x.id FROM entries x WHERE x.ticket_id = e.ticket_id ORDER BY x.at DESC, x.id "
        "DESC LIMIT 1)",
        id);
    if (!inside.ok()) return fail(failure(inside.error()));
    stats.inside_now = *inside;
    GATE_TRY_DB(rows(
        *db,
        "SELECT gate, COUNT(*) FROM entries WHERE event_id = ? AND direction = 'in' GROUP BY "
        "gate ORDER BY gate",
        [&](const db::Statement& s) {
            stats.gates.push_back({std::string(s.column_text(0)), s.column_int64(1)});
        },
        id));
    auto conflicts = db->query_one<std::int64_t>(
        "SELECT COUNT(*) FROM entries WHERE event_id = ? AND conflict = 1", id);
    if (!conflicts.ok()) return fail(failure(conflicts.error()));
    stats.conflicts = *conflicts;
    auto rejected = db->query_one<std::int64_t>(
        "SELECT COUNT(*) FROM validations WHERE event_id = ? AND verdict = 'rejected'", id);
    if (!rejected.ok()) return fail(failure(rejected.error()));
    stats.rejected_scans = *rejected;
    auto flagged = db->query_one<std::int64_t>(
        "SELECT COUNT(*) FROM validations WHERE event_id = ? AND clock_flag IS NOT NULL", id);
    if (!flagged.ok()) return fail(failure(flagged.error()));
    stats.clock_flagged = *flagged;
    return stats;
}

StoreResult<std::vector<IssuerKeyRecord>> SqlStore::issuer_keys(std::int64_t event_id) {
    Pool::Lease db(pool_, pool_.take());
    std::vector<IssuerKeyRecord> keys;
    GATE_TRY_DB(rows(
        *db,
        "SELECT id, event_id, public_key, sealed_secret, retired, created_at FROM issuer_keys "
        "WHERE event_id = ? ORDER BY id",
        [&](const db::Statement& s) {
            const auto blob = s.column_blob(3);
            keys.push_back({s.column_int64(0), s.column_int64(1), std::string(s.column_text(2)),
                            Bytes(blob.begin(), blob.end()), s.column_int64(4) != 0,
                            s.column_int64(5)});
        },
        event_id));
    return keys;
}

StoreResult<std::int64_t> SqlStore::events_version() {
    Pool::Lease db(pool_, pool_.take());
    auto version =
        db->query_one<std::int64_t>("SELECT value FROM store_meta WHERE name = 'events_version'");
    if (!version.ok()) return fail(failure(version.error()));
    return *version;
}

}  // namespace gate::backend::sql
