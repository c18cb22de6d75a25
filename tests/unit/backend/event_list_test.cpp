// The event list as clients poll it: an ETag and 304 for a list they already have, a list
// that is built once while no event changes, and never a stale one after a change, made
// by this process, another one, or by hand in the database.
#include <doctest/doctest.h>

#include "BackendFixture.h"

using namespace gate::test;

namespace {

gate::backend::Response list(Backend& b, const std::string& query = "",
                             const std::optional<std::string>& etag = std::nullopt) {
    gate::http::Headers headers;
    if (etag) headers.set("If-None-Match", *etag);
    return b.call_with(Method::Get, "/api/v1/events" + query, "", std::move(headers));
}

std::int64_t available(const gate::backend::Response& r, std::int64_t event_id) {
    const json page = r.json();  // not a temporary's member: the loop would outlive it
    for (const auto& e : page["events"])
        if (e["id"] == event_id) return e["available"].get<std::int64_t>();
    return -1;
}

}  // namespace

TEST_CASE("a polled list answers 304 until something in it changes") {
    Backend b;
    const auto org = b.sign_in(b.organizer);
    const auto id = b.create_event(org, b.event_body("Polled", 10));
    auto first = list(b);
    REQUIRE(first.status == 200);
    const auto etag = first.headers.get("ETag");
    REQUIRE(etag.has_value());
    CHECK(first.headers.get("Cache-Control") == "no-cache");
    CHECK(available(first, id) == 10);

    auto again = list(b, "", etag);
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.headers.get("ETag") == etag);
    // Another filter is another list, with its own tag.
    auto other = list(b, "?limit=1", etag);
    CHECK(other.status == 200);
    CHECK(other.headers.get("ETag") != etag);

    b.buy(b.sign_in(b.alice), id);  // a seat fewer: the list changed
    auto changed = list(b, "", etag);
    CHECK(changed.status == 200);
    CHECK(changed.headers.get("ETag") != etag);
    CHECK(available(changed, id) == 9);
}

TEST_CASE("a change made by another process shows in the next list at once") {
    Backend b;
    auto other = b.another_process();
    const auto org = b.sign_in(b.organizer);
    const auto id = b.create_event(org, b.event_body("Shared", 10));
    CHECK(available(list(b), id) == 10);
    CHECK(available(list(b), id) == 10);  // from the cache
    // The other process sells a seat; this one's cached list must not survive it.
    const auto alice = b.sign_in(b.alice, other.get());
    auto bought = b.call_on(*other, Method::Post, "/api/v1/tickets/mint",
                            json{{"event_id", id}, {"tier", 0}, {"payment_method", "test"}}, alice);
    REQUIRE(bought.status == 201);
    CHECK(available(list(b), id) == 9);
}

TEST_CASE("an event edited by hand in the database shows in the next list") {
    Backend b;
    const auto org = b.sign_in(b.organizer);
    const auto id = b.create_event(org, b.event_body("Before", 10));
    auto before = list(b);
    REQUIRE(before.status == 200);
    {
        auto db = b.open_db();
        REQUIRE(db.execute("UPDATE events SET name = 'After' WHERE id = ?", id).ok());
    }
    auto after = list(b, "", before.headers.get("ETag"));
    REQUIRE(after.status == 200);
    CHECK(after.json()["events"][0]["name"] == "After");
    // A tier edited by hand too.
    {
        auto db = b.open_db();
        REQUIRE(db.execute(
                      "UPDATE event_tiers SET name = 'balcony' WHERE event_id = ? AND tier = 0", id)
                    .ok());
    }
    CHECK(list(b).json()["events"][0]["tiers"][0]["name"] == "balcony");
}

TEST_CASE("a list kept from before an event started is rebuilt within a second") {
    Backend b;
    const auto org = b.sign_in(b.organizer);
    auto body = b.event_body("Soon", 10);
    const auto start = b.clock->now_ms() + 500;
    body["starts_at"] = start;
    body["ends_at"] = start + kHour;
    const auto id = b.create_event(org, body);
    CHECK(available(list(b, "?when=upcoming"), id) == 10);
    b.clock->advance(600);  // started; the list kept 600 ms ago may still say upcoming
    CHECK(available(list(b, "?when=upcoming"), id) == 10);
    CHECK(available(list(b, "?when=active"), id) == 10);  // built now: it is active
    b.clock->advance(400);  // the kept list is a second old: built again
    CHECK(available(list(b, "?when=upcoming"), id) == -1);
}

TEST_CASE("filters that differ in any field are different lists") {
    Backend b;
    const auto org = b.sign_in(b.organizer);
    b.create_event(org, b.event_body("Alpha", 10));
    auto beta = b.event_body("Beta", 10);
    beta["venue"] = "Other Hall";
    b.create_event(org, beta);
    CHECK(list(b).json()["events"].size() == 2);
    CHECK(list(b, "?venue=Other%20Hall").json()["events"].size() == 1);
    CHECK(list(b, "?q=Alp").json()["events"].size() == 1);
    CHECK(list(b, "?venue=").json()["events"].size() == 0);
    CHECK(list(b, "?offset=1").json()["events"].size() == 1);
    CHECK(list(b).json()["events"].size() == 2);
    // A malformed filter is refused, not cached.
    CHECK(list(b, "?limit=0").status == 400);
}
