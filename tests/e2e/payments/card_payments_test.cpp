// Card payments end to end: ticket-api's real server, the Stripe stand-in's API and its
// signed webhooks (docs/payments.md). Each test runs on SQLite and on PostgreSQL.
#include <doctest/doctest.h>

#include <set>

#include "CardShop.h"

using namespace gate::test;

namespace {

std::string intent_of(const json& payment) {
    return payment["stripe"]["payment_intent"].get<std::string>();
}

json only(const json& list) {
    REQUIRE(list.size() == 1);
    return list[0];
}

}  // namespace

TEST_CASE("a card purchase holds its seats and is issued once, when Stripe says it succeeded") {
    CardShop shop;
    const auto payment = shop.start(shop.alice, 2);
    CHECK(payment["status"] == "pending");
    CHECK(payment["method"] == "card");
    CHECK(payment["amount_cents"] == 10000);
    CHECK(payment["currency"] == "EUR");
    CHECK(payment["quantity"] == 2);
    CHECK(payment["ticket_ids"].empty());
    CHECK(payment["expires_at"].is_number());
    const auto id = payment["id"].get<std::string>();
    const auto intent = intent_of(payment);
    CHECK(payment["stripe"]["client_secret"].get<std::string>().rfind(intent + "_secret_", 0) == 0);
    CHECK(shop.available() == 2);  // held while the buyer pays
    CHECK(shop.tickets_of(shop.alice) == 0);

    // What ticket-api asked Stripe for: form-encoded, keyed for a safe retry.
    const auto create = only([&] {
        json out = json::array();
        for (const auto& r : shop.stripe.requests())
            if (r["path"] == "/v1/payment_intents") out.push_back(r);
        return out;
    }());
    CHECK(create["method"] == "POST");
    CHECK(create["idempotency_key"] == "gate-" + id);
    CHECK(create["params"]["amount"] == "10000");
    CHECK(create["params"]["currency"] == "eur");
    CHECK(create["params"]["metadata"]["payment"] == id);
    CHECK(create["params"]["automatic_payment_methods"]["enabled"] == "true");

    shop.stripe.pay(intent);
    const auto succeeded = only(shop.events_of("payment_intent.succeeded", intent));
    REQUIRE(succeeded["deliveries"].size() == 1);
    CHECK(succeeded["deliveries"][0]["status"] == 200);

    const auto paid = shop.payment(id, shop.alice);
    CHECK(paid["status"] == "completed");
    CHECK(paid["ticket_ids"].size() == 2);
    CHECK(paid["expires_at"].is_null());
    CHECK_FALSE(paid.contains("stripe"));  // the client secret is of no use any more
    CHECK(shop.tickets_of(shop.alice) == 2);
    CHECK(shop.available() == 2);
    // Every step is in its history, with what Stripe said.
    const auto& history = paid["history"];
    REQUIRE(history.size() == 3);
    CHECK(history[0]["actor"] == "buyer");
    CHECK(history[1]["note"] == "provider created " + intent);
    CHECK(history[2]["actor"] == "stripe");
    CHECK(history[2]["status"] == "completed");
    CHECK(history[2]["provider"]["status"] == "succeeded");
    CHECK(history[2]["provider"]["amount_received"] == 10000);

    // Stripe delivers the same event again (it does, at least once): nothing changes.
    const auto again = shop.stripe.deliver(succeeded["id"].get<std::string>());
    CHECK(again["status"] == 200);
    CHECK(json::parse(again["body"].get<std::string>())["duplicate"] == true);
    CHECK(shop.tickets_of(shop.alice) == 2);
    CHECK(shop.payment(id, shop.alice)["history"].size() == 3);
}

