#pragma once
// Settling refunds: the payment method's side of the refunds the store opens (a cancelled
// event's paid tickets, a revoked paid ticket, a payment that could not become tickets;
// docs/payments.md, "Refunds").

#include <cstdint>

#include "gate/backend/Api.h"
#include "gate/backend/ApiError.h"

namespace gate::backend {

/// Runs each pending refund of the event through its payment method and records the
/// answer. The `test` method refunds at once, `card` through Stripe's Refunds API (the
/// refund's id is the idempotency key, so a retry never refunds twice). A refund the
/// method did not settle stays pending with its attempt counted and a later retry time.
/// A refund recorded by a concurrent call is not recorded twice (Store::settle_refund).
ApiStatus settle_refunds(Services& s, std::int64_t event_id);

/// The same for every pending refund whose retry time has come (the payment sweeper).
ApiStatus settle_due_refunds(Services& s);

}  // namespace gate::backend
