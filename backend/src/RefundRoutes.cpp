// Refunds: the organizer's view of a cancelled event's refunds (buyers see theirs in the
// ticket JSON). Refunds are opened and settled when the event is cancelled (EventRoutes).
#include "ApiSupport.h"
#include "Endpoint.h"

namespace gate::backend {

namespace {

nlohmann::json refund_json(const Refund& r) {
    const auto optional_text = [](const std::optional<std::string>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"id", r.id},
            {"ticket_id", std::to_string(r.ticket_id)},
            {"payment", r.payment},
            {"amount_cents", r.amount_cents},
            {"currency", r.currency},
            {"method", r.method},
            {"status", r.status},
            {"provider_reference", optional_text(r.provider_reference)},
            {"created_at", r.created_at},
            {"completed_at", r.completed_at ? nlohmann::json(*r.completed_at) : nullptr}};
}

ApiResult<Response> event_refunds(Call& c) {
    auto id = c.id("id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.organized_event(*id);
    if (!event.ok()) return fail(event.error());
    auto refunds = c.s.store.refunds(event->id);
    if (!refunds.ok()) return fail(refunds.error());
    auto list = nlohmann::json::array();
    std::int64_t refunded = 0;
    for (const auto& r : *refunds) {
        list.push_back(refund_json(r));
        if (r.status == "succeeded") refunded += r.amount_cents;
    }
    return json_response(200, {{"event_id", event->id},
                               {"status", domain::to_string(event->status)},
                               {"refunds", std::move(list)},
                               {"refunded_cents", refunded}});
}

}  // namespace

void add_refund_routes(Router& router, Services& s) {
    add_endpoint(router, s,
                 {Method::Get, "/api/v1/events/{id}/refunds", Caller::User, {Role::Organizer}, {}},
                 event_refunds);
}

}  // namespace gate::backend
