#include "gate/backend/Decision.h"

namespace gate::backend {

namespace {
Verdict reject(std::string reason) {
    return {false, std::move(reason)};
}
}  // namespace

Verdict decide(const ScanContext& scan, const std::optional<Ticket>& ticket,
               const std::optional<std::string>& last_direction) {
    const auto& c = scan.claims;
    if (scan.expected_event && *scan.expected_event != static_cast<std::int64_t>(c.event_id))
        return reject("event.wrong");
    if (!ticket || ticket->event_id != static_cast<std::int64_t>(c.event_id))
        return reject("ticket.unknown");
    if (ticket->status == "revoked") return reject("ticket.revoked");
    if (ticket->status == "frozen") return reject("ticket.frozen");
    if (static_cast<std::int64_t>(c.generation) < ticket->generation)
        return reject("ticket.superseded");
    const std::int64_t now_s = scan.now_ms / 1000;
    if (c.valid_from != 0 && now_s < c.valid_from) return reject("time.not_yet_valid");
    if (c.valid_until != 0 && now_s > c.valid_until) return reject("time.expired");
    const bool inside = last_direction && *last_direction == "in";
    if (scan.direction == "out") return inside ? Verdict{true, "ok"} : reject("entry.not_inside");
    if (scan.reentry == "multi") return {true, "ok"};
    if (inside) return reject("entry.already_inside");
    if (scan.reentry == "single" && last_direction) return reject("entry.already_used");
    return {true, "ok"};
}

}  // namespace gate::backend
