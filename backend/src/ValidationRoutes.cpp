// Online validation by gate staff (validator or organizer role): parse, verify against the
// event's issuer keys, decide against the stored ticket, record the verdict atomically.
#include "ApiSupport.h"
#include "gate/backend/Decision.h"
#include "gate/ticket/IssuerKeyring.h"

namespace gate::backend {

void add_validation_routes(Router& router, Services& s) {
    router.add(
        Method::Post, "/api/v1/validate", handler([&s](Request& r) -> ApiResult<Response> {
            auto who = require_role(s, r, {Role::Validator, Role::Organizer});
            if (!who.ok()) return fail(who.error());
            if (auto limited = check_rate(s, "validate:user:" + std::to_string(who->user_id),
                                          s.settings.validate_limit);
                !limited.ok())
                return fail(limited.error());
            auto body = JsonBody::parse(r.body);
            if (!body.ok()) return fail(body.error());
            auto code = body->text("code", Need::Required, 1000, 0);
            auto gate = body->text("gate", Need::Required, 64);
            auto event_id = body->integer("event_id", Need::Optional, 1, UINT32_MAX);
            auto direction = body->text("direction", Need::Optional, 3);
            if (direction && *direction != "in" && *direction != "out")
                body->add_error("direction", "invalid", "must be in or out");
            if (auto done = body->finish(); !done.ok()) return fail(done.error());

            const auto now = s.clock.now_ms();
            ScanRecord scan;
            scan.gate = *gate;
            scan.direction = direction.value_or("in");
            scan.at = now;
            scan.validator_user_id = who->user_id;
            scan.event_id = event_id.value_or(0);
            auto respond = [&](ApiResult<Verdict> verdict,
                               std::optional<std::int64_t> ticket_id) -> ApiResult<Response> {
                if (!verdict.ok()) return fail(verdict.error());
                s.metrics.count("gate_validations_total", "reason", verdict->reason);
                nlohmann::json out{{"verdict", verdict->accepted ? "accepted" : "rejected"},
                                   {"reason", verdict->reason},
                                   {"server_time", now}};
                if (ticket_id) out["ticket_id"] = std::to_string(*ticket_id);
                return json_response(200, out);
            };
            auto fixed = [](std::string reason) {
                return [reason](const std::optional<Ticket>&, const std::optional<std::string>&) {
                    return Verdict{false, reason};
                };
            };

            auto parsed = ticket::parse(*code);
            if (!parsed.ok())
                return respond(
                    s.store.validate(std::nullopt, scan,
                                     fixed(std::string(ticket::to_string(parsed.error())))),
                    std::nullopt);
            const auto& claims = parsed->claims;
            if (scan.event_id == 0) scan.event_id = claims.event_id;
            scan.generation = claims.generation;
            ticket::IssuerKeyring keyring;
            auto keys = s.store.issuer_keys(claims.event_id);
            if (!keys.ok()) return fail(keys.error());
            for (const auto& k : *keys) {
                auto pk = crypto::PublicKey::from_base58(k.public_key);
                if (pk.ok()) keyring.add({*pk, static_cast<std::uint32_t>(k.event_id), k.retired});
            }
            if (auto verified = keyring.verify(*parsed); !verified.ok())
                return respond(
                    s.store.validate(std::nullopt, scan,
                                     fixed(std::string(ticket::to_string(verified.error())))),
                    std::nullopt);
            const auto ticket_id = static_cast<std::int64_t>(claims.ticket_id);
            ScanContext context{claims, event_id, scan.direction, "single", now};
            return respond(s.store.validate(ticket_id, scan,
                                            [&](const std::optional<Ticket>& t,
                                                const std::optional<std::string>& last) {
                                                return decide(context, t, last);
                                            }),
                           ticket_id);
        }));
}

}  // namespace gate::backend
