#include "payments/StripeSignature.h"

#include <sodium/crypto_auth_hmacsha256.h>

#include <charconv>
#include <optional>
#include <vector>

#include "ConstantTime.h"
#include "gate/Bytes.h"
#include "gate/codec/Hex.h"

namespace gate::backend::payments {

std::string_view to_string(SignatureProblem problem) {
    switch (problem) {
        case SignatureProblem::Missing:
            return "no Stripe-Signature header with a timestamp";
        case SignatureProblem::Malformed:
            return "the Stripe-Signature header is malformed";
        case SignatureProblem::NoV1:
            return "the Stripe-Signature header has no v1 signature";
        case SignatureProblem::Stale:
            return "the signature's timestamp is outside the tolerance";
        case SignatureProblem::Mismatch:
            return "no signature matches the payload";
    }
    return "unknown";
}

std::string stripe_v1_signature(std::string_view payload, std::int64_t timestamp,
                                std::string_view secret) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
    const std::string prefix = std::to_string(timestamp) + ".";
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(prefix.data()),
                                  prefix.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(payload.data()),
                                  payload.size());
    std::array<std::uint8_t, crypto_auth_hmacsha256_BYTES> mac{};
    crypto_auth_hmacsha256_final(&state, mac.data());
    return codec::hex_encode(ByteView(mac.data(), mac.size()));
}

Status<SignatureProblem> verify_stripe_signature(std::string_view payload, std::string_view header,
                                                 std::string_view secret, std::int64_t now,
                                                 std::int64_t tolerance) {
    std::optional<std::int64_t> timestamp;
    std::vector<std::string_view> v1;
    bool malformed = false;
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view part = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!part.empty() && part.front() == ' ')
            part.remove_prefix(1);
        const auto equals = part.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            malformed = true;
            continue;
        }
        const auto key = part.substr(0, equals);
        const auto value = part.substr(equals + 1);
        if (key == "t") {
            std::int64_t t = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), t);
            if (error != std::errc{} || end != value.data() + value.size() || timestamp) {
                malformed = true;
                continue;
            }
            timestamp = t;
        } else if (key == "v1") {
            v1.push_back(value);
        }
    }
    // A part that is not key=value, or a second timestamp (which one would be meant?).
    if (malformed && (timestamp || !v1.empty())) return fail(SignatureProblem::Malformed);
    if (!timestamp) return fail(SignatureProblem::Missing);
    if (v1.empty()) return fail(SignatureProblem::NoV1);
    // Checked before the signature, as Stripe's libraries do; both answers are refusals.
    if (*timestamp < now - tolerance || *timestamp > now + tolerance)
        return fail(SignatureProblem::Stale);
    const std::string expected = stripe_v1_signature(payload, *timestamp, secret);
    bool matched = false;
    for (const auto candidate : v1)
        matched = equal_in_constant_time(candidate, expected) || matched;
    if (!matched) return fail(SignatureProblem::Mismatch);
    return {};
}

}  // namespace gate::backend::payments
