#include "gate/domain/Decide.h"

#include <algorithm>

#include "gate/domain/Reason.h"

namespace gate::domain {
namespace {

Decision refuse(std::string_view reason, std::optional<std::uint8_t> tier = std::nullopt) {
    return {false, reason, tier};
}

}  // namespace

bool step_fresh(std::uint32_t step, std::int64_t now_ms, std::int64_t tolerance_ms) noexcept {
    const std::int64_t start_ms = std::int64_t{step} * ticket::kStepSeconds * 1000;
    return now_ms >= start_ms - tolerance_ms && now_ms < start_ms + kStepWindowMs + tolerance_ms;
}

std::optional<std::string_view> reentry_refusal(const std::optional<InsideRecord>& last,
                                                Reentry rule, Direction direction) noexcept {
    const bool inside = last && last->direction == Direction::In;
    if (direction == Direction::Out) {
        if (!inside) return reason::kNotInside;
        return std::nullopt;
    }
    if (!last) return std::nullopt;  // first entry
    switch (rule) {
        case Reentry::Multi:
            return std::nullopt;
        case Reentry::EntryAfterExit:
            if (inside) return reason::kAlreadyInside;
            return std::nullopt;
        case Reentry::Single:
            if (inside) return reason::kAlreadyInside;
            return reason::kAlreadyUsed;
    }
    return reason::kAlreadyUsed;
}

Decision decide(const CodeCheck& code, const TicketState& known, const Assignment& assignment,
                const DecisionContext& context) noexcept {
    // 1-2. Malformed, then signature (unknown key, retired key, key for another event, bad).
    if (!code.genuine()) return refuse(code.reason);
    const auto& claims = code.code->claims;

    // 3. Another event's ticket, genuinely signed by a key this device trusts for it.
    if (claims.event_id != assignment.event_id) return refuse(reason::kWrongEvent);

    // 3a. The device's row for this ticket was altered (an un-revoked ticket, say): no
    // verdict from it. Only a device reads rows that can be tampered with.
    if (known.tampered) return refuse(reason::kCacheTampered);

    const auto& row = known.ticket;
    const std::uint8_t tier = row ? row->tier : claims.tier;

    // 4. The event was cancelled: none of its tickets gets in, whatever their state.
    if (assignment.event.status == EventStatus::Cancelled)
        return refuse(reason::kEventCancelled, tier);

    // 4a. A static code where the event admits rotating codes only.
    const auto& rotation = code.code->rotation;
    if (!rotation && assignment.event.code_policy == CodePolicy::RotatingRequired)
        return refuse(reason::kRotatingRequired, tier);

    // 5. Revoked or frozen.
    if (row && row->status == TicketStatus::Revoked) return refuse(reason::kRevoked, tier);
    if (row && row->status == TicketStatus::Frozen) return refuse(reason::kFrozen, tier);

    // 6. An older ownership generation: the seller's QR after a transfer.
    if (row && claims.generation < row->generation) return refuse(reason::kSuperseded, tier);

    if (rotation) {
        // 6a. A pass bound to an older device than the ticket's newest binding.
        if (row && rotation->binding < row->binding) return refuse(reason::kPassSuperseded, tier);
        // 6b. The pass has expired (with the clock tolerance, as the validity window).
        if (context.now_ms > std::int64_t{rotation->expires_at} * 1000 + context.clock_tolerance_ms)
            return refuse(reason::kPassExpired, tier);
        // 6c. A time step outside the freshness window: a screenshot or a recording.
        if (!step_fresh(rotation->step, context.now_ms, context.step_tolerance_ms))
            return refuse(reason::kStale, tier);
    }

    // 7. Validity window (Unix seconds in the code; 0 leaves that end open), with tolerance.
    if (claims.valid_from != 0 &&
        context.now_ms < std::int64_t{claims.valid_from} * 1000 - context.clock_tolerance_ms)
        return refuse(reason::kNotYetValid, tier);
    if (claims.valid_until != 0 &&
        context.now_ms > std::int64_t{claims.valid_until} * 1000 + context.clock_tolerance_ms)
        return refuse(reason::kExpired, tier);

    // 8. Tier admitted at this gate's check-in list (an empty list admits every tier).
    const auto& tiers = assignment.checkin_list.tiers;
    if (!tiers.empty() && std::find(tiers.begin(), tiers.end(), tier) == tiers.end())
        return refuse(reason::kTierNotAllowed, tier);

    // 9. Already inside, and the re-entry rules; exit scans need an entry.
    if (auto refusal =
            reentry_refusal(known.last_scan, assignment.checkin_list.reentry, context.direction))
        return refuse(*refusal, tier);

    // 10. Genuine but unknown to the cache (sold after the last sync): the event's policy.
    if (!row && !assignment.checkin_list.accept_unknown_tickets)
        return refuse(reason::kUnknownTicket, tier);

    return {true, reason::kOk, tier};
}

}  // namespace gate::domain
