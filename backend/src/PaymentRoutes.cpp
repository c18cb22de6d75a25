// Payments: the buyer's list and each payment (GET /api/v1/payments[/{id}]), an event's
// payments for its organizer, and the Stripe webhook that settles card payments
// (docs/payments.md). A payment is visible to its buyer and to its event's organizer;
// to anyone else it does not exist.
#include "ApiSupport.h"
#include "Endpoint.h"
#include "PaymentJson.h"
#include "payments/CardPayments.h"
#include "payments/StripeAccount.h"
#include "payments/StripeSignature.h"

namespace gate::backend {

namespace {

struct Page {
    std::int64_t before = 0;
    std::int64_t limit = 50;
};

ApiResult<Page> read_page(const Call& c) {
    Page page;
    std::vector<FieldError> errors;
    if (auto before = c.request.query_value("before")) {
        auto n = parse_int(*before);
        if (!n || *n < 1)
            errors.push_back({"before", "invalid", "must be a payment's number"});
        else
            page.before = *n;
    }
    if (auto limit = c.request.query_value("limit")) {
        auto n = parse_int(*limit);
        if (!n || *n < 1 || *n > 200)
            errors.push_back({"limit", "out_of_range", "must be 1..200"});
        else
            page.limit = *n;
    }
    if (!errors.empty())
        return fail(ApiError{400, "validation_failed", "bad query", std::move(errors), {}});
    return page;
}

ApiResult<Response> payment_list(Services& s, const std::vector<PaymentRecord>& payments,
                                 bool for_buyer, const Page& page) {
    auto list = nlohmann::json::array();
    for (const auto& p : payments) {
        auto refunds = s.store.refunds_of_payment(p.id);
        if (!refunds.ok()) return fail(refunds.error());
        list.push_back(payment_json(p, for_buyer, *refunds));
    }
    nlohmann::json out{{"payments", std::move(list)}};
    out["next_before"] = static_cast<std::int64_t>(payments.size()) == page.limit
                             ? nlohmann::json(payments.back().id)
                             : nlohmann::json(nullptr);
    return json_response(200, out);
}

ApiResult<Response> my_payments(Call& c) {
    auto page = read_page(c);
    if (!page.ok()) return fail(page.error());
    auto payments = c.s.store.payments_of_user(c.user().user_id, page->before, page->limit);
    if (!payments.ok()) return fail(payments.error());
    return payment_list(c.s, *payments, true, *page);
}

ApiResult<Response> event_payments(Call& c) {
    auto id = c.id("id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.organized_event(*id);
    if (!event.ok()) return fail(event.error());
    auto page = read_page(c);
    if (!page.ok()) return fail(page.error());
    auto payments = c.s.store.payments_of_event(event->id, page->before, page->limit);
    if (!payments.ok()) return fail(payments.error());
    return payment_list(c.s, *payments, false, *page);
}

ApiResult<Response> get_payment(Call& c) {
    const std::string external(c.request.param("id"));
    if (external.empty() || external.size() > 64) return fail(not_found("payment"));
    auto payment = c.s.store.find_payment(external);
    if (!payment.ok()) return fail(payment.error());
    if (!payment->has_value()) return fail(not_found("payment"));
    const PaymentRecord& p = **payment;
    const bool buyer = p.user_id && *p.user_id == c.user().user_id;
    bool organizer = false;
    if (!buyer && c.user().role == Role::Organizer) {
        auto event = c.s.store.get_event(p.event_id);
        if (!event.ok()) return fail(event.error());
        organizer = event->has_value() && (*event)->organizer_id == c.user().user_id;
    }
    if (!buyer && !organizer) return fail(not_found("payment"));
    auto refunds = c.s.store.refunds_of_payment(p.id);
    if (!refunds.ok()) return fail(refunds.error());
    auto history = c.s.store.payment_history(p.id);
    if (!history.ok()) return fail(history.error());
    return json_response(200, payment_json(p, buyer, *refunds, &*history));
}

// Stripe's webhook: the raw body is checked against Stripe-Signature before anything in it
// is believed. 2xx tells Stripe to stop delivering; a failure to record answers 500, so
// Stripe delivers the event again later (its retries last days).
ApiResult<Response> stripe_webhook(Call& c) {
    Services& s = c.s;
    if (!s.stripe.configured()) return fail(not_found("route"));
    const auto header = c.request.header("Stripe-Signature");
    const auto now_s = s.clock.now_ms() / 1000;
    auto verified = payments::verify_stripe_signature(c.request.body, header.value_or(""),
                                                      s.stripe.webhook_secret, now_s,
                                                      s.settings.webhook_tolerance.count() / 1000);
    if (!verified.ok()) {
        const auto why = payments::to_string(verified.error());
        s.metrics.count("gate_webhooks_total", "result", "refused");
        s.logger.warn("stripe webhook refused",
                      {{"why", std::string(why)}, {"from", c.request.remote}});
        return fail(ApiError{400, "signature_invalid", std::string(why), {}, {}});
    }
    auto event = nlohmann::json::parse(c.request.body, nullptr, false);
    if (event.is_discarded() || !event.is_object())
        return fail(ApiError{400, "malformed_event", "the body is not a JSON object", {}, {}});
    auto applied = payments::apply_stripe_event(s, event);
    if (!applied.ok()) {
        s.metrics.count("gate_webhooks_total", "result", "failed");
        return fail(applied.error());
    }
    s.metrics.count("gate_webhooks_total", "result",
                    applied->value("handled", false) ? "handled" : "ignored");
    return json_response(200, *applied);
}

}  // namespace

void add_payment_routes(Router& router, Services& s) {
    add_endpoint(router, s, {Method::Get, "/api/v1/payments", Caller::User, {}, {}}, my_payments);
    add_endpoint(router, s, {Method::Get, "/api/v1/payments/{id}", Caller::User, {}, {}},
                 get_payment);
    add_endpoint(router, s,
                 {Method::Get, "/api/v1/events/{id}/payments", Caller::User, {Role::Organizer}, {}},
                 event_payments);
    add_endpoint(router, s, {Method::Post, "/api/v1/webhooks/stripe", Caller::Anyone, {}, {}},
                 stripe_webhook);
}

}  // namespace gate::backend
