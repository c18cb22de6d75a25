#include "Refunds.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "payments/StripeAccount.h"

namespace gate::backend {

namespace {

// The wait before the next attempt after `attempts` failed ones: 5 s, doubling, at most 1 h.
std::int64_t retry_delay_ms(std::int64_t attempts) {
    const std::int64_t shift = std::min<std::int64_t>(attempts, 10);
    return std::min<std::int64_t>(5000LL << shift, 3600 * 1000);
}

// What the method answered: settled (succeeded/failed), or still open with why.
struct Attempt {
    std::optional<RefundOutcome> outcome;
    std::string error;
    std::optional<std::string> provider_reference;
};

Attempt refund_by_card(Services& s, const Refund& refund) {
    Attempt a;
    if (!s.stripe.configured()) {
        a.error = "card payments are not configured on this server";
        return a;
    }
    if (!refund.payment_reference) {
        a.error = "the payment has no PaymentIntent";
        return a;
    }
    // Known to Stripe already: ask how it stands; otherwise create it (same key, same refund).
    auto answer = refund.provider_reference
                      ? s.stripe.client.refund(*refund.provider_reference)
                      : s.stripe.client.create_refund(
                            *refund.payment_reference, refund.amount_cents,
                            {{"refund", std::to_string(refund.id)}, {"payment", refund.payment}},
                            "gate-refund-" + std::to_string(refund.id));
    if (!answer.ok()) {
        const auto& e = answer.error();
        a.error = payments::to_string(e);
        // Refused for good (say, the charge was disputed): failed, for the organizer to see.
        if (e.answered) a.outcome = RefundOutcome{refund.id, "failed", "", s.clock.now_ms()};
        return a;
    }
    const auto id = payments::stripe_text(*answer, "id");
    const auto status = payments::stripe_text(*answer, "status");
    a.provider_reference = id.empty() ? std::nullopt : std::optional<std::string>(id);
    if (status == "succeeded")
        a.outcome = RefundOutcome{refund.id, "succeeded", id, s.clock.now_ms()};
    else if (status == "failed" || status == "canceled")
        a.outcome = RefundOutcome{refund.id, "failed", id, s.clock.now_ms()};
    else
        a.error = "Stripe reports the refund " + (status.empty() ? "unknown" : status);
    return a;
}

Attempt refund_with_method(Services& s, const Refund& refund) {
    if (refund.method == "test")
        return {RefundOutcome{refund.id, "succeeded", "test_refund_" + s.random.token(12),
                              s.clock.now_ms()},
                {},
                std::nullopt};
    if (refund.method == "card") return refund_by_card(s, refund);
    return {std::nullopt, "no refund path for method " + refund.method, std::nullopt};
}

ApiStatus settle(Services& s, const std::vector<Refund>& refunds) {
    const auto now = s.clock.now_ms();
    for (const auto& refund : refunds) {
        if (refund.status != "pending" || refund.next_attempt_at > now) continue;
        auto attempt = refund_with_method(s, refund);
        if (!attempt.outcome) {
            s.logger.warn(
                "refund waits for its payment method",
                {{"refund_id", refund.id}, {"method", refund.method}, {"why", attempt.error}});
            if (auto noted = s.store.refund_attempt_failed(refund.id, attempt.error,
                                                           attempt.provider_reference,
                                                           now + retry_delay_ms(refund.attempts));
                !noted.ok())
                return fail(noted.error());
            continue;
        }
        if (attempt.outcome->status == "failed" && !attempt.error.empty())
            static_cast<void>(s.store.refund_attempt_failed(refund.id, attempt.error,
                                                            attempt.provider_reference, now));
        auto settled = s.store.settle_refund(*attempt.outcome);
        if (!settled.ok()) return fail(settled.error());
        if (*settled) {
            s.metrics.count("gate_refunds_total", "status", attempt.outcome->status);
            s.logger.info("refund settled",
                          {{"refund_id", refund.id},
                           {"ticket_id", refund.ticket_id ? *refund.ticket_id : 0},
                           {"payment_id", refund.payment},
                           {"status", attempt.outcome->status},
                           {"amount_cents", refund.amount_cents}});
        }
    }
    return {};
}

}  // namespace

ApiStatus settle_refunds(Services& s, std::int64_t event_id) {
    auto refunds = s.store.refunds(event_id);
    if (!refunds.ok()) return fail(refunds.error());
    return settle(s, *refunds);
}

ApiStatus settle_due_refunds(Services& s) {
    auto refunds = s.store.due_refunds(s.clock.now_ms(), 100);
    if (!refunds.ok()) return fail(refunds.error());
    return settle(s, *refunds);
}

}  // namespace gate::backend
