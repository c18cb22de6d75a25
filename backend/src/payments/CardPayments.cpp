#include "payments/CardPayments.h"

#include "ApiSupport.h"
#include "AsciiCase.h"
#include "PaymentJson.h"
#include "gate/backend/Random.h"
#include "payments/StripeAccount.h"

namespace gate::backend::payments {

namespace {

constexpr std::string_view kActor = "stripe";

// The part of a Stripe object worth keeping in the payment's history.
std::string intent_detail(const nlohmann::json& intent) {
    nlohmann::json kept{{"id", stripe_text(intent, "id")},
                        {"status", stripe_text(intent, "status")},
                        {"amount", stripe_integer(intent, "amount").value_or(0)},
                        {"currency", stripe_text(intent, "currency")}};
    if (auto received = stripe_integer(intent, "amount_received"))
        kept["amount_received"] = *received;
    if (intent.contains("last_payment_error") && intent["last_payment_error"].is_object()) {
        const auto& e = intent["last_payment_error"];
        kept["last_payment_error"] = {{"code", stripe_text(e, "code")},
                                      {"decline_code", stripe_text(e, "decline_code")},
                                      {"message", stripe_text(e, "message")}};
    }
    if (auto reason = stripe_text(intent, "cancellation_reason"); !reason.empty())
        kept["cancellation_reason"] = reason;
    return kept.dump();
}

// Whether an intent Stripe says succeeded paid exactly this payment.
bool pays(const nlohmann::json& intent, const PaymentRecord& p) {
    const auto received = stripe_integer(intent, "amount_received");
    return received && *received == p.amount_cents &&
           stripe_text(intent, "currency") == ascii_lower(p.currency);
}

std::string metadata_payment(const nlohmann::json& object) {
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object()) return {};
    const auto payment = metadata->find("payment");
    return payment != metadata->end() && payment->is_string() ? payment->get<std::string>()
                                                              : std::string{};
}

// The outcome of a PaymentIntent in a final state (or nullopt while it can still change).
std::optional<PaymentOutcome> outcome_of(const nlohmann::json& intent, const PaymentRecord& p,
                                         std::string actor, std::int64_t now) {
    const auto status = stripe_text(intent, "status");
    PaymentOutcome o;
    o.external_id = p.external_id;
    o.actor = std::move(actor);
    o.provider_detail = intent_detail(intent);
    o.at = now;
    if (status == "succeeded") {
        if (pays(intent, p)) {
            o.status = "completed";
            o.note = "paid by card";
        } else {
            // Never issue tickets for a different sum; the money goes back.
            o.status = "failed";
            o.failure_reason = "amount_mismatch";
            o.money_received = true;
            o.note = "Stripe took another amount or currency than the payment's";
        }
        return o;
    }
    if (status == "canceled") {
        o.status = "canceled";
        o.failure_reason = stripe_text(intent, "cancellation_reason");
        if (o.failure_reason->empty()) o.failure_reason = "canceled";
        o.note = "the PaymentIntent was canceled";
        return o;
    }
    return std::nullopt;
}

ApiError provider_unavailable(const std::string& payment_id) {
    return ApiError{503,
                    "payment_provider_unavailable",
                    "the card payment provider did not answer (payment " + payment_id +
                        "); nothing was charged, try again shortly",
                    {},
                    5};
}

// Creates (or, with the same key, finds again) the payment's PaymentIntent.
StripeResult create_intent(Services& s, const PaymentRecord& p) {
    return s.stripe.client.create_payment_intent(
        p.amount_cents, ascii_lower(p.currency),
        {{"payment", p.external_id},
         {"event_id", std::to_string(p.event_id)},
         {"tier", std::to_string(p.tier)},
         {"quantity", std::to_string(p.quantity)}},
        "Event " + std::to_string(p.event_id) + ": " + std::to_string(p.quantity) + " ticket(s)",
        "gate-" + p.external_id);
}

void log_settlement(Services& s, const PaymentSettlement& done, std::string_view how) {
    s.metrics.count("gate_payments_total", "status", done.payment.status);
    if (!done.tickets.empty())
        s.metrics.count("gate_tickets_sold_total", "event", std::to_string(done.payment.event_id),
                        static_cast<std::int64_t>(done.tickets.size()));
    s.logger.info("payment settled", {{"payment_id", done.payment.external_id},
                                      {"status", done.payment.status},
                                      {"tickets", static_cast<std::int64_t>(done.tickets.size())},
                                      {"by", std::string(how)}});
}

}  // namespace

