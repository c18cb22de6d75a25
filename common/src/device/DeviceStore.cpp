#include "gate/device/DeviceStore.h"

#include <array>
#include <bit>
#include <tuple>

#include "gate/db/Migration.h"

namespace gate::device {
namespace {

// Never edit a released migration; add one (docs/sqlite.md).
constexpr std::array<db::Migration, 2> kMigrations = {{
    {1, R"sql(
CREATE TABLE assignment (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    event_id INTEGER NOT NULL,
    gate     TEXT NOT NULL,
    body     TEXT NOT NULL            -- the assignment JSON of docs/sync-protocol.md
);
CREATE TABLE issuer_key (
    public_key TEXT PRIMARY KEY,      -- base58
    event_id   INTEGER NOT NULL,
    retired    INTEGER NOT NULL CHECK (retired IN (0, 1))
);
CREATE TABLE ticket (
    ticket_id  INTEGER PRIMARY KEY,   -- the 64-bit id read as signed
    tier       INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('valid', 'revoked', 'frozen'))
);
CREATE TABLE inside (
    ticket_id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    at        INTEGER NOT NULL,       -- Unix ms, server time as best known
    gate      TEXT NOT NULL
);
CREATE TABLE scan (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    nonce           TEXT NOT NULL UNIQUE,
    device_id       INTEGER NOT NULL,
    ticket_id       INTEGER,          -- NULL when the code did not parse
    event_id        INTEGER NOT NULL,
    generation      INTEGER NOT NULL,
    gate            TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    verdict         TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
    reason          TEXT NOT NULL,
    scanned_at      INTEGER NOT NULL,
    clock_offset_ms INTEGER NOT NULL,
    synced          INTEGER NOT NULL DEFAULT 0 CHECK (synced IN (0, 1))
);
CREATE INDEX scan_pending ON scan (id) WHERE synced = 0;
CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    device_id       INTEGER NOT NULL DEFAULT 0,
    backend_url     TEXT NOT NULL DEFAULT '',
    cursor          INTEGER NOT NULL DEFAULT 0,
    last_sync_at    INTEGER,          -- last successful exchange, Unix ms
    last_attempt_at INTEGER,          -- last exchange tried, Unix ms
    clock_offset_ms INTEGER NOT NULL DEFAULT 0,
    online          INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
    last_error      TEXT NOT NULL DEFAULT ''
);
INSERT INTO sync_state (id) VALUES (1);
)sql"},
    // Scans the backend refuses one by one (a record it can never accept) leave
    // the queue so they cannot block it, but stay on the device with the reason.
    {2, R"sql(
CREATE TABLE scan_refused (
    nonce      TEXT PRIMARY KEY REFERENCES scan (nonce),
    reason     TEXT NOT NULL,
    refused_at INTEGER NOT NULL       -- Unix ms
);
)sql"},
}};

template <class T>
Failure<db::Error> bad_row(std::string_view what, const T& detail) {
    return fail(db::Error{db::ErrorCode::Type, 0, std::string(what) + ": " + detail, ""});
}

// Runs `body` inside one IMMEDIATE transaction and commits it.
template <class Body>
Status<db::Error> in_transaction(db::Database& db, Body&& body) {
    auto tx = db.begin(db::TransactionKind::Immediate);
    if (!tx) return fail(tx.error());
    if (Status<db::Error> done = body(); !done) return done;
    return tx->commit();
}

}  // namespace

std::int64_t to_column(std::uint64_t ticket_id) noexcept {
    return std::bit_cast<std::int64_t>(ticket_id);
}

std::uint64_t from_column(std::int64_t stored) noexcept {
    return std::bit_cast<std::uint64_t>(stored);
}

Result<DeviceStore, db::Error> DeviceStore::open(const std::filesystem::path& path,
                                                 const db::OpenOptions& options) {
    auto opened = db::Database::open(path, options);
    if (!opened) return fail(opened.error());
    if (!options.read_only) {
        if (auto migrated = db::migrate(*opened, kMigrations); !migrated)
            return fail(migrated.error());
    }
    return DeviceStore(std::move(opened).value());
}

// ---- cache writes -----------------------------------------------------------------------

Status<db::Error> DeviceStore::write_assignment(const Assignment& assignment) {
    return db_.execute(
        "INSERT INTO assignment (id, event_id, gate, body) VALUES (1, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, gate = excluded.gate, "
        "body = excluded.body",
        assignment.event_id, assignment.gate, to_json(assignment).dump());
}

Status<db::Error> DeviceStore::upsert_ticket(const TicketRecord& ticket) {
    return db_.execute(
        "INSERT INTO ticket (ticket_id, tier, generation, status) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (ticket_id) DO UPDATE SET tier = excluded.tier, "
        "generation = excluded.generation, status = excluded.status",
        to_column(ticket.ticket_id), ticket.tier, ticket.generation, to_string(ticket.status));
}

