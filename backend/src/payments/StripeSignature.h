#pragma once
// The Stripe-Signature header of a webhook: "t=<unix seconds>,v1=<hex>[,v1=<hex>...]",
// where each v1 is HMAC-SHA256, keyed with the endpoint's signing secret, over
// "<t>.<raw body>". Several v1 values appear while a secret is being rolled; any one that
// matches is enough. Other schemes (v0) are ignored. docs/payments.md, "Webhooks".

#include <cstdint>
#include <string>
#include <string_view>

#include "gate/Result.h"

namespace gate::backend::payments {

/// Why a signature was refused, for the log and the 400 answer (never the expected value).
enum class SignatureProblem {
    Missing,    ///< no header, or no timestamp in it
    Malformed,  ///< a part that is not key=value, a timestamp that is not a number
    NoV1,       ///< no v1 signature at all
    Stale,      ///< the timestamp is outside the tolerance (a replay, or a wrong clock)
    Mismatch,   ///< no v1 matches: another secret, or a changed body
};

std::string_view to_string(SignatureProblem problem);

/// The v1 signature of `payload` at `timestamp` (lowercase hex), as Stripe computes it.
std::string stripe_v1_signature(std::string_view payload, std::int64_t timestamp,
                                std::string_view secret);

/// Checks `header` against the raw body and the secret. `now` and the tolerance are Unix
/// seconds; a timestamp further than the tolerance from now, past or future, is refused.
/// Comparison is constant-time.
Status<SignatureProblem> verify_stripe_signature(std::string_view payload, std::string_view header,
                                                 std::string_view secret, std::int64_t now,
                                                 std::int64_t tolerance);

}  // namespace gate::backend::payments
