#include "gate/device/DeviceStore.h"

#include <array>
#include <bit>
#include <tuple>

#include "gate/db/Migration.h"

namespace gate::device {

using namespace gate::domain;
namespace {

// Never edit a released migration; add one (docs/sqlite.md).
constexpr std::array<db::Migration, 3> kMigrations = {{
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
    // Chain check-ins (gate-syncd's chain recorder): tickets learn their NFT's mint; the
    // first accepted entry of a ticket with a mint queues one check-in; signed transactions
    // are stored before they are sent, so a restart can find out what became of them.
    {3, R"sql(
ALTER TABLE ticket ADD COLUMN mint TEXT;   -- base58; NULL until the NFT is issued
CREATE INDEX scan_accepted_ticket ON scan (ticket_id) WHERE verdict = 'accepted';
CREATE TABLE chain_tx (
    signature               TEXT PRIMARY KEY,   -- base58, the transaction's id
    body                    BLOB NOT NULL,      -- the signed wire transaction
    blockhash               TEXT NOT NULL,      -- base58
    last_valid_block_height INTEGER NOT NULL,
    sent_at                 INTEGER NOT NULL,   -- Unix ms
    state                   TEXT NOT NULL DEFAULT 'in_flight'
                            CHECK (state IN ('in_flight', 'landed', 'dropped', 'failed')),
    settled_at              INTEGER             -- Unix ms
);
CREATE INDEX chain_tx_in_flight ON chain_tx (sent_at) WHERE state = 'in_flight';
CREATE TABLE chain_checkin (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL UNIQUE,          -- one check-in per ticket, ever
    mint      TEXT NOT NULL,                    -- base58
    gate      TEXT NOT NULL,
    at        INTEGER NOT NULL,                 -- the scan's scanned_at, Unix ms
    state     TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'in_flight', 'confirmed', 'failed')),
    signature TEXT REFERENCES chain_tx (signature),  -- in flight or landed in
    position  INTEGER,                          -- its place in that transaction
    error     TEXT NOT NULL DEFAULT ''          -- failed: the chain's reason
);
CREATE INDEX chain_checkin_open ON chain_checkin (state, id) WHERE state IN ('pending', 'in_flight');
CREATE INDEX chain_checkin_tx ON chain_checkin (signature);
CREATE TABLE chain_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_success_at INTEGER,                    -- Unix ms
    last_attempt_at INTEGER,                    -- Unix ms
    last_error      TEXT NOT NULL DEFAULT ''
);
INSERT INTO chain_state (id) VALUES (1);
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

std::optional<std::string> mint_column(const std::optional<crypto::PublicKey>& mint) {
    if (!mint) return std::nullopt;
    return mint->to_base58();
}

}  // namespace

std::string_view to_string(CheckinState state) noexcept {
    switch (state) {
        case CheckinState::Pending:
            return "pending";
        case CheckinState::InFlight:
            return "in_flight";
        case CheckinState::Confirmed:
            return "confirmed";
        case CheckinState::Failed:
            return "failed";
    }
    return "pending";
}

namespace {

std::optional<CheckinState> checkin_state_from_string(std::string_view text) {
    for (auto s : {CheckinState::Pending, CheckinState::InFlight, CheckinState::Confirmed,
                   CheckinState::Failed}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
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
        "INSERT INTO ticket (ticket_id, tier, generation, status, mint) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (ticket_id) DO UPDATE SET tier = excluded.tier, "
        "generation = excluded.generation, status = excluded.status, mint = excluded.mint",
        to_column(ticket.ticket_id), ticket.tier, ticket.generation, to_string(ticket.status),
        mint_column(ticket.mint));
}

// The first accepted entry of each ticket with a known mint becomes its check-in (of one
// ticket, or of all). A ticket that has one keeps it: later scans add nothing.
Status<db::Error> DeviceStore::queue_checkins(std::optional<std::uint64_t> ticket_id) {
    std::optional<std::int64_t> only;
    if (ticket_id) only = to_column(*ticket_id);
    return db_.execute(
        "INSERT OR IGNORE INTO chain_checkin (ticket_id, mint, gate, at) "
        "SELECT t.ticket_id, t.mint, s.gate, s.scanned_at FROM ticket t "
        "JOIN scan s ON s.id = (SELECT min(id) FROM scan WHERE ticket_id = t.ticket_id "
        "AND verdict = 'accepted' AND direction = 'in') "
        "WHERE t.mint IS NOT NULL AND (?1 IS NULL OR t.ticket_id = ?1) "
        "AND NOT EXISTS (SELECT 1 FROM chain_checkin c WHERE c.ticket_id = t.ticket_id) "
        "ORDER BY s.id",
        only);
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
        if (auto s = queue_checkins(std::nullopt); !s) return s;
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
                    if constexpr (std::is_same_v<P, TicketRecord>) {
                        if (auto s = upsert_ticket(payload); !s || !payload.mint) return s;
                        return queue_checkins(payload.ticket_id);
                    }
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
    auto row =
        db_.query_optional<std::int64_t, std::int64_t, std::string, std::optional<std::string>>(
            "SELECT tier, generation, status, mint FROM ticket WHERE ticket_id = ?",
            to_column(ticket_id));
    if (!row) return fail(row.error());
    if (row->has_value()) {
        const auto& [tier, generation, status, mint] = **row;
        auto parsed_status = ticket_status_from_string(status);
        if (!parsed_status || tier < 0 || tier > 255 || generation < 0 || generation > 0xFFFFFFFF)
            return bad_row("stored ticket", std::to_string(ticket_id));
        state.ticket =
            TicketRecord{ticket_id, static_cast<std::uint8_t>(tier),
                         static_cast<std::uint32_t>(generation), *parsed_status, std::nullopt};
        if (mint) {
            auto key = crypto::PublicKey::from_base58(*mint);
            if (!key) return bad_row("stored ticket mint", std::to_string(ticket_id));
            state.ticket->mint = *key;
        }
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
            if (auto s = merge_last_scan({*scan.ticket_id, scan.direction,
                                          scan.scanned_at + scan.clock_offset_ms, scan.gate});
                !s)
                return s;
            // An entry of a ticket whose NFT is known queues its chain check-in (once).
            if (scan.direction == Direction::In) {
                return db_.execute(
                    "INSERT OR IGNORE INTO chain_checkin (ticket_id, mint, gate, at) "
                    "SELECT ticket_id, mint, ?, ? FROM ticket "
                    "WHERE ticket_id = ? AND mint IS NOT NULL",
                    scan.gate, scan.scanned_at, to_column(*scan.ticket_id));
            }
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

// ---- chain check-ins -------------------------------------------------------------------

namespace {

constexpr std::string_view kCheckinColumns =
    "SELECT ticket_id, mint, gate, at, state, coalesce(signature, ''), error FROM chain_checkin ";

Result<std::vector<ChainCheckin>, db::Error> read_checkins(db::Database& db, std::string_view sql,
                                                           std::int64_t arg) {
    std::vector<ChainCheckin> out;
    std::optional<std::int64_t> broken;
    auto read = db.for_each<std::int64_t, std::string, std::string, std::int64_t, std::string,
                            std::string, std::string>(
        sql,
        [&](std::int64_t ticket, const std::string& mint, std::string gate, std::int64_t at,
            const std::string& state, std::string signature, std::string error) {
            auto key = crypto::PublicKey::from_base58(mint);
            auto parsed = checkin_state_from_string(state);
            if (!key || !parsed) {
                broken = ticket;
                return;
            }
            out.push_back({from_column(ticket), *key, std::move(gate), at, *parsed,
                           std::move(signature), std::move(error)});
        },
        arg);
    if (!read) return fail(read.error());
    if (broken) return bad_row("stored check-in", std::to_string(from_column(*broken)));
    return out;
}

}  // namespace

Result<std::vector<ChainCheckin>, db::Error> DeviceStore::pending_checkins(std::size_t limit) {
    return read_checkins(
        db_, std::string(kCheckinColumns) + "WHERE state = 'pending' ORDER BY id LIMIT ?",
        static_cast<std::int64_t>(limit));
}

Result<std::optional<ChainCheckin>, db::Error> DeviceStore::checkin(std::uint64_t ticket_id) {
    auto rows = read_checkins(db_, std::string(kCheckinColumns) + "WHERE ticket_id = ?",
                              to_column(ticket_id));
    if (!rows) return fail(rows.error());
    if (rows->empty()) return std::optional<ChainCheckin>{};
    return std::optional<ChainCheckin>{std::move(rows->front())};
}

Status<db::Error> DeviceStore::begin_chain_transaction(const ChainTransaction& tx) {
    if (tx.last_valid_block_height > 0x7fffffffffffffffULL) {
        return bad_row("chain transaction", "block height out of range");
    }
    return in_transaction(db_, [&]() -> Status<db::Error> {
        if (auto s = db_.execute(
                "INSERT INTO chain_tx (signature, body, blockhash, last_valid_block_height, "
                "sent_at) VALUES (?, ?, ?, ?, ?)",
                tx.signature, tx.body, tx.blockhash,
                static_cast<std::int64_t>(tx.last_valid_block_height), tx.sent_at);
            !s)
            return s;
        std::int64_t position = 0;
        for (const auto ticket : tx.ticket_ids) {
            if (auto s = db_.execute(
                    "UPDATE chain_checkin SET state = 'in_flight', signature = ?, position = ? "
                    "WHERE ticket_id = ? AND state = 'pending'",
                    tx.signature, position++, to_column(ticket));
                !s)
                return s;
            if (db_.changes() != 1) {
                // Rolled back with the transaction: nothing is half-claimed.
                return fail(db::Error{db::ErrorCode::Constraint, 0,
                                      "check-in of ticket " + std::to_string(ticket) +
                                          " is not pending; not sending it again",
                                      ""});
            }
        }
        return {};
    });
}

Result<std::vector<ChainTransaction>, db::Error> DeviceStore::in_flight_transactions() {
    std::vector<ChainTransaction> out;
    auto read = db_.for_each<std::string, Bytes, std::string, std::int64_t, std::int64_t>(
        "SELECT signature, body, blockhash, last_valid_block_height, sent_at FROM chain_tx "
        "WHERE state = 'in_flight' ORDER BY sent_at, rowid",
        [&](std::string signature, Bytes body, std::string blockhash, std::int64_t height,
            std::int64_t sent_at) {
            out.push_back({std::move(signature),
                           std::move(body),
                           std::move(blockhash),
                           static_cast<std::uint64_t>(height),
                           sent_at,
                           {}});
        });
    if (!read) return fail(read.error());
    for (auto& tx : out) {
        auto tickets = db_.for_each<std::int64_t>(
            "SELECT ticket_id FROM chain_checkin WHERE signature = ? AND state = 'in_flight' "
            "ORDER BY position",
            [&](std::int64_t ticket) { tx.ticket_ids.push_back(from_column(ticket)); },
            tx.signature);
        if (!tickets) return fail(tickets.error());
    }
    return out;
}

Status<db::Error> DeviceStore::settle(std::string_view signature, std::string_view tx_state,
                                      std::string_view checkin_state, std::int64_t at_ms) {
    if (auto s = db_.execute("UPDATE chain_tx SET state = ?, settled_at = ? WHERE signature = ? "
                             "AND state = 'in_flight'",
                             tx_state, at_ms, signature);
        !s)
        return s;
    if (checkin_state == "confirmed") {
        return db_.execute(
            "UPDATE chain_checkin SET state = 'confirmed' WHERE signature = ? "
            "AND state = 'in_flight'",
            signature);
    }
    // Back to the queue: no transaction holds them any more.
    return db_.execute(
        "UPDATE chain_checkin SET state = 'pending', signature = NULL, position = NULL "
        "WHERE signature = ? AND state = 'in_flight'",
        signature);
}

Status<db::Error> DeviceStore::settle_landed(std::string_view signature, std::int64_t at_ms) {
    return in_transaction(db_, [&] { return settle(signature, "landed", "confirmed", at_ms); });
}

Status<db::Error> DeviceStore::settle_dropped(std::string_view signature, std::int64_t at_ms) {
    return in_transaction(db_, [&] { return settle(signature, "dropped", "pending", at_ms); });
}

Status<db::Error> DeviceStore::settle_failed(std::string_view signature, std::uint64_t culprit,
                                             std::string_view error, std::int64_t at_ms) {
    return in_transaction(db_, [&]() -> Status<db::Error> {
        if (auto s = db_.execute(
                "UPDATE chain_checkin SET state = 'failed', error = ? WHERE signature = ? "
                "AND ticket_id = ? AND state = 'in_flight'",
                error, signature, to_column(culprit));
            !s)
            return s;
        return settle(signature, "failed", "pending", at_ms);
    });
}

Status<db::Error> DeviceStore::fail_checkin(std::uint64_t ticket_id, std::string_view error) {
    return in_transaction(db_, [&] {
        return db_.execute(
            "UPDATE chain_checkin SET state = 'failed', error = ? WHERE ticket_id = ? "
            "AND state = 'pending'",
            error, to_column(ticket_id));
    });
}

Result<std::int64_t, db::Error> DeviceStore::retry_failed_checkins() {
    std::int64_t changed = 0;
    auto done = in_transaction(db_, [&]() -> Status<db::Error> {
        auto s = db_.execute(
            "UPDATE chain_checkin SET state = 'pending', signature = NULL, position = NULL, "
            "error = '' WHERE state = 'failed'");
        changed = db_.changes();
        return s;
    });
    if (!done) return fail(done.error());
    return changed;
}

Result<ChainStatus, db::Error> DeviceStore::chain_status() {
    ChainStatus status;
    auto counts = db_.query_one<std::int64_t, std::int64_t, std::int64_t, std::int64_t>(
        "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'in_flight'), 0), "
        "coalesce(sum(state = 'confirmed'), 0), coalesce(sum(state = 'failed'), 0) "
        "FROM chain_checkin");
    if (!counts) return fail(counts.error());
    std::tie(status.pending, status.in_flight, status.confirmed, status.failed) = *counts;
    auto transactions =
        db_.query_one<std::int64_t>("SELECT count(*) FROM chain_tx WHERE state = 'in_flight'");
    if (!transactions) return fail(transactions.error());
    status.transactions_in_flight = *transactions;
    auto row = db_.query_one<std::optional<std::int64_t>, std::optional<std::int64_t>, std::string>(
        "SELECT last_success_at, last_attempt_at, last_error FROM chain_state WHERE id = 1");
    if (!row) return fail(row.error());
    std::tie(status.last_success_at, status.last_attempt_at, status.last_error) =
        std::move(row).value();
    return status;
}

Status<db::Error> DeviceStore::record_chain_success(std::int64_t at_ms) {
    ++local_writes_;
    return in_transaction(db_, [&] {
        return db_.execute(
            "UPDATE chain_state SET last_success_at = ?1, last_attempt_at = ?1, last_error = '' "
            "WHERE id = 1",
            at_ms);
    });
}

Status<db::Error> DeviceStore::record_chain_failure(std::int64_t at_ms, std::string_view error) {
    ++local_writes_;
    return in_transaction(db_, [&] {
        return db_.execute(
            "UPDATE chain_state SET last_attempt_at = ?, last_error = ? WHERE id = 1", at_ms,
            error);
    });
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
