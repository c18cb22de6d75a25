#include "gate/device/ScanQueue.h"

#include <tuple>

#include "Rows.h"
#include "gate/device/DeviceDatabase.h"

namespace gate::device {

using namespace gate::domain;

Result<EntryRecord, db::Error> ScanQueue::decide_and_record(std::optional<std::uint64_t> ticket_id,
                                                            const Decider& decide) {
    auto& db = database_.connection();
    // The write lock first: from here until the commit no other connection can record a
    // scan, so the state read below is still the state when this scan lands.
    auto tx = db.begin(db::TransactionKind::Immediate);
    if (!tx) return fail(tx.error());
    TicketState state;
    if (ticket_id) {
        auto read = rows::ticket_state(db, database_.sync_key(), *ticket_id);
        if (!read) return fail(read.error());
        state = std::move(read).value();
    }
    EntryRecord scan = decide(state);
    if (auto s = rows::insert_scan(db, scan); !s) return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return scan;
}

Status<db::Error> ScanQueue::record_scan(const EntryRecord& scan) {
    auto& db = database_.connection();
    return rows::in_transaction(db, [&] { return rows::insert_scan(db, scan); });
}

Result<std::vector<EntryRecord>, db::Error> ScanQueue::pending_scans(std::size_t limit) {
    auto& db = database_.connection();
    std::vector<EntryRecord> out;
    bool broken = false;
    auto read = db.for_each<std::string, std::optional<std::int64_t>, std::int64_t, std::int64_t,
                            std::string, std::string, std::string, std::string, std::int64_t,
                            std::int64_t, std::optional<std::string>>(
        "SELECT nonce, ticket_id, event_id, generation, gate, direction, verdict, reason, "
        "scanned_at, clock_offset_ms, proof FROM scan WHERE synced = 0 ORDER BY id LIMIT ?",
        [&](std::string nonce, std::optional<std::int64_t> ticket, std::int64_t event_id,
            std::int64_t generation, std::string gate, const std::string& direction,
            const std::string& verdict, std::string reason, std::int64_t scanned_at,
            std::int64_t offset, std::optional<std::string> proof) {
            auto d = domain::from_string<domain::Direction>(direction);
            auto v = domain::from_string<domain::Verdict>(verdict);
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
            record.proof = std::move(proof);
            out.push_back(std::move(record));
        },
        static_cast<std::int64_t>(limit));
    if (!read) return fail(read.error());
    if (broken) return rows::bad_row("stored scan", "direction or verdict");
    return out;
}

Result<std::int64_t, db::Error> ScanQueue::mark_synced(std::span<const std::string> nonces) {
    auto& db = database_.connection();
    std::int64_t changed = 0;
    auto done = rows::in_transaction(db, [&]() -> Status<db::Error> {
        for (const auto& nonce : nonces) {
            if (auto s =
                    db.execute("UPDATE scan SET synced = 1 WHERE nonce = ? AND synced = 0", nonce);
                !s)
                return s;
            changed += db.changes();
        }
        return {};
    });
    if (!done) return fail(done.error());
    return changed;
}

Status<db::Error> ScanQueue::mark_refused(std::string_view nonce, std::string_view reason,
                                          std::int64_t at_ms) {
    auto& db = database_.connection();
    return rows::in_transaction(db, [&]() -> Status<db::Error> {
        if (auto s = db.execute(
                "INSERT OR REPLACE INTO scan_refused (nonce, reason, refused_at) VALUES (?, ?, ?)",
                nonce, reason, at_ms);
            !s)
            return s;
        return db.execute("UPDATE scan SET synced = 1 WHERE nonce = ?", nonce);
    });
}

Result<std::int64_t, db::Error> ScanQueue::refused_count() {
    auto& db = database_.connection();
    return db.query_one<std::int64_t>("SELECT count(*) FROM scan_refused");
}

Result<std::int64_t, db::Error> ScanQueue::scan_count(std::string_view nonce) {
    auto& db = database_.connection();
    return db.query_one<std::int64_t>("SELECT count(*) FROM scan WHERE nonce = ?", nonce);
}

Result<ScanStats, db::Error> ScanQueue::stats() {
    auto& db = database_.connection();
    ScanStats stats;
    auto counts = db.query_one<std::int64_t, std::int64_t, std::int64_t>(
        "SELECT coalesce(sum(verdict = 'accepted'), 0), coalesce(sum(verdict = 'rejected'), 0), "
        "coalesce(sum(synced = 0), 0) FROM scan");
    if (!counts) return fail(counts.error());
    std::tie(stats.accepted, stats.rejected, stats.pending) = *counts;
    auto inside = db.query_one<std::int64_t>("SELECT count(*) FROM inside WHERE direction = 'in'");
    if (!inside) return fail(inside.error());
    stats.inside_now = *inside;
    auto reasons = db.for_each<std::string, std::int64_t>(
        "SELECT reason, count(*) AS n FROM scan GROUP BY reason ORDER BY n DESC, reason",
        [&](std::string reason, std::int64_t n) {
            stats.by_reason.emplace_back(std::move(reason), n);
        });
    if (!reasons) return fail(reasons.error());
    return stats;
}

}  // namespace gate::device
