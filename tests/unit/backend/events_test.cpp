// Events: field validation, ownership, listing with filters and pagination, statistics.
#include <doctest/doctest.h>

#include "BackendFixture.h"

using namespace gate::test;
using gate::backend::Method;

namespace {
std::int64_t total_events(Backend& b) {
    return b.call(Method::Get, "/api/v1/events?when=all").json()["total"].get<std::int64_t>();
}
}  // namespace

TEST_CASE("an organizer creates an event with tiers") {
    Backend b;
    const auto token = b.sign_in(b.organizer);
    auto created = b.call(Method::Post, "/api/v1/events", b.event_body(), token);
    REQUIRE(created.status == 201);
    const auto e = created.json();
    CHECK(e["name"] == "Test Concert");
    CHECK(e["organizer"] == b.organizer.address());
    CHECK(e["available"] == 100);
    REQUIRE(e["tiers"].size() == 2);
    CHECK(e["tiers"][0]["limit"] == 100);
    CHECK(e["tiers"][1]["limit"] == 10);
    CHECK(created.headers.get("Location") ==
          "/api/v1/events/" + std::to_string(e["id"].get<int>()));
    auto fetched = b.call(Method::Get, "/api/v1/events/" + std::to_string(e["id"].get<int>()));
    CHECK(fetched.status == 200);
    CHECK(fetched.json() == e);
}

TEST_CASE("each invalid field is named and nothing is stored") {
    Backend b;
    const auto token = b.sign_in(b.organizer);
    struct Case {
        const char* field;
        json value;
        const char* code;
    };
    const auto now = b.clock->now_ms();
    const Case cases[] = {
        {"name", std::string(101, 'x'), "too_long"},
        {"name", "", "too_short"},
        {"name", 42, "wrong_type"},
        {"venue", std::string(101, 'v'), "too_long"},
        {"capacity", 0, "out_of_range"},
        {"capacity", 100001, "out_of_range"},
        {"capacity", "100", "wrong_type"},
        {"starts_at", now - 1000, "invalid"},
        {"ends_at", now + kDay - 1, "invalid"},
        {"tiers", json::array(), "too_short"},
        {"image_url", "javascript:alert(1)", "invalid"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.field);
        CAPTURE(c.value.dump());
        auto body = b.event_body();
        body[c.field] = c.value;
        auto r = b.call(Method::Post, "/api/v1/events", body, token);
        CHECK(r.status == 400);
        CHECK(r.json()["error"]["code"] == "validation_failed");
        const auto fields = r.json()["error"]["fields"];
        REQUIRE_MESSAGE(fields.size() >= 1, r.body);
        CHECK(fields[0]["field"] == c.field);
        CHECK(fields[0]["code"] == c.code);
    }
    SUBCASE("a negative price and a missing field") {
        auto body = b.event_body();
        body["tiers"][1]["price_cents"] = -1;
        body.erase("venue");
        auto r = b.call(Method::Post, "/api/v1/events", body, token);
        const auto fields = r.json()["error"]["fields"];
        REQUIRE(fields.size() == 2);
        CHECK(fields[0]["field"] == "venue");
        CHECK(fields[0]["code"] == "missing");
        CHECK(fields[1]["field"] == "tiers[1].price_cents");
    }
    SUBCASE("malformed JSON") {
        auto r = b.call(Method::Post, "/api/v1/events", std::string("{\"name\": \"x\""), token);
        CHECK(r.status == 400);
        CHECK(r.json()["error"]["code"] == "malformed_json");
    }
    CHECK(total_events(b) == 0);
}

