// Stripe pieces on their own: the Stripe-Signature check (a known answer computed with
// Python's hmac, the header's shapes, the tolerance at its edges), the form encoding, and
// reading Stripe's objects. Signatures made by the official stripe package are checked end
// to end in tests/e2e/payments.
#include <doctest/doctest.h>

#include <string>

#include "payments/FormEncoding.h"
#include "payments/StripeClient.h"
#include "payments/StripeSignature.h"

using namespace gate::backend::payments;

namespace {

constexpr std::string_view kSecret = "whsec_test_secret";
constexpr std::string_view kPayload = R"({"id":"evt_1","object":"event"})";
constexpr std::int64_t kAt = 1700000000;
const std::string kKnown = "0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd";

SignatureProblem refused(std::string_view header, std::int64_t now = kAt,
                         std::string_view payload = kPayload) {
    auto checked = verify_stripe_signature(payload, header, kSecret, now, 300);
    REQUIRE_FALSE(checked.ok());
    return checked.error();
}

}  // namespace

TEST_CASE("the v1 signature is HMAC-SHA256 of the timestamp, a dot and the raw body") {
    CHECK(stripe_v1_signature(kPayload, kAt, kSecret) == kKnown);
    CHECK(stripe_v1_signature(kPayload, kAt + 1, kSecret) != kKnown);
}

TEST_CASE("a header with a matching v1 inside the tolerance is accepted") {
    const std::string good = "t=" + std::to_string(kAt) + ",v1=" + kKnown;
    CHECK(verify_stripe_signature(kPayload, good, kSecret, kAt, 300).ok());
    CHECK(verify_stripe_signature(kPayload, good, kSecret, kAt + 300, 300).ok());
    CHECK(verify_stripe_signature(kPayload, good, kSecret, kAt - 300, 300).ok());
    // Several v1 (a secret being rolled), v0 and unknown schemes beside it, spaces.
    const std::string mixed = "t=" + std::to_string(kAt) + ", v1=" + std::string(64, 'a') +
                              ",v0=" + std::string(64, 'b') + ",v1=" + kKnown + ",x=1";
    CHECK(verify_stripe_signature(kPayload, mixed, kSecret, kAt, 300).ok());
}

TEST_CASE("stale, forged, altered and malformed headers are refused with their reason") {
    const std::string t = "t=" + std::to_string(kAt);
    CHECK(refused(t + ",v1=" + kKnown, kAt + 301) == SignatureProblem::Stale);
    CHECK(refused(t + ",v1=" + kKnown, kAt - 301) == SignatureProblem::Stale);
    CHECK(refused(t + ",v1=" + std::string(64, '0')) == SignatureProblem::Mismatch);
    CHECK(refused(t + ",v1=" + kKnown, kAt, R"({"id":"evt_2","object":"event"})") ==
          SignatureProblem::Mismatch);
    CHECK(refused(t + ",v1=" + kKnown.substr(0, 63)) == SignatureProblem::Mismatch);
    CHECK(refused(t + ",v0=" + kKnown) == SignatureProblem::NoV1);
    CHECK(refused(t) == SignatureProblem::NoV1);
    CHECK(refused("") == SignatureProblem::Missing);
    CHECK(refused("v1=" + kKnown) == SignatureProblem::Missing);
    CHECK(refused("t=17x,v1=" + kKnown) == SignatureProblem::Malformed);
    CHECK(refused("t=,v1=" + kKnown) == SignatureProblem::Malformed);
    CHECK(refused(t + "," + t + ",v1=" + kKnown) == SignatureProblem::Malformed);  // which t?
    CHECK(refused(t + ",garbage,v1=" + kKnown) == SignatureProblem::Malformed);
    // Another secret signs differently.
    CHECK(verify_stripe_signature(kPayload, t + ",v1=" + kKnown, "whsec_other", kAt, 300).error() ==
          SignatureProblem::Mismatch);
}

TEST_CASE("form bodies encode Stripe's nested keys and escape every reserved character") {
    CHECK(form_encode({{"amount", "1500"}, {"currency", "eur"}}) == "amount=1500&currency=eur");
    CHECK(form_encode({{"metadata[payment]", "pay_x"}}) == "metadata[payment]=pay_x");
    CHECK(form_encode({{"description", "Event 1: 2 ticket(s) & more=yes"}}) ==
          "description=Event%201%3A%202%20ticket%28s%29%20%26%20more%3Dyes");
    CHECK(form_encode({{"a b", "é"}}) == "a%20b=%C3%A9");
    CHECK(form_encode({}).empty());
}

TEST_CASE("fields of Stripe objects are read without trusting their types") {
    const auto object = nlohmann::json::parse(
        R"({"id": "pi_1", "status": null, "amount": 1500, "currency": 7, "amount_received": "15"})");
    CHECK(stripe_text(object, "id") == "pi_1");
    CHECK(stripe_text(object, "status").empty());    // null, as Stripe sends unset fields
    CHECK(stripe_text(object, "currency").empty());  // another type
    CHECK(stripe_text(object, "missing").empty());
    CHECK(stripe_text(nlohmann::json::array(), "id").empty());
    CHECK(stripe_integer(object, "amount") == 1500);
    CHECK_FALSE(stripe_integer(object, "amount_received"));
    CHECK_FALSE(stripe_integer(object, "status"));
}