ApiResult<Response> start_card_purchase(Services& s, const Principal& buyer, std::int64_t event_id,
                                        int tier, std::int64_t quantity) {
    const auto now = s.clock.now_ms();
    PaymentStart start;
    start.event_id = event_id;
    start.tier = tier;
    start.quantity = quantity;
    start.user_id = buyer.user_id;
    start.method = "card";
    start.external_id = "pay_" + s.random.token(16);
    start.now = now;
    start.expires_at = now + s.settings.card_hold.count();
    auto payment = s.store.begin_payment(start);
    if (!payment.ok()) return fail(payment.error());
    if (payment->amount_cents == 0) {
        // A free ticket: nothing for Stripe to take (it refuses amounts below its minimum).
        PaymentOutcome free;
        free.external_id = payment->external_id;
        free.status = "completed";
        free.actor = "buyer";
        free.note = "nothing to pay: the tier is free";
        free.at = s.clock.now_ms();
        auto settled = s.store.settle_payment(free);
        if (!settled.ok()) return fail(settled.error());
        log_settlement(s, *settled, "free");
        return json_response(201, {{"payment", payment_json(settled->payment, true)}});
    }
    auto intent = create_intent(s, *payment);
    if (!intent.ok()) {
        const auto& e = intent.error();
        s.logger.warn("stripe refused or did not answer a PaymentIntent",
                      {{"payment_id", payment->external_id}, {"error", to_string(e)}});
        if (!e.answered) return fail(provider_unavailable(payment->external_id));
        PaymentOutcome refused;
        refused.external_id = payment->external_id;
        refused.status = "failed";
        refused.actor = std::string(kActor);
        refused.note = "Stripe refused the PaymentIntent: " + e.message;
        if (!e.body.is_null()) refused.provider_detail = e.body.dump();
        refused.failure_reason = e.code.empty() ? std::string("provider_refused") : e.code;
        refused.at = s.clock.now_ms();
        if (auto settled = s.store.settle_payment(refused); !settled.ok())
            return fail(settled.error());
        return fail(ApiError{402, "payment_refused",
                             "the card payment could not be started (payment " +
                                 payment->external_id + "): " + e.message});
    }
    const auto reference = stripe_text(*intent, "id");
    const auto secret = stripe_text(*intent, "client_secret");
    if (reference.empty() || secret.empty()) {
        s.logger.error("stripe answered a PaymentIntent without id or client_secret",
                       {{"payment_id", payment->external_id}});
        return fail(provider_unavailable(payment->external_id));
    }
    if (auto attached = s.store.attach_provider(payment->external_id, reference, secret,
                                                intent_detail(*intent), s.clock.now_ms());
        !attached.ok())
        return fail(attached.error());
    auto current = s.store.find_payment(payment->external_id);
    if (!current.ok()) return fail(current.error());
    if (!current->has_value()) return fail(ApiError{500, "internal", "payment vanished", {}, {}});
    s.logger.info("card payment started", {{"payment_id", payment->external_id},
                                           {"payment_intent", reference},
                                           {"event_id", event_id},
                                           {"amount_cents", payment->amount_cents}});
    // A webhook may have completed it already (Stripe can be faster than our answer).
    return json_response(201, {{"payment", payment_json(**current, true)}});
}

