// Online validation by gate staff (validator or organizer role): the scanned code is checked
// and decided by the same domain::check_code and domain::decide() a gate device runs
// offline, on the event's check-in list, and the verdict recorded atomically.
#include "ApiSupport.h"
#include "Endpoint.h"
#include "GateRules.h"
#include "gate/domain/Decide.h"

namespace gate::backend {

namespace {

// The event's organizer, or a validator the organizer assigned to the event (and, when the
// assignment lists gates, to this gate).
ApiStatus may_validate(const Call& c, std::int64_t event_id, const std::string& gate) {
    const Principal& who = c.user();
    if (who.role == Role::Organizer) {
        auto event = c.organized_event(event_id);
        if (!event.ok()) return fail(event.error());
        return {};
    }
    auto event = c.s.store.get_event(event_id);
    if (!event.ok()) return fail(event.error());
    if (!event->has_value()) return fail(not_found("event"));
    auto assigned = c.s.store.find_validator(event_id, who.wallet);
    if (!assigned.ok()) return fail(assigned.error());
    if (!assigned->has_value())
        return fail(forbidden("this validator is not assigned to the event"));
    const auto& gates = (*assigned)->gates;
    if (!gates.empty() && std::find(gates.begin(), gates.end(), gate) == gates.end())
        return fail(forbidden("this validator is not assigned to gate " + gate));
    return {};
}

struct ValidateBody {
    std::string code;
    std::string gate;
    std::optional<std::int64_t> event_id;
    std::optional<std::int64_t> checkin_list_id;
    domain::Direction direction = domain::Direction::In;
};

ApiResult<ValidateBody> read_validate_body(const Request& r) {
    auto body = JsonBody::parse(r.body);
    if (!body.ok()) return fail(body.error());
    ValidateBody out;
    auto code = body->text("code", Need::Required, 1000, 0);
    auto gate = body->label("gate", Need::Required, 64);
    out.event_id = body->integer("event_id", Need::Optional, 1, UINT32_MAX);
    out.checkin_list_id = body->integer("checkin_list_id", Need::Optional, 1, INT64_MAX);
    out.direction = body->choice<domain::Direction>("direction", Need::Optional)
                        .value_or(domain::Direction::In);
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    out.code = std::move(*code);
    out.gate = std::move(*gate);
    return out;
}

ApiResult<Response> validate(Call& c) {
    Services& s = c.s;
    const Principal& who = c.user();
    auto body = read_validate_body(c.request);
    if (!body.ok()) return fail(body.error());

    const auto now = s.clock.now_ms();
    ScanRecord scan;
    scan.gate = body->gate;
    scan.direction = body->direction;
    scan.at = now;
    scan.validator_user_id = who.user_id;
    scan.event_id = body->event_id.value_or(0);

    // The gate's event (the one the staff scan for; else the code's own) names the keys
    // that must have signed it, as a device trusts only its own event's keys: another
    // event's ticket is signature.unknown_key online and offline alike.
    auto parsed = ticket::parse(body->code);
    domain::CodeCheck check{std::nullopt, "ok"};
    std::optional<std::int64_t> ticket_id;
    if (!parsed.ok()) {
        check.reason = ticket::to_string(parsed.error());
    } else {
        const auto& claims = parsed->claims;
        if (scan.event_id == 0) scan.event_id = claims.event_id;
        scan.generation = claims.generation;
        auto keyring = keyring_of(s, scan.event_id);
        if (!keyring.ok()) return fail(keyring.error());
        check = domain::check_code(body->code, *keyring);
        if (check.genuine()) ticket_id = static_cast<std::int64_t>(claims.ticket_id);
    }

    // Only staff of this event validate it; nothing is recorded for anyone else.
    if (scan.event_id == 0)
        return fail(ApiError{400,
                             "validation_failed",
                             "event_id is required when the code is not a ticket code",
                             {{"event_id", "missing", "is required for codes that do not parse"}}});
    if (auto denied = may_validate(c, scan.event_id, scan.gate); !denied.ok())
        return fail(denied.error());

    // The gate's rules: the event the staff scan for (or the code's) and its check-in list.
    auto rules = gate_rules(s, scan.event_id, body->checkin_list_id, scan.gate);
    if (!rules.ok()) return fail(rules.error());
    scan.single_entry = rules->checkin_list.reentry == domain::Reentry::Single;
    const domain::DecisionContext context{now, domain::kDefaultClockToleranceMs, scan.direction};
    auto decision = s.store.validate(ticket_id, scan, [&](const domain::TicketState& known) {
        return domain::decide(check, known, *rules, context);
    });
    if (!decision.ok()) return fail(decision.error());
    s.metrics.count("gate_validations_total", "reason", std::string(decision->reason));
    nlohmann::json out{{"verdict", decision->accepted ? "accepted" : "rejected"},
                       {"reason", decision->reason},
                       {"server_time", now}};
    if (ticket_id) out["ticket_id"] = std::to_string(*ticket_id);
    return json_response(200, out);
}

}  // namespace

void add_validation_routes(Router& router, Services& s) {
    add_endpoint(router, s,
                 {Method::Post,
                  "/api/v1/validate",
                  Caller::User,
                  {Role::Validator, Role::Organizer},
                  RateLimit{"validate", &Settings::validate_limit, RateKey::User}},
                 validate);
}

}  // namespace gate::backend
