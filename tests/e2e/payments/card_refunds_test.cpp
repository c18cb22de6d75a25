// Card refunds end to end: through Stripe's Refunds API (the stand-in), once, retried
// while Stripe does not settle them (docs/payments.md, "Refunds").
#include <doctest/doctest.h>

#include "CardShop.h"

using namespace gate::test;

namespace {

/// A completed card purchase of `quantity` tickets: its payment JSON.
json paid(CardShop& shop, const std::string& token, std::int64_t quantity = 1) {
    const auto started = shop.start(token, quantity);
    shop.stripe.pay(started["stripe"]["payment_intent"].get<std::string>());
    auto done = shop.payment(started["id"], token);
    REQUIRE(done["status"] == "completed");
    return done;
}

json refund_calls(CardShop& shop) {
    json out = json::array();
    for (const auto& r : shop.stripe.requests())
        if (r["path"] == "/v1/refunds") out.push_back(r);
    return out;
}

json event_refunds(CardShop& shop) {
    auto r = shop.api.get("/api/v1/events/" + std::to_string(shop.event_id) + "/refunds",
                          shop.organizer);
    REQUIRE(r.status == 200);
    return r.json().value()["refunds"];
}

gate::http::Response revoke(CardShop& shop, const std::string& ticket) {
    return shop.api.post("/api/v1/tickets/" + ticket + "/status", json{{"status", "revoked"}},
                         shop.organizer);
}

gate::http::Response cancel_event(CardShop& shop) {
    return shop.api.send(gate::http::Method::Put, "/api/v1/events/" + std::to_string(shop.event_id),
                         shop.organizer, json{{"status", "cancelled"}});
}

}  // namespace

TEST_CASE("cancelling an event refunds its card tickets through Stripe, once each") {
    CardShop shop;
    const auto payment = paid(shop, shop.alice, 2);
    const auto intent = payment["provider_reference"].get<std::string>();
    REQUIRE(cancel_event(shop).status == 200);

    const auto refunds = event_refunds(shop);
    REQUIRE(refunds.size() == 2);
    const auto calls = refund_calls(shop);
    REQUIRE(calls.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CAPTURE(i);
        CHECK(refunds[i]["status"] == "succeeded");
        CHECK(refunds[i]["method"] == "card");
        CHECK(refunds[i]["amount_cents"] == 5000);
        CHECK(refunds[i]["currency"] == "EUR");
        CHECK(refunds[i]["provider_reference"].get<std::string>().rfind("re_", 0) == 0);
        CHECK(calls[i]["idempotency_key"] ==
              "gate-refund-" + std::to_string(refunds[i]["id"].get<std::int64_t>()));
        CHECK(calls[i]["params"]["payment_intent"] == intent);
        CHECK(calls[i]["params"]["amount"] == "5000");
    }
    CHECK(shop.payment(payment["id"], shop.alice)["refunded_cents"] == 10000);
    CHECK(shop.stripe.state()["refunds"].size() == 2);

    // Cancelling again asks Stripe for nothing more.
    REQUIRE(cancel_event(shop).status == 200);
    shop.api.backend.app->sweep_payments();
    CHECK(refund_calls(shop).size() == 2);
}

TEST_CASE("a refund that Stripe leaves pending is settled by its refund.updated webhook") {
    CardShop shop;
    const auto payment = paid(shop, shop.alice);
    shop.stripe.mode({{"refundStatus", "pending"}});
    const auto ticket = payment["ticket_ids"][0].get<std::string>();
    REQUIRE(revoke(shop, ticket).status == 200);

    auto refund = event_refunds(shop)[0];
    CHECK(refund["status"] == "pending");
    CHECK(refund["reason"] == "ticket_revoked");
    CHECK(refund["ticket_id"] == ticket);
    const auto reference = refund["provider_reference"].get<std::string>();
    CHECK(reference.rfind("re_", 0) == 0);

    shop.stripe.control("settle-refund", {{"refund", reference}, {"status", "succeeded"}});
    refund = event_refunds(shop)[0];
    CHECK(refund["status"] == "succeeded");
    CHECK(refund["provider_reference"] == reference);
    CHECK(refund_calls(shop).size() == 1);
}

TEST_CASE("a refund Stripe cannot be reached for is retried until it succeeds, never twice") {
    CardShop shop;
    const auto payment = paid(shop, shop.alice);
    shop.stripe.mode({{"down", true}});
    REQUIRE(revoke(shop, payment["ticket_ids"][0].get<std::string>()).status == 200);
    auto refund = event_refunds(shop)[0];
    CHECK(refund["status"] == "pending");
    CHECK(refund["attempts"] == 1);
    CHECK(refund["last_error"].get<std::string>().find("stripe") != std::string::npos);

    shop.api.backend.app->sweep_payments();  // not due yet: left alone
    CHECK(event_refunds(shop)[0]["attempts"] == 1);
    shop.api.backend.clock->advance(6000);
    shop.api.backend.app->sweep_payments();  // due, Stripe still down
    CHECK(event_refunds(shop)[0]["attempts"] == 2);

    shop.stripe.mode({{"down", false}});
    shop.api.backend.clock->advance(11000);
    shop.api.backend.app->sweep_payments();
    refund = event_refunds(shop)[0];
    CHECK(refund["status"] == "succeeded");
    CHECK(shop.stripe.state()["refunds"].size() == 1);
    // Every call carried the same key, so a lost answer could never have refunded twice.
    for (const auto& call : refund_calls(shop))
        CHECK(call["idempotency_key"] ==
              "gate-refund-" + std::to_string(refund["id"].get<std::int64_t>()));
}

TEST_CASE("money that arrives after the event was cancelled goes back whole") {
    CardShop shop;
    const auto started = shop.start(shop.alice, 2);
    REQUIRE(cancel_event(shop).status == 200);
    // The buyer's card goes through before the sweeper has cancelled the intent.
    shop.stripe.pay(started["stripe"]["payment_intent"].get<std::string>());
    auto payment = shop.payment(started["id"], shop.alice);
    CHECK(payment["status"] == "completed");
    CHECK(payment["ticket_ids"].empty());
    REQUIRE(payment["refunds"].size() == 1);
    CHECK(payment["refunds"][0]["ticket_id"].is_null());
    CHECK(payment["refunds"][0]["amount_cents"] == 10000);
    CHECK(payment["refunds"][0]["reason"] == "payment_unusable");
    CHECK(shop.tickets_of(shop.alice) == 0);

    shop.api.backend.app->sweep_payments();
    payment = shop.payment(started["id"], shop.alice);
    CHECK(payment["refunds"][0]["status"] == "succeeded");
    CHECK(payment["refunded_cents"] == 10000);
}

TEST_CASE("a pending card payment of a cancelled event is cancelled at Stripe by the sweeper") {
    CardShop shop;
    const auto started = shop.start(shop.alice);
    REQUIRE(cancel_event(shop).status == 200);
    shop.api.backend.app->sweep_payments();
    const auto payment = shop.payment(started["id"], shop.alice);
    CHECK(payment["status"] == "canceled");
    CHECK(shop.stripe.state()["intents"][0]["status"] == "canceled");
    CHECK(refund_calls(shop).empty());
}
