// Idempotency-Key on mint, batch-mint and transfer: a retried request gets the first answer
// and sells (or moves) nothing twice; the same key with another body is 422.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "BackendFixture.h"

using namespace gate;
using namespace gate::test;
using gate::backend::Method;

namespace {

backend::Response keyed(Backend& b, Method method, const std::string& target, const json& body,
                        const std::string& token, const std::string& key) {
    http::Headers headers;
    headers.set("Authorization", "Bearer " + token);
    headers.set("Content-Type", "application/json");
    headers.set("Idempotency-Key", key);
    return b.call_with(method, target, body.dump(), std::move(headers));
}

std::int64_t sold(Backend& b, std::int64_t event, const std::string& owner) {
    return b
        .call(Method::Get, "/api/v1/events/" + std::to_string(event) + "/stats", std::string{},
              owner)
        .json()["sold"]
        .get<std::int64_t>();
}

}  // namespace

TEST_CASE("a retried purchase with its Idempotency-Key sells once and answers the same") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const auto event = b.create_event(owner, b.event_body());
    const auto alice = b.sign_in(b.alice);
    const json body{{"event_id", event}, {"tier", 0}, {"payment_method", "test"}};
    auto first = keyed(b, Method::Post, "/api/v1/tickets/mint", body, alice, "order-1");
    REQUIRE(first.status == 201);
    auto again = keyed(b, Method::Post, "/api/v1/tickets/mint", body, alice, "order-1");
    CHECK(again.status == 201);
    CHECK(again.json()["ticket"]["ticket_id"] == first.json()["ticket"]["ticket_id"]);
    CHECK(again.headers.get("Idempotent-Replayed") == "true");
    CHECK(sold(b, event, owner) == 1);
    SUBCASE("another body under the same key is 422 and sells nothing") {
        auto other = keyed(
            b, Method::Post, "/api/v1/tickets/batch-mint",
            json{{"event_id", event}, {"tier", 0}, {"quantity", 2}, {"payment_method", "test"}},
            alice, "order-1");
        CHECK(other.status == 201);  // another route: its own key space
        auto changed =
            keyed(b, Method::Post, "/api/v1/tickets/mint",
                  json{{"event_id", event}, {"tier", 0}, {"payment_method", "test-decline"}}, alice,
                  "order-1");
        CHECK(changed.status == 422);
        CHECK(changed.json()["error"]["code"] == "idempotency_key_reused");
        CHECK(sold(b, event, owner) == 3);
    }
    SUBCASE("another buyer's key of the same name is their own") {
        const auto bob = b.sign_in(b.bob);
        auto theirs = keyed(b, Method::Post, "/api/v1/tickets/mint", body, bob, "order-1");
        CHECK(theirs.status == 201);
        CHECK(theirs.json()["ticket"]["ticket_id"] != first.json()["ticket"]["ticket_id"]);
        CHECK(sold(b, event, owner) == 2);
    }
    SUBCASE("a key that is not visible ASCII is refused") {
        CHECK(keyed(b, Method::Post, "/api/v1/tickets/mint", body, alice, "two words").status ==
              400);
        CHECK(sold(b, event, owner) == 1);
    }
}

TEST_CASE("purchases racing with one Idempotency-Key sell once") {
    Backend b([](backend::Settings& s) { s.threads = 4; });
    const auto owner = b.sign_in(b.organizer);
    const auto event = b.create_event(owner, b.event_body());
    const auto alice = b.sign_in(b.alice);
    const json body{{"event_id", event}, {"tier", 0}, {"payment_method", "test"}};
    std::atomic<int> created{0};
    std::vector<std::thread> buyers;
    for (int i = 0; i < 6; ++i)
        buyers.emplace_back([&] {
            auto r = keyed(b, Method::Post, "/api/v1/tickets/mint", body, alice, "race");
            if (r.status == 201)
                ++created;
            else
                CHECK(r.status == 409);  // idempotency_in_progress: retry later
        });
    for (auto& t : buyers)
        t.join();
    CHECK(created >= 1);
    CHECK(sold(b, event, owner) == 1);
}

TEST_CASE("a retried transfer answers the first result instead of 403") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const auto event = b.create_event(owner, b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto id = b.buy(alice, event)["ticket_id"].get<std::string>();
    const json body{{"to_wallet", b.bob.address()}};
    const auto path = "/api/v1/tickets/" + id + "/transfer";
    auto first = keyed(b, Method::Post, path, body, alice, "gift");
    REQUIRE(first.status == 200);
    auto again = keyed(b, Method::Post, path, body, alice, "gift");
    CHECK(again.status == 200);
    CHECK(again.json()["ticket"]["generation"] == 1);
    // Without the key the retry is a new request: alice no longer owns the ticket.
    CHECK(b.call(Method::Post, path, body, alice).status == 403);
}
