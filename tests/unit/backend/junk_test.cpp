// Junk a client may send (issue: "junk accepted"): each is refused with the field named and
// nothing is stored.
#include <doctest/doctest.h>

#include "BackendFixture.h"

using namespace gate::test;
using gate::backend::Method;

namespace {

std::int64_t total_events(Backend& b) {
    return b.call(Method::Get, "/api/v1/events?when=all").json()["total"].get<std::int64_t>();
}

std::string first_field(const gate::backend::Response& r) {
    REQUIRE(r.status == 400);
    return r.json()["error"]["fields"][0]["field"].get<std::string>();
}

}  // namespace

TEST_CASE("names of only spaces or with control characters are refused") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    for (const std::string& bad : {std::string("   "), std::string("Night\nout"),
                                   std::string("Tab\tbed"), std::string("Bell\x07")}) {
        CAPTURE(bad);
        auto body = b.event_body();
        body["name"] = bad;
        CHECK(first_field(b.call(Method::Post, "/api/v1/events", body, owner)) == "name");
        body = b.event_body();
        body["venue"] = bad;
        CHECK(first_field(b.call(Method::Post, "/api/v1/events", body, owner)) == "venue");
        body = b.event_body();
        body["tiers"][0]["name"] = bad;
        CHECK(first_field(b.call(Method::Post, "/api/v1/events", body, owner)) == "tiers[0].name");
    }
    CHECK(total_events(b) == 0);
    // Spaces inside a name are fine.
    auto body = b.event_body();
    body["name"] = " Summer  Night ";
    CHECK(b.call(Method::Post, "/api/v1/events", body, owner).status == 201);
}

TEST_CASE("two tiers of one event cannot share a name") {
    Backend b;
    auto body = b.event_body();
    body["tiers"] = json::array(
        {{{"name", "general"}, {"price_cents", 100}}, {{"name", "general"}, {"price_cents", 200}}});
    CHECK(first_field(b.call(Method::Post, "/api/v1/events", body, b.sign_in(b.organizer))) ==
          "tiers[1].name");
    CHECK(total_events(b) == 0);
}

TEST_CASE("capacity cannot exceed what the tiers can sell") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    auto body = b.event_body("Capped", 100);
    body["tiers"] = json::array({{{"name", "a"}, {"price_cents", 100}, {"limit", 30}},
                                 {{"name", "b"}, {"price_cents", 100}, {"limit", 40}}});
    CHECK(first_field(b.call(Method::Post, "/api/v1/events", body, owner)) == "capacity");
    CHECK(total_events(b) == 0);
    body["capacity"] = 70;
    const auto id = b.create_event(owner, body);
    auto raised =
        b.call(Method::Put, "/api/v1/events/" + std::to_string(id), json{{"capacity", 71}}, owner);
    CHECK(first_field(raised) == "capacity");
    CHECK(b.call(Method::Get, "/api/v1/events/" + std::to_string(id)).json()["capacity"] == 70);
}

TEST_CASE("a check-in list names only tiers the event has") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const auto id = b.create_event(owner, b.event_body());  // one tier: 0
    const auto path = "/api/v1/events/" + std::to_string(id) + "/checkin-lists";
    CHECK(first_field(b.call(Method::Post, path, json{{"name", "VIP"}, {"tiers", {0, 3}}},
                             owner)) == "tiers[1]");
    CHECK(first_field(b.call(Method::Post, path, json{{"name", " "}}, owner)) == "name");
    CHECK(b.call(Method::Post, path, json{{"name", "Main"}, {"tiers", {0}}}, owner).status == 201);
}