Status<db::Error> DeviceStore::upsert_key(const IssuerKeyRecord& key) {
    return db_.execute(
        "INSERT INTO issuer_key (public_key, event_id, retired) VALUES (?, ?, ?) "
        "ON CONFLICT (public_key) DO UPDATE SET event_id = excluded.event_id, "
        "retired = excluded.retired",
        key.public_key.to_base58(), key.event_id, key.retired);
}

// The later scan wins; a tie goes to the one applied last.
Status<db::Error> DeviceStore::merge_last_scan(const InsideRecord& scan) {
    return db_.execute(
        "INSERT INTO inside (ticket_id, direction, at, gate) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (ticket_id) DO UPDATE SET direction = excluded.direction, "
        "at = excluded.at, gate = excluded.gate WHERE excluded.at >= inside.at",
        to_column(scan.ticket_id), to_string(scan.direction), scan.at, scan.gate);
}

Status<db::Error> DeviceStore::apply_snapshot(const Snapshot& snapshot) {
    ++local_writes_;
    return in_transaction(db_, [&]() -> Status<db::Error> {
        if (auto s = db_.exec("DELETE FROM issuer_key; DELETE FROM ticket; DELETE FROM inside;");
            !s)
            return s;
        if (auto s = write_assignment(snapshot.assignment); !s) return s;
        for (const auto& key : snapshot.issuer_keys)
            if (auto s = upsert_key(key); !s) return s;
        for (const auto& ticket : snapshot.tickets)
            if (auto s = upsert_ticket(ticket); !s) return s;
        for (const auto& scan : snapshot.inside)
            if (auto s = merge_last_scan(scan); !s) return s;
        // This device's own admissions may not have reached the backend yet: keep them.
        if (auto s = db_.execute(
                "INSERT INTO inside (ticket_id, direction, at, gate) "
                "SELECT ticket_id, direction, scanned_at + clock_offset_ms, gate FROM scan "
                "WHERE verdict = 'accepted' AND ticket_id IS NOT NULL AND event_id = ? "
                "ORDER BY id "
                "ON CONFLICT (ticket_id) DO UPDATE SET direction = excluded.direction, "
                "at = excluded.at, gate = excluded.gate WHERE excluded.at >= inside.at",
                snapshot.assignment.event_id);
            !s)
            return s;
        return db_.execute("UPDATE sync_state SET cursor = ? WHERE id = 1", snapshot.cursor);
    });
}

Status<db::Error> DeviceStore::apply_changes(const ChangesPage& page) {
    ++local_writes_;
    return in_transaction(db_, [&]() -> Status<db::Error> {
        auto cursor = db_.query_one<std::int64_t>("SELECT cursor FROM sync_state WHERE id = 1");
        if (!cursor) return fail(cursor.error());
        for (const auto& change : page.changes) {
            if (change.seq <= *cursor) continue;  // already applied
            Status<db::Error> applied = std::visit(
                [&](const auto& payload) -> Status<db::Error> {
                    using P = std::decay_t<decltype(payload)>;
                    if constexpr (std::is_same_v<P, TicketRecord>) return upsert_ticket(payload);
                    if constexpr (std::is_same_v<P, InsideRecord>) return merge_last_scan(payload);
                    if constexpr (std::is_same_v<P, IssuerKeyRecord>) return upsert_key(payload);
                    if constexpr (std::is_same_v<P, Assignment>) return write_assignment(payload);
                },
                change.payload);
            if (!applied) return applied;
        }
        return db_.execute("UPDATE sync_state SET cursor = max(cursor, ?) WHERE id = 1",
                           page.cursor);
    });
}

Status<db::Error> DeviceStore::set_assignment(const Assignment& assignment) {
    ++local_writes_;
    return in_transaction(db_, [&] { return write_assignment(assignment); });
}

// ---- reads ------------------------------------------------------------------------------

Result<std::optional<Assignment>, db::Error> DeviceStore::assignment() {
    auto body = db_.query_optional<std::string>("SELECT body FROM assignment WHERE id = 1");
    if (!body) return fail(body.error());
    if (!body->has_value()) return std::optional<Assignment>{};
    auto parsed = parse_message<Assignment>(**body);
    if (!parsed) return bad_row("stored assignment", parsed.error().message);
    return std::optional<Assignment>{std::move(parsed).value()};
}

