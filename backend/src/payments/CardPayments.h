#pragma once
// Card payments through Stripe (docs/payments.md, "Card"): a purchase holds the seats and
// creates a PaymentIntent whose client secret the buyer's page confirms with Stripe.js;
// the tickets are issued when the payment_intent.succeeded webhook arrives (or when the
// sweeper learns from Stripe that it succeeded). Seats of a payment that cannot succeed any
// more are given back; money that arrives for seats that are gone is refunded.

#include <cstdint>
#include <nlohmann/json.hpp>

#include "gate/backend/Api.h"
#include "gate/backend/ApiError.h"

namespace gate::backend::payments {

/// Holds the seats for settings.card_hold and creates the PaymentIntent. 201 with the
/// payment (pending, with its client secret); 503 payment_provider_unavailable when Stripe
/// did not answer (the seats stay held until the sweeper has cancelled the intent); 402
/// when Stripe refused it (the seats are given back at once).
ApiResult<Response> start_card_purchase(Services& s, const Principal& buyer, std::int64_t event_id,
                                        int tier, std::int64_t quantity);

/// Applies one Stripe event whose signature was checked. The answer says what it did
/// (the webhook's 200 body); a store failure is an error, so Stripe delivers it again.
ApiResult<nlohmann::json> apply_stripe_event(Services& s, const nlohmann::json& event);

/// For each pending card payment whose hold is over (or whose event was cancelled): asks
/// Stripe to cancel its intent, then gives the seats back; an intent that had succeeded
/// issues the tickets instead. A payment Stripe does not answer for waits for the next run.
void sweep_card_payments(Services& s);

}  // namespace gate::backend::payments
