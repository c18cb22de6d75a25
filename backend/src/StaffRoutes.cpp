// Event staff: the organizer of an event names the validator wallets that may validate its
// tickets, at every gate or only at some. Online validation checks this list (docs/api.md,
// "Event staff").
#include "ApiSupport.h"
#include "Endpoint.h"
#include "gate/crypto/Ed25519.h"

namespace gate::backend {

namespace {

nlohmann::json validator_json(const EventValidator& v) {
    return {{"event_id", v.event_id},
            {"wallet", v.wallet},
            {"gates", v.gates},
            {"created_at", v.created_at}};
}

ApiResult<Response> assign_validator(Call& c) {
    auto id = c.id("id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.organized_event(*id);
    if (!event.ok()) return fail(event.error());
    auto body = c.body();
    if (!body.ok()) return fail(body.error());
    auto wallet = body->text("wallet", Need::Required, 44, 32);
    if (wallet && !crypto::PublicKey::from_base58(*wallet).ok())
        body->add_error("wallet", jsonio::Problem::Invalid, "is not a base58 Ed25519 public key");
    EventValidator v{event->id, wallet.value_or(""), {}, c.s.clock.now_ms()};
    auto& reader = body->reader();
    reader.array(
        "gates",
        [&](const nlohmann::json& element, const std::string& where) {
            std::string gate;
            if (reader.take_at(jsonio::text_value(element, {.max_chars = 64, .label = true}), where,
                               gate))
                v.gates.push_back(std::move(gate));
        },
        Need::Optional, {.max_items = 64});
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    auto stored = c.s.store.put_validator(v);
    if (!stored.ok()) return fail(stored.error());
    c.s.logger.info("validator assigned", {{"event_id", v.event_id}, {"wallet", v.wallet}});
    return json_response(201, validator_json(*stored));
}

ApiResult<Response> list_validators(Call& c) {
    auto id = c.id("id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.organized_event(*id);
    if (!event.ok()) return fail(event.error());
    auto list = c.s.store.validators(event->id);
    if (!list.ok()) return fail(list.error());
    auto out = nlohmann::json::array();
    for (const auto& v : *list)
        out.push_back(validator_json(v));
    return json_response(200, {{"validators", std::move(out)}});
}

ApiResult<Response> remove_validator(Call& c) {
    auto id = c.id("id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.organized_event(*id);
    if (!event.ok()) return fail(event.error());
    const std::string wallet(c.request.param("wallet"));
    auto removed = c.s.store.remove_validator(event->id, wallet);
    if (!removed.ok()) return fail(removed.error());
    if (!*removed) return fail(not_found("validator"));
    c.s.logger.info("validator removed", {{"event_id", event->id}, {"wallet", wallet}});
    return json_response(200, {{"event_id", event->id}, {"wallet", wallet}, {"removed", true}});
}

}  // namespace

void add_staff_routes(Router& router, Services& s) {
    const std::vector<Role> organizer{Role::Organizer};
    add_endpoint(router, s,
                 {Method::Post, "/api/v1/events/{id}/validators", Caller::User, organizer, {}},
                 assign_validator);
    add_endpoint(router, s,
                 {Method::Get, "/api/v1/events/{id}/validators", Caller::User, organizer, {}},
                 list_validators);
    add_endpoint(
        router, s,
        {Method::Delete, "/api/v1/events/{id}/validators/{wallet}", Caller::User, organizer, {}},
        remove_validator);
}

}  // namespace gate::backend
