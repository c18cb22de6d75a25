#include "Rows.h"

#include "gate/device/DeviceDatabase.h"
#include "gate/domain/SyncSignature.h"

namespace gate::device::rows {

using namespace gate::domain;

db::Error untrusted(std::string message) {
    return db::Error{db::ErrorCode::Corrupt, 0,
                     std::move(message) +
                         " (the device database was altered, or the backend "
                         "is not the one this device was provisioned for)",
                     ""};
}

db::Error no_pinned_key() {
    return db::Error{db::ErrorCode::Misuse, 0,
                     "no backend sync key is pinned for this device database: run "
                     "gate-scanner provision with a setup code",
                     ""};
}

std::optional<ByteView> signature_column(const std::optional<crypto::Signature>& signature) {
    if (!signature) return std::nullopt;
    return ByteView(signature->bytes);
}

std::optional<crypto::Signature> signature_from(const std::optional<Bytes>& column) {
    if (!column) return std::nullopt;
    auto signature = crypto::Signature::from_bytes(*column);
    if (!signature) return std::nullopt;
    return *signature;
}

Result<TicketState, db::Error> ticket_state(db::Database& db,
                                            const std::optional<crypto::PublicKey>& sync_key,
                                            std::uint64_t ticket_id) {
    TicketState state;
    auto row = db.query_optional<std::int64_t, std::int64_t, std::string,
                                 std::optional<std::string>, std::int64_t, std::optional<Bytes>>(
        "SELECT tier, generation, status, mint, binding, sig FROM ticket WHERE ticket_id = ?",
        to_column(ticket_id));
    if (!row) return fail(row.error());
    if (row->has_value()) {
        const auto& [tier, generation, status, mint, binding, sig] = **row;
        auto parsed_status = domain::from_string<domain::TicketStatus>(status);
        if (!parsed_status || tier < 0 || tier > 255 || generation < 0 || generation > 0xFFFFFFFF ||
            binding < 0 || binding > 0xFFFFFFFF)
            return bad_row("stored ticket", std::to_string(ticket_id));
        state.ticket =
            TicketRecord{ticket_id, static_cast<std::uint8_t>(tier),
                         static_cast<std::uint32_t>(generation), *parsed_status, std::nullopt};
        if (mint) {
            auto key = crypto::PublicKey::from_base58(*mint);
            if (!key) return bad_row("stored ticket mint", std::to_string(ticket_id));
            state.ticket->mint = *key;
        }
        state.ticket->binding = static_cast<std::uint32_t>(binding);
        state.ticket->sync_signature = signature_from(sig);
        state.tampered = !sync_key || !domain::verify_record(*state.ticket, *sync_key);
        state.ticket->sync_signature.reset();  // checked: callers get the plain record
    }
    auto last = db.query_optional<std::string, std::int64_t, std::string>(
        "SELECT direction, at, gate FROM inside WHERE ticket_id = ?", to_column(ticket_id));
    if (!last) return fail(last.error());
    if (last->has_value()) {
        const auto& [direction, at, gate] = **last;
        auto parsed_direction = domain::from_string<domain::Direction>(direction);
        if (!parsed_direction) return bad_row("stored last scan", std::to_string(ticket_id));
        state.last_scan = InsideRecord{ticket_id, *parsed_direction, at, gate};
    }
    return state;
}

Status<db::Error> merge_last_scan(db::Database& db, const InsideRecord& scan) {
    return db.execute(
        "INSERT INTO inside (ticket_id, direction, at, gate) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (ticket_id) DO UPDATE SET direction = excluded.direction, "
        "at = excluded.at, gate = excluded.gate WHERE excluded.at >= inside.at",
        to_column(scan.ticket_id), to_string(scan.direction), scan.at, scan.gate);
}

Status<db::Error> queue_checkins(db::Database& db, std::optional<std::uint64_t> ticket_id) {
    std::optional<std::int64_t> only;
    if (ticket_id) only = to_column(*ticket_id);
    return db.execute(
        "INSERT OR IGNORE INTO chain_checkin (ticket_id, mint, gate, at) "
        "SELECT t.ticket_id, t.mint, s.gate, s.scanned_at FROM ticket t "
        "JOIN scan s ON s.id = (SELECT min(id) FROM scan WHERE ticket_id = t.ticket_id "
        "AND verdict = 'accepted' AND direction = 'in') "
        "WHERE t.mint IS NOT NULL AND (?1 IS NULL OR t.ticket_id = ?1) "
        "AND NOT EXISTS (SELECT 1 FROM chain_checkin c WHERE c.ticket_id = t.ticket_id) "
        "ORDER BY s.id",
        only);
}

Status<db::Error> insert_scan(db::Database& db, const EntryRecord& scan) {
    std::optional<std::int64_t> ticket;
    if (scan.ticket_id) ticket = to_column(*scan.ticket_id);
    if (auto s =
            db.execute("INSERT INTO scan (nonce, device_id, ticket_id, event_id, generation, gate, "
                       "direction, verdict, reason, scanned_at, clock_offset_ms, proof) "
                       "VALUES (?, (SELECT device_id FROM sync_state WHERE id = 1), "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       scan.nonce, ticket, scan.event_id, scan.generation, scan.gate,
                       to_string(scan.direction), to_string(scan.verdict), scan.reason,
                       scan.scanned_at, scan.clock_offset_ms, scan.proof);
        !s)
        return s;
    if (scan.verdict != Verdict::Accepted || !scan.ticket_id) return {};
    if (auto s = merge_last_scan(db, {*scan.ticket_id, scan.direction,
                                      scan.scanned_at + scan.clock_offset_ms, scan.gate});
        !s)
        return s;
    // An entry of a ticket whose NFT is known queues its chain check-in (once).
    if (scan.direction != Direction::In) return {};
    return db.execute(
        "INSERT OR IGNORE INTO chain_checkin (ticket_id, mint, gate, at) "
        "SELECT ticket_id, mint, ?, ? FROM ticket WHERE ticket_id = ? AND mint IS NOT NULL",
        scan.gate, scan.scanned_at, to_column(*scan.ticket_id));
}

}  // namespace gate::device::rows
