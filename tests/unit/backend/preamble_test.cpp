// The request preamble every endpoint runs (backend/src/Endpoint.h): a body that is not
// JSON is 415 and fields nobody asked for are named, before anything is stored.
#include <doctest/doctest.h>

#include "BackendFixture.h"

using namespace gate;
using namespace gate::test;
using gate::backend::Method;

namespace {

std::int64_t total_events(Backend& b) {
    return b.call(Method::Get, "/api/v1/events?when=all").json()["total"].get<std::int64_t>();
}

backend::Response post_typed(Backend& b, const std::string& target, const std::string& body,
                             const std::optional<std::string>& content_type,
                             const std::string& token) {
    http::Headers headers;
    headers.set("Authorization", "Bearer " + token);
    if (content_type) headers.set("Content-Type", *content_type);
    return b.call_with(Method::Post, target, body, std::move(headers));
}

}  // namespace

TEST_CASE("a body that is not sent as JSON is 415 and stores nothing") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const auto body = b.event_body().dump();
    SUBCASE("no content type") {
        auto r = post_typed(b, "/api/v1/events", body, std::nullopt, owner);
        CHECK(r.status == 415);
        CHECK(r.json()["error"]["code"] == "unsupported_media_type");
    }
    SUBCASE("a form") {
        auto r = post_typed(b, "/api/v1/events", body, "application/x-www-form-urlencoded", owner);
        CHECK(r.status == 415);
    }
    SUBCASE("text") {
        CHECK(post_typed(b, "/api/v1/events", body, "text/plain", owner).status == 415);
    }
    CHECK(total_events(b) == 0);
    SUBCASE("JSON with a charset parameter is JSON") {
        auto r = post_typed(b, "/api/v1/events", body, "Application/JSON; charset=utf-8", owner);
        CHECK(r.status == 201);
    }
}

TEST_CASE("unknown fields are named, at any depth, and nothing is stored") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    auto body = b.event_body();
    SUBCASE("a misspelt top-level field") {
        body["capacty"] = 10;
        auto r = b.call(Method::Post, "/api/v1/events", body, owner);
        REQUIRE(r.status == 400);
        const auto fields = r.json()["error"]["fields"];
        REQUIRE(fields.size() == 1);
        CHECK(fields[0]["field"] == "capacty");
        CHECK(fields[0]["code"] == "unknown");
    }
    SUBCASE("a field inside a tier") {
        body["tiers"][0]["prise_cents"] = 10;
        auto r = b.call(Method::Post, "/api/v1/events", body, owner);
        REQUIRE(r.status == 400);
        CHECK(r.json()["error"]["fields"][0]["field"] == "tiers[0].prise_cents");
    }
    SUBCASE("a validation body") {
        auto r = b.call(Method::Post, "/api/v1/validate",
                        json{{"code", "x"}, {"gate", "g"}, {"gates", "g"}}, owner);
        REQUIRE(r.status == 400);
        CHECK(r.json()["error"]["fields"][0]["field"] == "gates");
    }
    CHECK(total_events(b) == 0);
}
