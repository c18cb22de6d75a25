#include "Refunds.h"

#include <optional>

namespace gate::backend {

namespace {

// What the payment method says to one refund; nullopt: no answer yet (left pending). A
// real provider would be given `refund.id` as its idempotency key.
std::optional<RefundOutcome> refund_with_method(Services& s, const Refund& refund) {
    if (refund.method != "test") return std::nullopt;
    return RefundOutcome{refund.id, "succeeded", "test_refund_" + s.random.token(12),
                         s.clock.now_ms()};
}

}  // namespace

ApiStatus settle_refunds(Services& s, std::int64_t event_id) {
    auto refunds = s.store.refunds(event_id);
    if (!refunds.ok()) return fail(refunds.error());
    for (const auto& refund : *refunds) {
        if (refund.status != "pending") continue;
        auto outcome = refund_with_method(s, refund);
        if (!outcome) {
            s.logger.warn("refund waits for its payment method",
                          {{"refund_id", refund.id}, {"method", refund.method}});
            continue;
        }
        auto settled = s.store.settle_refund(*outcome);
        if (!settled.ok()) return fail(settled.error());
        if (*settled) {
            s.metrics.count("gate_refunds_total", "status", outcome->status);
            s.logger.info("refund settled", {{"refund_id", refund.id},
                                             {"ticket_id", refund.ticket_id},
                                             {"status", outcome->status},
                                             {"amount_cents", refund.amount_cents}});
        }
    }
    return {};
}

}  // namespace gate::backend