ApiResult<nlohmann::json> apply_stripe_event(Services& s, const nlohmann::json& event) {
    const auto type = stripe_text(event, "type");
    const auto id = stripe_text(event, "id");
    const auto data = event.find("data");
    if (id.empty() || type.empty() || data == event.end() || !data->is_object() ||
        !data->contains("object") || !(*data)["object"].is_object())
        return fail(ApiError{400, "malformed_event", "not a Stripe event object", {}, {}});
    const nlohmann::json& object = (*data)["object"];
    const auto now = s.clock.now_ms();
    nlohmann::json answer{{"received", true}, {"event", id}, {"type", type}};

    if (type.rfind("payment_intent.", 0) == 0) {
        // Ours by the metadata we set; else by the intent's id.
        auto external = metadata_payment(object);
        std::optional<PaymentRecord> payment;
        if (!external.empty()) {
            auto found = s.store.find_payment(external);
            if (!found.ok()) return fail(found.error());
            payment = std::move(*found);
        }
        if (!payment && object.contains("id") && object["id"].is_string()) {
            auto found = s.store.find_payment_by_reference(object["id"].get<std::string>());
            if (!found.ok()) return fail(found.error());
            payment = std::move(*found);
        }
        if (!payment || payment->method != "card") {
            s.logger.warn("stripe event for no payment of ours", {{"event", id}, {"type", type}});
            answer["handled"] = false;
            return answer;
        }
        PaymentOutcome o;
        if (type == "payment_intent.succeeded" || type == "payment_intent.canceled") {
            auto final_state = outcome_of(object, *payment, std::string(kActor), now);
            if (!final_state) {
                answer["handled"] = false;
                return answer;
            }
            o = std::move(*final_state);
        } else {
            // processing, requires_action, payment_failed (the buyer may try another card
            // until the hold is over): noted in the history, nothing else.
            o.external_id = payment->external_id;
            o.status = "pending";
            o.actor = std::string(kActor);
            o.provider_detail = intent_detail(object);
            o.at = now;
            o.note = type == "payment_intent.payment_failed"
                         ? "a card attempt failed; the buyer may try again until the hold ends"
                         : "Stripe reported " + type;
        }
        o.provider = "stripe";
        o.provider_event_id = id;
        o.provider_event_type = type;
        auto settled = s.store.settle_payment(o);
        if (!settled.ok()) return fail(settled.error());
        if (settled->effect == SettleEffect::Applied ||
            settled->effect == SettleEffect::RefundOpened)
            log_settlement(s, *settled, "webhook");
        answer["handled"] = true;
        answer["duplicate"] = settled->effect == SettleEffect::Duplicate;
        answer["payment"] = payment->external_id;
        answer["status"] = settled->payment.status;
        return answer;
    }

    if (type.rfind("refund.", 0) == 0 || type == "charge.refund.updated") {
        const auto metadata = object.find("metadata");
        const auto refund_id = metadata != object.end() && metadata->is_object() &&
                                       metadata->contains("refund") &&
                                       (*metadata)["refund"].is_string()
                                   ? parse_int((*metadata)["refund"].get<std::string>())
                                   : std::nullopt;
        const auto status = stripe_text(object, "status");
        if (!refund_id || (status != "succeeded" && status != "failed" && status != "canceled")) {
            answer["handled"] = false;
            return answer;
        }
        auto settled = s.store.settle_refund(
            RefundOutcome{*refund_id, status == "succeeded" ? "succeeded" : "failed",
                          stripe_text(object, "id"), now});
        if (!settled.ok()) return fail(settled.error());
        if (*settled) s.metrics.count("gate_refunds_total", "status", status);
        answer["handled"] = true;
        answer["refund"] = *refund_id;
        return answer;
    }
    answer["handled"] = false;
    return answer;
}

void sweep_card_payments(Services& s) {
    auto overdue = s.store.overdue_payments(s.clock.now_ms(), 100);
    if (!overdue.ok()) {
        s.logger.warn("payment sweep could not read", {{"error", overdue.error().message}});
        return;
    }
    for (const auto& p : *overdue) {
        if (p.method != "card") continue;
        std::string reference = p.provider_reference.value_or("");
        if (reference.empty()) {
            // The create call's answer was lost: the same key finds the intent again (or
            // makes it, to cancel it at once).
            auto intent = create_intent(s, p);
            if (!intent.ok()) {
                s.logger.warn(
                    "stripe unreachable; seats stay held",
                    {{"payment_id", p.external_id}, {"error", to_string(intent.error())}});
                continue;
            }
            reference = stripe_text(*intent, "id");
            if (auto attached = s.store.attach_provider(p.external_id, reference, std::nullopt,
                                                        intent_detail(*intent), s.clock.now_ms());
                !attached.ok())
                continue;
        }
        auto cancelled = s.stripe.client.cancel_payment_intent(reference, "abandoned",
                                                               "gate-cancel-" + p.external_id);
        nlohmann::json intent;
        if (cancelled.ok()) {
            intent = std::move(cancelled).value();
        } else if (const auto& e = cancelled.error(); !e.answered) {
            s.logger.warn("stripe unreachable; seats stay held",
                          {{"payment_id", p.external_id}, {"error", to_string(e)}});
            continue;
        } else if (e.body.is_object() && e.body["error"].is_object() &&
                   e.body["error"].contains("payment_intent") &&
                   e.body["error"]["payment_intent"].is_object()) {
            intent = e.body["error"]["payment_intent"];  // it had succeeded (or was canceled)
        } else {
            auto current = s.stripe.client.payment_intent(reference);
            if (!current.ok()) {
                s.logger.warn("stripe would not cancel nor show an intent",
                              {{"payment_id", p.external_id}, {"error", to_string(e)}});
                continue;
            }
            intent = std::move(current).value();
        }
        auto outcome = outcome_of(intent, p, "sweeper", s.clock.now_ms());
        if (!outcome) continue;  // still processing at Stripe: asked again next run
        if (outcome->status == "canceled")
            outcome->note = "the hold ended before the payment did; the PaymentIntent was canceled";
        auto settled = s.store.settle_payment(*outcome);
        if (!settled.ok()) {
            s.logger.warn("payment sweep could not record",
                          {{"payment_id", p.external_id}, {"error", settled.error().message}});
            continue;
        }
        log_settlement(s, *settled, "sweeper");
    }
}

}  // namespace gate::backend::payments
