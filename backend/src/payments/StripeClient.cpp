#include "payments/StripeClient.h"

#include "gate/http/Client.h"

namespace gate::backend::payments {

namespace {

// Object ids go into paths: only the characters Stripe's ids are made of.
bool safe_id(std::string_view id) {
    if (id.empty() || id.size() > 255) return false;
    for (const char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    return true;
}

StripeError bad_id(std::string_view what) {
    StripeError e;
    e.answered = true;
    e.type = "invalid_request_error";
    e.message = std::string(what) + " is not a Stripe id";
    return e;
}

}  // namespace

StripeClient::StripeClient(StripeOptions options) : options_(std::move(options)) {}

StripeResult StripeClient::call(bool post, const std::string& path, const FormFields& fields,
                                const std::string& idempotency_key) const {
    http::ClientOptions client_options;
    client_options.timeout = options_.timeout;
    client_options.user_agent = "gate-ticket-api";
    http::Client client(client_options);
    http::Request request;
    request.method = post ? http::Method::Post : http::Method::Get;
    request.url = options_.api_url + path;
    request.headers.set("Authorization", "Bearer " + options_.secret_key);
    request.headers.set("Accept", "application/json");
    if (post) {
        request.headers.set("Content-Type", "application/x-www-form-urlencoded");
        request.body = form_encode(fields);
    }
    if (!idempotency_key.empty()) request.headers.set("Idempotency-Key", idempotency_key);
    auto answer = client.send(request);
    StripeError error;
    if (!answer.ok()) {
        error.message = http::to_string(answer.error());
        return fail(std::move(error));
    }
    error.status = answer->status;
    auto body = answer->json();
    if (answer->success()) {
        if (body.ok() && body->is_object()) return std::move(body).value();
        error.answered = false;  // a 2xx we cannot read: the outcome is unknown
        error.message =
            "stripe answered " + std::to_string(answer->status) + " without a JSON object";
        return fail(std::move(error));
    }
    // 5xx and 429: Stripe did not settle the request (or asks us to slow down): retry later.
    error.answered = answer->status < 500 && answer->status != 429;
    if (body.ok() && body->is_object()) {
        const auto& e = (*body)["error"];
        if (e.is_object()) {
            error.type = stripe_text(e, "type");
            error.code = stripe_text(e, "code");
            error.message = stripe_text(e, "message");
        }
        error.body = std::move(body).value();
    }
    if (error.message.empty()) error.message = "stripe answered " + std::to_string(answer->status);
    return fail(std::move(error));
}

StripeResult StripeClient::create_payment_intent(std::int64_t amount, std::string_view currency,
                                                 const FormFields& metadata,
                                                 std::string_view description,
                                                 const std::string& idempotency_key) const {
    FormFields fields{{"amount", std::to_string(amount)},
                      {"currency", std::string(currency)},
                      {"automatic_payment_methods[enabled]", "true"},
                      {"description", std::string(description)}};
    for (const auto& [key, value] : metadata)
        fields.emplace_back("metadata[" + key + "]", value);
    return call(true, "/v1/payment_intents", fields, idempotency_key);
}

StripeResult StripeClient::payment_intent(const std::string& id) const {
    if (!safe_id(id)) return fail(bad_id("the PaymentIntent"));
    return call(false, "/v1/payment_intents/" + id, {}, {});
}

StripeResult StripeClient::cancel_payment_intent(const std::string& id, std::string_view reason,
                                                 const std::string& idempotency_key) const {
    if (!safe_id(id)) return fail(bad_id("the PaymentIntent"));
    return call(true, "/v1/payment_intents/" + id + "/cancel",
                {{"cancellation_reason", std::string(reason)}}, idempotency_key);
}

StripeResult StripeClient::create_refund(const std::string& payment_intent, std::int64_t amount,
                                         const FormFields& metadata,
                                         const std::string& idempotency_key) const {
    if (!safe_id(payment_intent)) return fail(bad_id("the PaymentIntent"));
    FormFields fields{{"payment_intent", payment_intent}, {"amount", std::to_string(amount)}};
    for (const auto& [key, value] : metadata)
        fields.emplace_back("metadata[" + key + "]", value);
    return call(true, "/v1/refunds", fields, idempotency_key);
}

StripeResult StripeClient::refund(const std::string& id) const {
    if (!safe_id(id)) return fail(bad_id("the refund"));
    return call(false, "/v1/refunds/" + id, {}, {});
}

std::string stripe_text(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::optional<std::int64_t> stripe_integer(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

std::string to_string(const StripeError& error) {
    std::string out = "stripe";
    if (error.status != 0) out += " " + std::to_string(error.status);
    if (!error.type.empty()) out += " " + error.type + (error.code.empty() ? "" : "/" + error.code);
    return out + ": " + error.message;
}

}  // namespace gate::backend::payments