TEST_CASE("only organizers create events, and only the owner updates or reads statistics") {
    Backend b;
    const auto holder = b.sign_in(b.alice);
    auto refused = b.call(Method::Post, "/api/v1/events", b.event_body(), holder);
    CHECK(refused.status == 403);
    CHECK(b.call(Method::Post, "/api/v1/events", b.event_body()).status == 401);

    const auto owner = b.sign_in(b.organizer);
    const auto other = b.sign_in(b.other_organizer);
    const auto id = std::to_string(b.create_event(owner, b.event_body()));
    auto hijack = b.call(Method::Put, "/api/v1/events/" + id, json{{"name", "Mine now"}}, other);
    CHECK(hijack.status == 403);
    CHECK(b.call(Method::Get, "/api/v1/events/" + id + "/stats", std::string{}, other).status ==
          403);
    CHECK(b.call(Method::Get, "/api/v1/events/" + id).json()["name"] == "Test Concert");

    auto renamed = b.call(Method::Put, "/api/v1/events/" + id,
                          json{{"name", "Renamed"}, {"capacity", 50}}, owner);
    CHECK(renamed.status == 200);
    CHECK(renamed.json()["name"] == "Renamed");
    CHECK(renamed.json()["capacity"] == 50);
    CHECK(b.call(Method::Put, "/api/v1/events/" + id, json{{"status", "over"}}, owner).status ==
          400);
    CHECK(b.call(Method::Put, "/api/v1/events/999", json{{"name", "x"}}, owner).status == 404);
}

TEST_CASE("listing filters by time, venue and name, and pages") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    for (int i = 0; i < 5; ++i) {
        auto body = b.event_body("Show " + std::to_string(i));
        body["starts_at"] = b.clock->now_ms() + (i + 1) * kDay;
        body["ends_at"] = b.clock->now_ms() + (i + 1) * kDay + kHour;
        if (i == 4) body["venue"] = "Other Hall";
        b.create_event(owner, body);
    }
    auto page = b.call(Method::Get, "/api/v1/events?limit=2&offset=1").json();
    CHECK(page["total"] == 5);
    REQUIRE(page["events"].size() == 2);
    CHECK(page["events"][0]["name"] == "Show 1");
    CHECK(b.call(Method::Get, "/api/v1/events?venue=Other%20Hall").json()["total"] == 1);
    CHECK(b.call(Method::Get, "/api/v1/events?q=Show%203").json()["total"] == 1);
    CHECK(b.call(Method::Get, "/api/v1/events?q=%25").json()["total"] == 0);  // % is literal
    CHECK(b.call(Method::Get, "/api/v1/events?when=active").json()["total"] == 0);
    b.clock->advance(kDay + 30 * 60 * 1000);
    CHECK(b.call(Method::Get, "/api/v1/events?when=active").json()["total"] == 1);
    CHECK(b.call(Method::Get, "/api/v1/events?when=upcoming").json()["total"] == 4);
    auto bad = b.call(Method::Get, "/api/v1/events?limit=1000&when=someday");
    CHECK(bad.status == 400);
    CHECK(bad.json()["error"]["fields"].size() == 2);
}

TEST_CASE("SQL metacharacters in text fields are stored verbatim and harm nothing") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const std::string nasty = "Robert'); DROP TABLE events;-- \"%_\\";
    auto body = b.event_body(nasty);
    body["venue"] = "' OR '1'='1";
    body["description"] = "1; DELETE FROM tickets WHERE 1=1; --";
    body["tiers"][0]["name"] = "x' UNION SELECT * FROM sessions --";
    const auto id = b.create_event(owner, body);
    auto e = b.call(Method::Get, "/api/v1/events/" + std::to_string(id)).json();
    CHECK(e["name"] == nasty);
    CHECK(e["venue"] == "' OR '1'='1");
    CHECK(e["tiers"][0]["name"] == "x' UNION SELECT * FROM sessions --");
    CHECK(b.call(Method::Get, "/api/v1/events?venue=%27%20OR%20%271%27%3D%271").json()["total"] ==
          1);
    CHECK(b.call(Method::Get, "/api/v1/events?venue=x%27%20OR%201%3D1%20--").json()["total"] == 0);
    CHECK(total_events(b) == 1);
}
