// Cancelling an event gives the money of its paid tickets back (issue "Nobody gets in who
// shouldn't", hole 2): one refund per paid ticket, at once for the test method, never twice;
// a refunded event stays cancelled; organizers and holders can see the refunds.
#include <doctest/doctest.h>

#include <map>

#include "BackendFixture.h"
#include "gate/db/Database.h"

using namespace gate::test;
using gate::backend::Method;

namespace {

std::string event_path(std::int64_t id) {
    return "/api/v1/events/" + std::to_string(id);
}

json refunds_of(Backend& b, std::int64_t event_id, const std::string& owner) {
    auto r = b.call(Method::Get, event_path(event_id) + "/refunds", std::string{}, owner);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json();
}

std::map<std::string, json> my_tickets(Backend& b, const std::string& token) {
    std::map<std::string, json> out;
    const auto mine = b.call(Method::Get, "/api/v1/tickets/my", std::string{}, token).json();
    for (const auto& t : mine["tickets"])
        out[t["ticket_id"].get<std::string>()] = t;
    REQUIRE(!out.empty());
    return out;
}

std::int64_t refund_rows(Backend& b) {
    auto opened = b.open_db();
    auto* db = &opened;
    return db->query_one<std::int64_t>("SELECT COUNT(*) FROM refunds").value();
}

gate::backend::Response set_status(Backend& b, std::int64_t event_id, const std::string& status,
                                   const std::string& owner) {
    return b.call(Method::Put, event_path(event_id), json{{"status", status}}, owner);
}

}  // namespace

TEST_CASE("a paid ticket is refunded once, when revoked or when its event is cancelled") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    auto body = b.event_body("Washed Out");
    body["tiers"].push_back({{"name", "guest"}, {"price_cents", 0}});
    const auto event_id = b.create_event(owner, body);
    const auto alice = b.sign_in(b.alice);
    const auto bob = b.sign_in(b.bob);

    auto bought =
        b.call(Method::Post, "/api/v1/tickets/mint",
               json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "test"}}, alice);
    REQUIRE(bought.status == 201);
    const auto general = bought.json()["ticket"]["ticket_id"].get<std::string>();
    const auto alice_payment = bought.json()["payment"]["id"].get<std::string>();
    auto bought_vip =
        b.call(Method::Post, "/api/v1/tickets/mint",
               json{{"event_id", event_id}, {"tier", 1}, {"payment_method", "test"}}, alice);
    REQUIRE(bought_vip.status == 201);
    const auto vip = bought_vip.json()["ticket"]["ticket_id"].get<std::string>();
    const auto vip_payment = bought_vip.json()["payment"]["id"].get<std::string>();
    const auto guest = b.buy(alice, event_id, 2)["ticket_id"].get<std::string>();  // free
    auto batch = b.call(
        Method::Post, "/api/v1/tickets/batch-mint",
        json{{"event_id", event_id}, {"tier", 0}, {"quantity", 3}, {"payment_method", "test"}},
        bob);
    REQUIRE(batch.status == 201);
    const auto bob_payment = batch.json()["payment"]["id"].get<std::string>();
    const auto b1 = batch.json()["tickets"][0]["ticket_id"].get<std::string>();
    const auto frozen = batch.json()["tickets"][1]["ticket_id"].get<std::string>();
    const auto revoked = batch.json()["tickets"][2]["ticket_id"].get<std::string>();
    REQUIRE(b.call(Method::Post, "/api/v1/tickets/" + frozen + "/status",
                   json{{"status", "frozen"}}, owner)
                .status == 200);
    const auto revoked_at = b.clock->now_ms();
    REQUIRE(b.call(Method::Post, "/api/v1/tickets/" + revoked + "/status",
                   json{{"status", "revoked"}}, owner)
                .status == 200);
    // Alice gives her general ticket to Bob: its money still goes back to Alice's payment.
    REQUIRE(b.call(Method::Post, "/api/v1/tickets/" + general + "/transfer",
                   json{{"to_wallet", b.bob.address()}}, alice)
                .status == 200);

    // Revoking the paid ticket refunded it at once; nothing else is refunded yet.
    const auto before = refunds_of(b, event_id, owner)["refunds"];
    REQUIRE(before.size() == 1);
    CHECK(before[0]["ticket_id"] == revoked);
    CHECK(before[0]["reason"] == "ticket_revoked");
    CHECK(before[0]["status"] == "succeeded");
    CHECK(before[0]["amount_cents"] == 5000);
    CHECK(before[0]["payment"] == bob_payment);
    CHECK(before[0]["completed_at"] == revoked_at);
    CHECK(my_tickets(b, alice)[vip]["refund"].is_null());

    b.clock->advance(kHour);
    const auto cancelled_at = b.clock->now_ms();
    auto cancelled = set_status(b, event_id, "cancelled", owner);
    REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
    CHECK(cancelled.json()["status"] == "cancelled");

    const auto listed = refunds_of(b, event_id, owner);
    CHECK(listed["status"] == "cancelled");
    std::map<std::string, json> by_ticket;
    for (const auto& r : listed["refunds"])
        by_ticket[r["ticket_id"].get<std::string>()] = r;
    // Paid: refunded, the revoked one once (when it was revoked). Free: not.
    CHECK(by_ticket.size() == 5);
    CHECK(by_ticket.count(guest) == 0);
    CHECK(by_ticket[revoked] == before[0]);
    const std::map<std::string, std::pair<std::int64_t, std::string>> expected{
        {general, {5000, alice_payment}},
        {vip, {15000, vip_payment}},
        {b1, {5000, bob_payment}},
        {frozen, {5000, bob_payment}}};
    for (const auto& [ticket, want] : expected) {
        CAPTURE(ticket);
        REQUIRE(by_ticket.count(ticket) == 1);
        const auto& r = by_ticket[ticket];
        CHECK(r["amount_cents"] == want.first);
        CHECK(r["payment"] == want.second);
        CHECK(r["currency"] == "USD");
        CHECK(r["method"] == "test");
        CHECK(r["reason"] == "event_cancelled");
        CHECK(r["status"] == "succeeded");
        CHECK(r["provider_reference"].get<std::string>().rfind("test_refund_", 0) == 0);
        CHECK(r["created_at"] == cancelled_at);
        CHECK(r["completed_at"] == cancelled_at);
    }
    CHECK(listed["refunded_cents"] == 35000);

    // Holders see it on their tickets.
    auto bobs = my_tickets(b, bob);
    CHECK(bobs[general]["refund"]["status"] == "succeeded");
    CHECK(bobs[general]["refund"]["amount_cents"] == 5000);
    CHECK(bobs[general]["refund"]["currency"] == "USD");
    CHECK(bobs[general]["refund"]["completed_at"] == cancelled_at);
    CHECK(bobs[frozen]["refund"]["status"] == "succeeded");
    CHECK(bobs[revoked]["refund"]["status"] == "succeeded");
    CHECK(my_tickets(b, alice)[guest]["refund"].is_null());

    // Cancelling again, or editing the cancelled event, refunds nothing twice.
    b.clock->advance(kHour);
    CHECK(set_status(b, event_id, "cancelled", owner).status == 200);
    CHECK(b.call(Method::Put, event_path(event_id), json{{"name", "Washed Out (cancelled)"}}, owner)
              .status == 200);
    const auto again = refunds_of(b, event_id, owner);
    CHECK(again["refunds"] == listed["refunds"]);
    CHECK(refund_rows(b) == 5);
}