TEST_CASE("a webhook is believed only with a fresh signature of the endpoint's secret") {
    CardShop shop;
    shop.stripe.mode({{"deliver", false}});  // keep the event to deliver it by hand
    const auto payment = shop.start(shop.alice);
    const auto intent = intent_of(payment);
    shop.stripe.pay(intent);
    const auto event =
        only(shop.events_of("payment_intent.succeeded", intent))["id"].get<std::string>();

    for (const std::string tamper : {"payload", "secret", "old", "future", "no-v1"}) {
        CAPTURE(tamper);
        const auto refused = shop.stripe.deliver(event, tamper);
        CHECK(refused["status"] == 400);
        CHECK(json::parse(refused["body"].get<std::string>())["error"]["code"] ==
              "signature_invalid");
    }
    // No header at all, and a JSON body that was never signed.
    auto unsigned_call = shop.api.post("/api/v1/webhooks/stripe", json{{"id", "evt_forged"}});
    CHECK(unsigned_call.status == 400);
    CHECK(shop.payment(payment["id"], shop.alice)["status"] == "pending");
    CHECK(shop.tickets_of(shop.alice) == 0);

    // While a secret is rolled Stripe signs with both: one matching v1 is enough.
    const auto rolled = shop.stripe.deliver(event, "extra-v1");
    CHECK(rolled["status"] == 200);
    CHECK(shop.payment(payment["id"], shop.alice)["status"] == "completed");
    CHECK(shop.tickets_of(shop.alice) == 1);
}

TEST_CASE("a declined card keeps the seats until the hold ends, then they are released") {
    CardShop shop(1);
    const auto payment = shop.start(shop.alice);
    const auto id = payment["id"].get<std::string>();
    const auto intent = intent_of(payment);
    shop.stripe.pay(intent, "declined");
    auto declined = shop.payment(id, shop.alice);
    CHECK(declined["status"] == "pending");  // the buyer may try another card
    CHECK(declined["history"].back()["provider"]["last_payment_error"]["code"] == "card_declined");
    CHECK(shop.available() == 0);
    CHECK(shop.buy(shop.bob).status == 409);  // sold out while held

    shop.after_hold();
    const auto released = shop.payment(id, shop.alice);
    CHECK(released["status"] == "canceled");
    CHECK(released["failure_reason"] == "abandoned");
    CHECK(shop.stripe.state()["intents"][0]["status"] == "canceled");
    CHECK(shop.available() == 1);
    CHECK(shop.tickets_of(shop.alice) == 0);
    // Stripe's payment_intent.canceled arrives after the sweeper settled it: no change.
    CHECK(only(shop.events_of("payment_intent.canceled", intent))["deliveries"][0]["status"] ==
          200);
    CHECK(shop.payment(id, shop.alice)["status"] == "canceled");
    // The seat is for sale again.
    CHECK(shop.start(shop.bob)["status"] == "pending");
}

TEST_CASE("the succeeded webhook may arrive before the create call has returned") {
    CardShop shop;
    shop.stripe.mode({{"succeedOnCreate", true}});
    auto r = shop.buy(shop.alice, 3);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const auto payment = r.json().value()["payment"];
    CHECK(payment["status"] == "completed");
    CHECK(payment["ticket_ids"].size() == 3);
    CHECK(payment["provider_reference"].get<std::string>().rfind("pi_", 0) == 0);
    CHECK(shop.tickets_of(shop.alice) == 3);
}

TEST_CASE("with Stripe down a purchase says so, and its seats come back after the hold") {
    CardShop shop(1);
    shop.stripe.mode({{"down", true}});
    auto r = shop.buy(shop.alice);
    CHECK(r.status == 503);
    const auto error = r.json().value()["error"];
    CHECK(error["code"] == "payment_provider_unavailable");
    CHECK(shop.available() == 0);  // Stripe may have made the intent before the line dropped

    const auto listed = shop.api.get("/api/v1/payments", shop.alice).json().value()["payments"];
    REQUIRE(listed.size() == 1);
    const auto id = listed[0]["id"].get<std::string>();
    CHECK(listed[0]["status"] == "pending");

    shop.after_hold();  // still down: nothing can be known, the seats stay held
    CHECK(shop.payment(id, shop.alice)["status"] == "pending");
    CHECK(shop.available() == 0);

    shop.stripe.mode({{"down", false}});
    shop.api.backend.app->sweep_payments();
    const auto released = shop.payment(id, shop.alice);
    CHECK(released["status"] == "canceled");
    CHECK(shop.available() == 1);
    // The retried create used the first call's key: one intent, then cancelled.
    std::set<std::string> keys;
    for (const auto& q : shop.stripe.requests())
        if (q["path"] == "/v1/payment_intents")
            keys.insert(q["idempotency_key"].get<std::string>());
    CHECK(keys == std::set<std::string>{"gate-" + id});
    CHECK(shop.stripe.state()["intents"].size() == 1);
}

