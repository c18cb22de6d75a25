// Card payments through two real ticket-api processes on one database, as behind a load
// balancer: the purchase on one, Stripe's webhook on the other, the payment sweeper of
// the processes themselves ending an abandoned hold; and the Stripe secrets in no log.
#include <doctest/doctest.h>

#include <thread>

#include "ApiCluster.h"
#include "ProcessApi.h"
#include "StripeStandIn.h"

using namespace gate::test;

TEST_CASE("two ticket-api processes take a card payment, and their sweeper ends a stale hold") {
    TempDir dir;
    StripeStandIn stripe(dir.path());
    Wallet organizer, alice, bob;
    ApiCluster cluster(
        dir, 2,
        {"GATE_AUTH_ORGANIZERS=" + organizer.address(),
         "GATE_PAYMENTS_STRIPE_API_URL=" + stripe.url(),
         "GATE_PAYMENTS_STRIPE_SECRET_KEY_FILE=" + stripe.key_file().string(),
         "GATE_PAYMENTS_STRIPE_WEBHOOK_SECRET_FILE=" + stripe.webhook_file().string(),
         "GATE_PAYMENTS_CARD_HOLD=4s", "GATE_PAYMENTS_SWEEP_INTERVAL=200ms",
         "GATE_LOG_LEVEL=debug"});
    // The load balancer sends Stripe's webhooks to the second process.
    stripe.mode({{"webhookUrl", cluster.base(1) + "/api/v1/webhooks/stripe"}});
    ProcessApi first{cluster.base(0), gate::http::Client()};
    ProcessApi second{cluster.base(1), gate::http::Client()};

    const auto org = first.sign_in(organizer);
    const auto start = wall_now_ms() + kDay;
    auto body = one_tier_event("Two Doors", 1, 2500, start);
    body["currency"] = "EUR";
    auto event = first.post("/api/v1/events", body, org);
    REQUIRE(event.status == 201);
    const auto event_id = event.json().value()["id"].get<std::int64_t>();
    const json buy{{"event_id", event_id}, {"tier", 0}, {"payment_method", "card"}};

    // Bob starts paying and walks away: the only seat is held, then freed by a sweeper.
    const auto bob_token = first.sign_in(bob);
    auto held = first.post("/api/v1/tickets/mint", buy, bob_token);
    REQUIRE_MESSAGE(held.status == 201, held.body);
    const auto bob_payment = held.json().value()["payment"]["id"].get<std::string>();
    const auto alice_token = second.sign_in(alice);
    CHECK(second.post("/api/v1/tickets/mint", buy, alice_token).status == 409);
    std::string status;
    for (int i = 0; i < 200 && status != "canceled"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
        status = first.get("/api/v1/payments/" + bob_payment, bob_token).json().value()["status"];
    }
    CHECK(status == "canceled");

    // Alice buys on the second process; the webhook lands there too; the first one shows it.
    auto started = second.post("/api/v1/tickets/mint", buy, alice_token);
    REQUIRE_MESSAGE(started.status == 201, started.body);
    const auto payment = started.json().value()["payment"];
    stripe.pay(payment["stripe"]["payment_intent"].get<std::string>());
    const auto paid = first.get("/api/v1/payments/" + payment["id"].get<std::string>(), alice_token)
                          .json()
                          .value();
    CHECK(paid["status"] == "completed");
    REQUIRE(paid["ticket_ids"].size() == 1);
    CHECK(first.get("/api/v1/tickets/my", alice_token).json().value()["tickets"].size() == 1);
    // The sweepers of both processes ran all along; Bob's seat was not sold twice.
    CHECK(
        first.get("/api/v1/events/" + std::to_string(event_id), org).json().value()["available"] ==
        0);

    // Neither secret appears in any log line, at debug level.
    for (const auto& process : cluster.apis) {
        const auto log = process->output();
        CHECK(log.find(StripeStandIn::kSecretKey) == std::string::npos);
        CHECK(log.find(StripeStandIn::kWebhookSecret) == std::string::npos);
    }
}