Result<std::vector<IssuerKeyRecord>, db::Error> DeviceStore::issuer_keys() {
    std::vector<IssuerKeyRecord> keys;
    std::optional<std::string> broken;
    auto read = db_.for_each<std::string, std::int64_t, bool>(
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
    if (broken) return bad_row("stored issuer key", *broken);
    return keys;
}

Result<TicketState, db::Error> DeviceStore::ticket_state(std::uint64_t ticket_id) {
    TicketState state;
    auto row = db_.query_optional<std::int64_t, std::int64_t, std::string>(
        "SELECT tier, generation, status FROM ticket WHERE ticket_id = ?", to_column(ticket_id));
    if (!row) return fail(row.error());
    if (row->has_value()) {
        const auto& [tier, generation, status] = **row;
        auto parsed_status = ticket_status_from_string(status);
        if (!parsed_status || tier < 0 || tier > 255 || generation < 0 || generation > 0xFFFFFFFF)
            return bad_row("stored ticket", std::to_string(ticket_id));
        state.ticket = TicketRecord{ticket_id, static_cast<std::uint8_t>(tier),
                                    static_cast<std::uint32_t>(generation), *parsed_status};
    }
    auto last = db_.query_optional<std::string, std::int64_t, std::string>(
        "SELECT direction, at, gate FROM inside WHERE ticket_id = ?", to_column(ticket_id));
    if (!last) return fail(last.error());
    if (last->has_value()) {
        const auto& [direction, at, gate] = **last;
        auto parsed_direction = direction_from_string(direction);
        if (!parsed_direction) return bad_row("stored last scan", std::to_string(ticket_id));
        state.last_scan = InsideRecord{ticket_id, *parsed_direction, at, gate};
    }
    return state;
}

Result<std::int64_t, db::Error> DeviceStore::ticket_count() {
    return db_.query_one<std::int64_t>("SELECT count(*) FROM ticket");
}

// ---- scan queue -------------------------------------------------------------------------

Status<db::Error> DeviceStore::record_scan(const EntryRecord& scan) {
    return in_transaction(db_, [&]() -> Status<db::Error> {
        std::optional<std::int64_t> ticket;
        if (scan.ticket_id) ticket = to_column(*scan.ticket_id);
        if (auto s = db_.execute(
                "INSERT INTO scan (nonce, device_id, ticket_id, event_id, generation, gate, "
                "direction, verdict, reason, scanned_at, clock_offset_ms) "
                "VALUES (?, (SELECT device_id FROM sync_state WHERE id = 1), "
                "?, ?, ?, ?, ?, ?, ?, ?, ?)",
                scan.nonce, ticket, scan.event_id, scan.generation, scan.gate,
                to_string(scan.direction), to_string(scan.verdict), scan.reason, scan.scanned_at,
                scan.clock_offset_ms);
            !s)
            return s;
        if (scan.verdict == Verdict::Accepted && scan.ticket_id) {
            return merge_last_scan({*scan.ticket_id, scan.direction,
                                    scan.scanned_at + scan.clock_offset_ms, scan.gate});
        }
        return {};
    });
}

Result<std::vector<EntryRecord>, db::Error> DeviceStore::pending_scans(std::size_t limit) {
    std::vector<EntryRecord> out;
    bool broken = false;
    auto read = db_.for_each<std::string, std::optional<std::int64_t>, std::int64_t, std::int64_t,
                             std::string, std::string, std::string, std::string, std::int64_t,
                             std::int64_t>(
        "SELECT nonce, ticket_id, event_id, generation, gate, direction, verdict, reason, "
        "scanned_at, clock_offset_ms FROM scan WHERE synced = 0 ORDER BY id LIMIT ?",
        [&](std::string nonce, std::optional<std::int64_t> ticket, std::int64_t event_id,
            std::int64_t generation, std::string gate, const std::string& direction,
            const std::string& verdict, std::string reason, std::int64_t scanned_at,
            std::int64_t offset) {
            auto d = direction_from_string(direction);
            auto v = verdict_from_string(verdict);
            if (!d || !v) {
                broken = true;
                return;
            }
            EntryRecord record;
            record.nonce = std::move(nonce);
            if (ticket) record.ticket_id = from_column(*ticket);
            record.event_id = static_cast<std::uint32_t>(event_id);
            record.generation = static_cast<std::uint32_t>(generation);
            record.gate = std::move(gate);
            record.direction = *d;
            record.verdict = *v;
            record.reason = std::move(reason);
            record.scanned_at = scanned_at;
            record.clock_offset_ms = offset;
            out.push_back(std::move(record));
        },
        static_cast<std::int64_t>(limit));
    if (!read) return fail(read.error());
    if (broken) return bad_row("stored scan", "direction or verdict");
    return out;
}

Result<std::int64_t, db::Error> DeviceStore::mark_synced(std::span<const std::string> nonces) {
    std::int64_t changed = 0;
    auto done = in_transaction(db_, [&]() -> Status<db::Error> {
        for (const auto& nonce : nonces) {
            if (auto s =
                    db_.execute("UPDATE scan SET synced = 1 WHERE nonce = ? AND synced = 0", nonce);
                !s)
                return s;
            changed += db_.changes();
        }
        return {};
    });
    if (!done) return fail(done.error());
    return changed;
}

Status<db::Error> DeviceStore::mark_refused(std::string_view nonce, std::string_view reason,
                                            std::int64_t at_ms) {
    return in_transaction(db_, [&]() -> Status<db::Error> {
        if (auto s = db_.execute(
                "INSERT OR REPLACE INTO scan_refused (nonce, reason, refused_at) VALUES (?, ?, ?)",
                nonce, reason, at_ms);
            !s)
            return s;
        return db_.execute("UPDATE scan SET synced = 1 WHERE nonce = ?", nonce);
    });
}

Result<std::int64_t, db::Error> DeviceStore::refused_count() {
    return db_.query_one<std::int64_t>("SELECT count(*) FROM scan_refused");
}

Result<std::int64_t, db::Error> DeviceStore::scan_count(std::string_view nonce) {
    return db_.query_one<std::int64_t>("SELECT count(*) FROM scan WHERE nonce = ?", nonce);
}

Result<ScanStats, db::Error> DeviceStore::stats() {
    ScanStats stats;
    auto counts = db_.query_one<std::int64_t, std::int64_t, std::int64_t>(
        "SELECT coalesce(sum(verdict = 'accepted'), 0), coalesce(sum(verdict = 'rejected'), 0), "
        "coalesce(sum(synced = 0), 0) FROM scan");
    if (!counts) return fail(counts.error());
    std::tie(stats.accepted, stats.rejected, stats.pending) = *counts;
    auto inside = db_.query_one<std::int64_t>("SELECT count(*) FROM inside WHERE direction = 'in'");
    if (!inside) return fail(inside.error());
    stats.inside_now = *inside;
    auto reasons = db_.for_each<std::string, std::int64_t>(
        "SELECT reason, count(*) AS n FROM scan GROUP BY reason ORDER BY n DESC, reason",
        [&](std::string reason, std::int64_t n) {
            stats.by_reason.emplace_back(std::move(reason), n);
        });
    if (!reasons) return fail(reasons.error());
    return stats;
}

Result<DeviceStore::Version, db::Error> DeviceStore::version() {
    auto data_version = db_.query_one<std::int64_t>("PRAGMA data_version");
    if (!data_version) return fail(data_version.error());
    return Version{*data_version, local_writes_};
}

// ---- sync status ------------------------------------------------------------------------

Result<SyncStatus, db::Error> DeviceStore::sync_status() {
    auto row = db_.query_one<std::int64_t, std::string, std::int64_t, std::optional<std::int64_t>,
                             std::optional<std::int64_t>, std::int64_t, bool, std::string>(
        "SELECT device_id, backend_url, cursor, last_sync_at, last_attempt_at, clock_offset_ms, "
        "online, last_error FROM sync_state WHERE id = 1");
    if (!row) return fail(row.error());
    SyncStatus status;
    std::tie(status.device_id, status.backend_url, status.cursor, status.last_sync_at,
             status.last_attempt_at, status.clock_offset_ms, status.online, status.last_error) =
        std::move(row).value();
    auto depth = db_.query_one<std::int64_t>("SELECT count(*) FROM scan WHERE synced = 0");
    if (!depth) return fail(depth.error());
    status.queue_depth = *depth;
    return status;
}

Status<db::Error> DeviceStore::set_identity(std::int64_t device_id, std::string_view backend_url) {
    ++local_writes_;
    return in_transaction(db_, [&] {
        return db_.execute("UPDATE sync_state SET device_id = ?, backend_url = ? WHERE id = 1",
                           device_id, backend_url);
    });
}

Status<db::Error> DeviceStore::record_sync_success(std::int64_t at_ms,
                                                   std::int64_t clock_offset_ms) {
    ++local_writes_;
    return in_transaction(db_, [&] {
        return db_.execute(
            "UPDATE sync_state SET online = 1, last_sync_at = ?1, last_attempt_at = ?1, "
            "clock_offset_ms = ?2, last_error = '' WHERE id = 1",
            at_ms, clock_offset_ms);
    });
}

Status<db::Error> DeviceStore::record_sync_failure(std::int64_t at_ms, std::string_view error) {
    ++local_writes_;
    return in_transaction(db_, [&] {
        return db_.execute(
            "UPDATE sync_state SET online = 0, last_attempt_at = ?, last_error = ? WHERE id = 1",
            at_ms, error);
    });
}

}  // namespace gate::device
