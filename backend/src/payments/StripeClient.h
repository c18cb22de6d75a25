#pragma once
// StripeClient: the few calls of Stripe's REST API that card payments need (PaymentIntents
// and Refunds), form-encoded, with an Idempotency-Key on every create, so a retry after a
// lost answer gets the first call's object instead of a second charge or refund. The
// secret key goes only into the Authorization header: never into a log line or an error.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gate/Result.h"
#include "payments/FormEncoding.h"

namespace gate::backend::payments {

struct StripeOptions {
    std::string api_url = "https://api.stripe.com";  ///< no trailing slash
    std::string secret_key;                          ///< sk_live_... / sk_test_...
    std::chrono::milliseconds timeout{10000};
};

/// Why a call produced no object. `answered` is false when Stripe was not reached or did
/// not answer (network, timeout, 5xx): the outcome is unknown and the call may be retried
/// with the same idempotency key. Otherwise Stripe refused the request (4xx) and said why.
struct StripeError {
    bool answered = false;
    int status = 0;
    std::string type;     ///< error.type: card_error, invalid_request_error, ...
    std::string code;     ///< error.code, e.g. payment_intent_unexpected_state
    std::string message;  ///< Stripe's message, or what went wrong on the way
    nlohmann::json body;  ///< the whole answer when there was one (error.payment_intent...)
};

using StripeResult = Result<nlohmann::json, StripeError>;

class StripeClient {
  public:
    explicit StripeClient(StripeOptions options);

    bool configured() const { return !options_.secret_key.empty(); }

    /// POST /v1/payment_intents.
    StripeResult create_payment_intent(std::int64_t amount, std::string_view currency,
                                       const FormFields& metadata, std::string_view description,
                                       const std::string& idempotency_key) const;
    /// GET /v1/payment_intents/{id}.
    StripeResult payment_intent(const std::string& id) const;
    /// POST /v1/payment_intents/{id}/cancel.
    StripeResult cancel_payment_intent(const std::string& id, std::string_view reason,
                                       const std::string& idempotency_key) const;
    /// POST /v1/refunds for (part of) a PaymentIntent.
    StripeResult create_refund(const std::string& payment_intent, std::int64_t amount,
                               const FormFields& metadata,
                               const std::string& idempotency_key) const;
    /// GET /v1/refunds/{id}.
    StripeResult refund(const std::string& id) const;

  private:
    StripeResult call(bool post, const std::string& path, const FormFields& fields,
                      const std::string& idempotency_key) const;

    StripeOptions options_;
};

/// A string field of a Stripe object; "" when it is missing, null or of another type
/// (Stripe sends null for unset fields).
std::string stripe_text(const nlohmann::json& object, std::string_view key);
/// An integer field of a Stripe object, if it is one.
std::optional<std::int64_t> stripe_integer(const nlohmann::json& object, std::string_view key);

/// One line for logs: "stripe 402 card_error/card_declined: Your card was declined."
std::string to_string(const StripeError& error);

}  // namespace gate::backend::payments
