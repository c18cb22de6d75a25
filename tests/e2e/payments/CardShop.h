#pragma once
// CardShop: ticket-api behind its real server on loopback, with card payments on and
// pointed at a fresh Stripe stand-in (tests/stripe/server.mjs) whose webhooks come back to
// the server; an organizer's event and two signed-in buyers. On SQLite or, under ctest's
// payments_e2e_pg.* tests, on PostgreSQL.

#include <string>

#include "LoopbackServer.h"
#include "StripeStandIn.h"
#include "TempDir.h"

namespace gate::test {

inline constexpr std::int64_t kCardHoldMs = 120 * 1000;

struct CardShop {
    TempDir secrets;
    StripeStandIn stripe{secrets.path()};
    LoopbackServer api{[this](backend::Settings& s) {
        s.stripe_api_url = stripe.url();
        s.stripe_secret_key_file = stripe.key_file();
        s.stripe_webhook_secret_file = stripe.webhook_file();
        // Shorter than the webhook tolerance (5 min), so webhooks sent after the test moved
        // the clock past a hold are still fresh.
        s.card_hold = std::chrono::milliseconds{kCardHoldMs};
    }};
    std::string organizer, alice, bob;
    std::int64_t event_id = 0;

    explicit CardShop(std::int64_t capacity = 4) {
        stripe.mode({{"webhookUrl", api.url("/api/v1/webhooks/stripe")}});
        organizer = api.sign_in(api.backend.organizer);
        alice = api.sign_in(api.backend.alice);
        bob = api.sign_in(api.backend.bob);
        auto body = api.backend.event_body("Card Night", capacity);
        body["currency"] = "EUR";
        body["tiers"][1]["limit"] = capacity;
        event_id = api.backend.create_event(organizer, body);
    }

    /// POST /api/v1/tickets/{mint|batch-mint} paying by card; the HTTP answer.
    http::Response buy(const std::string& token, std::int64_t quantity = 1, int tier = 0) {
        json body{{"event_id", event_id}, {"tier", tier}, {"payment_method", "card"}};
        if (quantity != 1) body["quantity"] = quantity;
        return api.post(quantity == 1 ? "/api/v1/tickets/mint" : "/api/v1/tickets/batch-mint", body,
                        token);
    }
    /// A card purchase that must start: its payment JSON (pending, with the client secret).
    json start(const std::string& token, std::int64_t quantity = 1, int tier = 0) {
        auto r = buy(token, quantity, tier);
        REQUIRE_MESSAGE(r.status == 201, r.body);
        return r.json().value()["payment"];
    }
    json payment(const std::string& id, const std::string& token) {
        auto r = api.get("/api/v1/payments/" + id, token);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        return r.json().value();
    }
    std::int64_t available() {
        return api.get("/api/v1/events/" + std::to_string(event_id))
            .json()
            .value()["available"]
            .get<std::int64_t>();
    }
    std::size_t tickets_of(const std::string& token) {
        return api.get("/api/v1/tickets/my", token).json().value()["tickets"].size();
    }
    /// The stand-in's events of `type` for the intent or refund `object`.
    json events_of(const std::string& type, const std::string& object) {
        json out = json::array();
        for (const auto& e : stripe.events())
            if (e["type"] == type && e["object"] == object) out.push_back(e);
        return out;
    }
    /// Moves the server's clock past the card hold and runs the payment sweeper once.
    void after_hold() {
        api.backend.clock->advance(kCardHoldMs + 1000);
        api.backend.app->sweep_payments();
    }
};

}  // namespace gate::test
