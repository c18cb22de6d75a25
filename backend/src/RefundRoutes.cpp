// Refunds: the organizer's view of an event's refunds (buyers see theirs in the ticket and
// payment JSON). Refunds open when the event is cancelled (EventRoutes), a paid ticket is
// revoked (StaffRoutes) or a payment cannot become tickets; PaymentSweep retries them.
#include "ApiSupport.h"
#include "Endpoint.h"
#include "PaymentJson.h"

namespace gate::backend {

namespace {

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