TEST_CASE("a cancelled event whose tickets were refunded cannot be reopened") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const auto alice = b.sign_in(b.alice);
    const auto refunded = b.create_event(owner, b.event_body("Refunded"));
    b.buy(alice, refunded);
    REQUIRE(set_status(b, refunded, "cancelled", owner).status == 200);
    auto reopen = set_status(b, refunded, "active", owner);
    CHECK(reopen.status == 409);
    CHECK(reopen.json()["error"]["code"] == "event_refunded");
    CHECK(b.call(Method::Get, event_path(refunded)).json()["status"] == "cancelled");
    auto sale =
        b.call(Method::Post, "/api/v1/tickets/mint",
               json{{"event_id", refunded}, {"tier", 0}, {"payment_method", "test"}}, alice);
    CHECK(sale.status == 409);
    CHECK(sale.json()["error"]["code"] == "event_not_on_sale");
    CHECK(refunds_of(b, refunded, owner)["refunds"].size() == 1);

    // Nothing was refunded (nothing sold, or only free tickets): it may be reopened.
    auto body = b.event_body("Free party");
    body["tiers"] = json::array({{{"name", "guest"}, {"price_cents", 0}}});
    const auto free = b.create_event(owner, body);
    b.buy(alice, free);
    REQUIRE(set_status(b, free, "cancelled", owner).status == 200);
    CHECK(refunds_of(b, free, owner)["refunds"].empty());
    auto reopened = set_status(b, free, "active", owner);
    CHECK(reopened.status == 200);
    CHECK(reopened.json()["status"] == "active");
    b.buy(alice, free);
}

TEST_CASE("only the event's organizer sees its refunds") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const auto event_id = b.create_event(owner, b.event_body());
    const auto path = event_path(event_id) + "/refunds";
    CHECK(b.call(Method::Get, path, std::string{}, b.sign_in(b.other_organizer)).status == 403);
    CHECK(b.call(Method::Get, path, std::string{}, b.sign_in(b.alice)).status == 403);
    CHECK(b.call(Method::Get, path).status == 401);
    CHECK(b.call(Method::Get, "/api/v1/events/999/refunds", std::string{}, owner).status == 404);
    CHECK(b.call(Method::Get, "/api/v1/events/abc/refunds", std::string{}, owner).status == 404);
    CHECK(b.call(Method::Get, path, std::string{}, owner).json()["refunds"].empty());
}
