// Wallet sign-in: nonce, signature, token; forged signatures, replays and expiry refused.
#include <doctest/doctest.h>

#include "BackendFixture.h"

using namespace gate::test;
using gate::backend::Method;

namespace {
json nonce_for(Backend& b, const Wallet& w) {
    auto r = b.call(Method::Post, "/api/v1/auth/nonce", json{{"wallet", w.address()}});
    REQUIRE(r.status == 201);
    return r.json();
}
json sign_in_body(const Wallet& signer, const Wallet& claimed, const json& nonce) {
    const auto message = nonce["message"].get<std::string>();
    return {{"wallet", claimed.address()},
            {"nonce", nonce["nonce"]},
            {"signature", signer.key.sign(gate::as_bytes(message)).to_base58()}};
}
}  // namespace

TEST_CASE("a wallet signs the nonce message and gets a bearer token with its role") {
    Backend b;
    auto nonce = nonce_for(b, b.organizer);
    CHECK(nonce["message"] ==
          gate::backend::sign_in_message(b.organizer.address(), nonce["nonce"].get<std::string>()));
    auto r =
        b.call(Method::Post, "/api/v1/auth/sign-in", sign_in_body(b.organizer, b.organizer, nonce));
    REQUIRE(r.status == 200);
    CHECK(r.json()["role"] == "organizer");
    auto me =
        b.call(Method::Get, "/api/v1/auth/me", std::string{}, r.json()["token"].get<std::string>());
    CHECK(me.status == 200);
    CHECK(me.json()["wallet"] == b.organizer.address());
    CHECK(
        b.call(Method::Get, "/api/v1/auth/me", std::string{}, b.sign_in(b.alice)).json()["role"] ==
        "holder");
    CHECK(b.call(Method::Get, "/api/v1/auth/me", std::string{}, b.sign_in(b.validator))
              .json()["role"] == "validator");
}

TEST_CASE("a forged signature is refused and opens no session") {
    Backend b;
    auto nonce = nonce_for(b, b.organizer);
    // Mallory signs with her own key but claims the organizer's wallet.
    Wallet mallory;
    auto r =
        b.call(Method::Post, "/api/v1/auth/sign-in", sign_in_body(mallory, b.organizer, nonce));
    CHECK(r.status == 401);
    CHECK(r.json()["error"]["code"] == "signature_invalid");
    CHECK_FALSE(r.json().contains("token"));
    SUBCASE("a signature that is not base58 is a field error") {
        auto body = sign_in_body(b.organizer, b.organizer, nonce_for(b, b.organizer));
        body["signature"] = "0OIl";
        auto bad = b.call(Method::Post, "/api/v1/auth/sign-in", body);
        CHECK(bad.status == 400);
        CHECK(bad.json()["error"]["fields"][0]["field"] == "signature");
    }
}

TEST_CASE("a nonce works once, even after a failed attempt") {
    Backend b;
    auto nonce = nonce_for(b, b.alice);
    auto body = sign_in_body(b.alice, b.alice, nonce);
    CHECK(b.call(Method::Post, "/api/v1/auth/sign-in", body).status == 200);
    auto replay = b.call(Method::Post, "/api/v1/auth/sign-in", body);
    CHECK(replay.status == 401);
    CHECK(replay.json()["error"]["code"] == "nonce_invalid");

    auto second = nonce_for(b, b.alice);
    Wallet mallory;
    CHECK(b.call(Method::Post, "/api/v1/auth/sign-in", sign_in_body(mallory, b.alice, second))
              .status == 401);
    CHECK(b.call(Method::Post, "/api/v1/auth/sign-in", sign_in_body(b.alice, b.alice, second))
              .status == 401);
}

TEST_CASE("a nonce is bound to its wallet and expires") {
    Backend b;
    auto nonce = nonce_for(b, b.alice);
    // Bob signs Alice's nonce message for himself: the message names Alice, and the nonce is hers.
    auto r = b.call(Method::Post, "/api/v1/auth/sign-in", sign_in_body(b.bob, b.bob, nonce));
    CHECK(r.status == 401);
    auto late = nonce_for(b, b.alice);
    b.clock->advance(b.settings.nonce_ttl.count() + 1);
    CHECK(b.call(Method::Post, "/api/v1/auth/sign-in", sign_in_body(b.alice, b.alice, late))
              .json()["error"]["code"] == "nonce_invalid");
}

TEST_CASE("a token stops working when it expires") {
    Backend b;
    const auto token = b.sign_in(b.alice);
    CHECK(b.call(Method::Get, "/api/v1/tickets/my", std::string{}, token).status == 200);
    b.clock->advance(b.settings.token_ttl.count() + 1);
    auto expired = b.call(Method::Get, "/api/v1/tickets/my", std::string{}, token);
    CHECK(expired.status == 401);
    CHECK(expired.json()["error"]["code"] == "unauthorized");
    CHECK(b.call(Method::Get, "/api/v1/tickets/my", std::string{}, "made-up-token").status == 401);
}

TEST_CASE("sign-in is rate limited per client with Retry-After") {
    Backend b([](gate::backend::Settings& s) { s.sign_in_limit = {6, 3}; });
    int limited = 0;
    std::optional<std::string> retry_after;
    for (int i = 0; i < 6; ++i) {
        auto r = b.call(Method::Post, "/api/v1/auth/nonce", json{{"wallet", b.alice.address()}});
        if (r.status == 429) {
            ++limited;
            retry_after = r.headers.get("Retry-After");
            CHECK(r.json()["error"]["code"] == "rate_limited");
        }
    }
    CHECK(limited == 3);
    REQUIRE(retry_after.has_value());
    CHECK(std::stoi(*retry_after) >= 1);
    b.clock->advance(60 * 1000);
    CHECK(b.call(Method::Post, "/api/v1/auth/nonce", json{{"wallet", b.alice.address()}}).status ==
          201);
}