TEST_CASE("Stripe refusing the intent answers 402 and gives the seats back at once") {
    CardShop shop;
    // Stripe charges at least 0.50 in EUR: a 0.20 ticket cannot be paid by card.
    auto cheap = shop.api.backend.event_body("Cheap Night", 1);
    cheap["currency"] = "EUR";
    cheap["tiers"] = json::array({{{"name", "standing"}, {"price_cents", 20}}});
    const auto cheap_id = shop.api.backend.create_event(shop.organizer, cheap);
    auto r = shop.api.post("/api/v1/tickets/mint",
                           json{{"event_id", cheap_id}, {"tier", 0}, {"payment_method", "card"}},
                           shop.alice);
    CHECK(r.status == 402);
    const auto error = r.json().value()["error"];
    CHECK(error["code"] == "payment_refused");
    CHECK(error["message"].get<std::string>().find("at least") != std::string::npos);
    const auto listed = shop.api.get("/api/v1/payments", shop.alice).json().value()["payments"];
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["status"] == "failed");
    CHECK(listed[0]["failure_reason"] == "amount_too_small");
    CHECK(shop.api.get("/api/v1/events/" + std::to_string(cheap_id)).json().value()["available"] ==
          1);
}

TEST_CASE("a free ticket bought with card needs no Stripe call and is issued at once") {
    CardShop shop;
    auto free_event = shop.api.backend.event_body("Open Day", 2);
    free_event["tiers"] = json::array({{{"name", "free"}, {"price_cents", 0}}});
    const auto free_id = shop.api.backend.create_event(shop.organizer, free_event);
    auto r = shop.api.post("/api/v1/tickets/mint",
                           json{{"event_id", free_id}, {"tier", 0}, {"payment_method", "card"}},
                           shop.alice);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const auto payment = r.json().value()["payment"];
    CHECK(payment["status"] == "completed");
    CHECK(payment["amount_cents"] == 0);
    CHECK(payment["ticket_ids"].size() == 1);
    CHECK_FALSE(payment.contains("stripe"));
    CHECK(shop.stripe.requests().empty());
    CHECK(shop.tickets_of(shop.alice) == 1);
}

TEST_CASE("a card payment is shown to its buyer and its organizer, and to no one else") {
    CardShop shop;
    const auto payment = shop.start(shop.alice);
    const auto id = payment["id"].get<std::string>();
    CHECK(shop.api.get("/api/v1/payments/" + id, shop.bob).status == 404);
    const auto other = shop.api.sign_in(shop.api.backend.other_organizer);
    CHECK(shop.api.get("/api/v1/payments/" + id, other).status == 404);
    CHECK(shop.api.get("/api/v1/payments/pay_nonexistent", shop.alice).status == 404);
    CHECK(shop.api.get("/api/v1/payments/" + id).status == 401);

    const auto seen = shop.payment(id, shop.organizer);
    CHECK(seen["buyer"] == shop.api.backend.alice.address());
    CHECK_FALSE(seen.contains("stripe"));  // the client secret is the buyer's alone
    CHECK(seen["history"].size() == 2);
    const auto by_event = shop.api.get(
        "/api/v1/events/" + std::to_string(shop.event_id) + "/payments", shop.organizer);
    REQUIRE(by_event.status == 200);
    CHECK(only(by_event.json().value()["payments"])["id"] == id);
    CHECK(shop.api.get("/api/v1/events/" + std::to_string(shop.event_id) + "/payments", other)
              .status == 403);
    CHECK(shop.api.get("/api/v1/events/" + std::to_string(shop.event_id) + "/payments", shop.alice)
              .status == 403);
    CHECK(shop.api.get("/api/v1/payments?limit=0", shop.alice).status == 400);
}
