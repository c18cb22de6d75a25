// Payment settings: card payments are on only with both Stripe secret files, each of the
// right kind and readable by its owner alone; without them `card` is refused by name.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "BackendFixture.h"
#include "gate/config/ConfigError.h"

using namespace gate;
using namespace gate::test;

namespace {

std::string secret_file(const TempDir& dir, const std::string& name, const std::string& text,
                        mode_t mode = 0600) {
    const auto path = dir / name;
    std::ofstream(path) << text << "\n";
    ::chmod(path.c_str(), mode);
    return path.string();
}

}  // namespace

TEST_CASE("payment settings have defaults and need both Stripe files or neither") {
    const auto defaults = settings_with({});
    CHECK(defaults.card_hold == std::chrono::minutes{15});
    CHECK(defaults.payment_sweep_interval == std::chrono::seconds{5});
    CHECK(defaults.stripe_api_url == "https://api.stripe.com");
    CHECK(defaults.stripe_secret_key_file.empty());
    CHECK(defaults.webhook_tolerance == std::chrono::minutes{5});

    const auto set = settings_with({{"GATE_PAYMENTS_CARD_HOLD", "10m"},
                                    {"GATE_PAYMENTS_STRIPE_API_URL", "http://127.0.0.1:12111/"},
                                    {"GATE_PAYMENTS_STRIPE_SECRET_KEY_FILE", "/etc/gate/sk"},
                                    {"GATE_PAYMENTS_STRIPE_WEBHOOK_SECRET_FILE", "/etc/gate/wh"}});
    CHECK(set.card_hold == std::chrono::minutes{10});
    CHECK(set.stripe_api_url == "http://127.0.0.1:12111");
    CHECK(set.stripe_secret_key_file == "/etc/gate/sk");

    CHECK_THROWS_WITH_AS(settings_with({{"GATE_PAYMENTS_STRIPE_SECRET_KEY_FILE", "/etc/gate/sk"}}),
                         doctest::Contains("set both"), config::ConfigError);
    CHECK_THROWS_WITH_AS(settings_with({{"GATE_PAYMENTS_STRIPE_API_URL", "ftp://stripe"}}),
                         doctest::Contains("expected http:// or https://"), config::ConfigError);
    CHECK_THROWS_AS(settings_with({{"GATE_PAYMENTS_CARD_HOLD", "0s"}}), config::ConfigError);
}

TEST_CASE("the Stripe secret files must hold the right kind of secret, for their owner only") {
    TempDir dir;
    const auto tweak = [&](const std::string& key, const std::string& hook, mode_t mode) {
        return [=, &dir](backend::Settings& s) {
            s.stripe_secret_key_file = secret_file(dir, "sk", key, mode);
            s.stripe_webhook_secret_file = secret_file(dir, "wh", hook);
        };
    };
    CHECK_THROWS_WITH_AS(Backend(tweak("sk_test_x", "whsec_y", 0644)), doctest::Contains("sk"),
                         config::ConfigError);
    CHECK_THROWS_WITH_AS(Backend(tweak("pk_test_publishable", "whsec_y", 0600)),
                         doctest::Contains("does not hold a Stripe secret key"),
                         config::ConfigError);
    CHECK_THROWS_WITH_AS(Backend(tweak("sk_test_x", "sk_test_x", 0600)),
                         doctest::Contains("does not hold a webhook signing secret"),
                         config::ConfigError);
    // Good files: card is offered. Nothing listens on port 1, so Stripe is unreachable:
    // the purchase answers 503 at once and keeps the payment pending for the sweeper.
    Backend on([&](backend::Settings& s) {
        tweak("sk_test_x", "whsec_y", 0600)(s);
        s.stripe_api_url = "http://127.0.0.1:1";
    });
    const auto alice = on.sign_in(on.alice);
    const auto event_id = on.create_event(on.sign_in(on.organizer), on.event_body());
    auto r = on.call(Method::Post, "/api/v1/tickets/mint",
                     json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "card"}}, alice);
    CHECK(r.status == 503);
    CHECK(r.json()["error"]["code"] == "payment_provider_unavailable");
    CHECK(r.headers.get("Retry-After") == "5");
    const auto mine = on.call(Method::Get, "/api/v1/payments", std::string{}, alice).json();
    REQUIRE(mine["payments"].size() == 1);
    CHECK(mine["payments"][0]["status"] == "pending");
    CHECK(mine["payments"][0]["provider_reference"].is_null());
}

TEST_CASE("without Stripe a card purchase is refused and says why") {
    Backend b;
    const auto alice = b.sign_in(b.alice);
    const auto event_id = b.create_event(b.sign_in(b.organizer), b.event_body());
    auto r = b.call(Method::Post, "/api/v1/tickets/mint",
                    json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "card"}}, alice);
    CHECK(r.status == 400);
    CHECK(r.body.find("card payments are not configured") != std::string::npos);
    auto hook = b.call(Method::Post, "/api/v1/webhooks/stripe", json{{"id", "evt_1"}});
    CHECK(hook.status == 404);
    CHECK(b.call(Method::Get, "/api/v1/payments", std::string{}, alice).json()["payments"].empty());
}
