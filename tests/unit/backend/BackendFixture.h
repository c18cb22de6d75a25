#pragma once
// A whole ticket-api (App) on a real SQLite file in a temp dir or, when the test binary runs
// with GATE_TEST_DATABASE=postgresql[:DIR] (ctest's backend_tests_pg.* and backend_e2e_pg.*), on a
// fresh database of a real PostgreSQL server; with a manual clock, signed-in wallets and a
// mailer that keeps what it sends. Requests go straight to the router (unit tests) or
// through a real Server on loopback (e2e tests). Every test that uses it runs on both.

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "PostgresServer.h"
#include "TempDir.h"
#include "gate/backend/App.h"
#include "gate/config/Config.h"
#include "gate/config/Environment.h"
#include "gate/crypto/Ed25519.h"

namespace gate::test {

using backend::Method;
using nlohmann::json;

/// A wallet: an Ed25519 key pair whose base58 public key is the address.
struct Wallet {
    crypto::KeyPair key = crypto::KeyPair::generate();
    std::string address() const { return key.public_key().to_base58(); }
};

/// Keeps mails instead of sending them; can be told to fail.
class RecordingMailer final : public backend::Mailer {
  public:
    bool configured() const override { return true; }
    Status<std::string> send(const backend::Mail& mail) override {
        std::lock_guard lock(mutex_);
        if (failing) return fail(std::string("smtp: refused (test)"));
        mails.push_back(mail);
        return {};
    }
    Status<std::string> check() override { return {}; }
    std::vector<backend::Mail> sent() {
        std::lock_guard lock(mutex_);
        return mails;
    }
    bool failing = false;

  private:
    std::mutex mutex_;
    std::vector<backend::Mail> mails;
};

/// True when this run tests the PostgreSQL engine.
inline bool testing_postgres() {
    const char* engine = std::getenv("GATE_TEST_DATABASE");
    return engine != nullptr && std::string_view(engine).rfind("postgresql", 0) == 0;
}

/// ticket-api's settings from a config file's text and GATE_* variables, as it reads them
/// at start-up (throws config::ConfigError as it would).
inline backend::Settings settings_with(std::map<std::string, std::string, std::less<>> env,
                                       std::string file = "{}") {
    config::LoadOptions options;
    options.environment = config::Environment::from_map(std::move(env));
    return backend::settings_from(config::Config::parse(file, "test.json", options));
}

inline std::int64_t wall_now_ms() {
    return gate::SystemClock().now_ms();
}
inline constexpr std::int64_t kHour = 3600 * 1000;
inline constexpr std::int64_t kDay = 24 * kHour;

/// An event body with one tier, "general", at `price_cents`, in the Hall, from `start` for
/// `length` ms: what the process tests create over HTTP.
inline json one_tier_event(const std::string& name, std::int64_t capacity, std::int64_t price_cents,
                           std::int64_t start, std::int64_t length = kHour) {
    return {{"name", name},
            {"venue", "Hall"},
            {"starts_at", start},
            {"ends_at", start + length},
            {"capacity", capacity},
            {"tiers", json::array({{{"name", "general"}, {"price_cents", price_cents}}})}};
}

struct Backend {
    TempDir dir;
    std::unique_ptr<PostgresDatabase> postgres;  ///< set when testing PostgreSQL
    Wallet organizer, other_organizer, validator, alice, bob;
    gate::ManualClock* clock = nullptr;
    RecordingMailer* mailer = nullptr;
    std::unique_ptr<backend::App> app;
    backend::Settings settings;
    std::string remote = "127.0.0.1";  ///< the client address of the next call()s

    /// `tweak` adjusts the settings before the app starts; `real_mailer` keeps SmtpMailer;
    /// `log` receives the app's log from level info up (else warnings go to stderr).
    explicit Backend(const std::function<void(backend::Settings&)>& tweak = {},
                     bool real_mailer = false, std::shared_ptr<log::Sink> log = nullptr) {
        if (testing_postgres()) {
            postgres = std::make_unique<PostgresDatabase>();
            settings.database_url = postgres->url();
        } else {
            settings.database_url = dir / "api.db";
        }
        settings.master_key_file = dir / "master.key";
        settings.organizers = {organizer.address(), other_organizer.address()};
        settings.validators = {validator.address()};
        settings.public_base_url = "https://tickets.example";
        settings.threads = 2;
        settings.token_ttl = std::chrono::milliseconds{30 * kDay};  // tests move the clock by days
        if (tweak) tweak(settings);
        auto manual = std::make_unique<gate::ManualClock>(wall_now_ms());
        clock = manual.get();
        std::unique_ptr<backend::Mailer> mail;
        if (!real_mailer) {
            auto recording = std::make_unique<RecordingMailer>();
            mailer = recording.get();
            mail = std::move(recording);
        }
        log::Logger::Options quiet;
        quiet.level = log ? log::Level::Info : log::Level::Warn;
        app = std::make_unique<backend::App>(settings, log::Logger("test", log, quiet),
                                             std::move(manual), nullptr, std::move(mail));
    }

    /// A connection of its own to the app's database, for tests that look at or edit rows.
    db::Database open_db() const {
        auto db = postgres ? db::open_postgres({postgres->conninfo(), "test"})
                           : db::Database::open(settings.database_url);
        REQUIRE_MESSAGE(db.ok(), (db.ok() ? std::string() : db::to_string(db.error())));
        return std::move(db).value();
    }

    /// Another ticket-api process on this one's database and master key (its own
    /// connections, caches and limiter, a clock of its own from now), as behind one load
    /// balancer; `tweak` changes its settings.
    std::unique_ptr<backend::App> another_process(
        const std::function<void(backend::Settings&)>& tweak = {}) const {
        auto other = settings;
        if (tweak) tweak(other);
        log::Logger::Options quiet;
        quiet.level = log::Level::Warn;
        return std::make_unique<backend::App>(other, log::Logger("other", nullptr, quiet),
                                              std::make_unique<gate::ManualClock>(clock->now_ms()));
    }

    backend::Response call(Method method, const std::string& target, const std::string& body = {},
                           const std::string& token = {}) {
        return call_on(*app, method, target, body, token);
    }
    /// The same call, served by `on` (another_process()).
    backend::Response call_on(backend::App& on, Method method, const std::string& target,
                              const std::string& body = {}, const std::string& token = {}) {
        http::Headers headers;
        if (!token.empty()) headers.set("Authorization", "Bearer " + token);
        if (!body.empty()) headers.set("Content-Type", "application/json");
        return call_with(method, target, body, std::move(headers), &on);
    }
    /// A request with exactly these headers (no Content-Type or token added).
    backend::Response call_with(Method method, const std::string& target, const std::string& body,
                                http::Headers headers, backend::App* on = nullptr) {
        auto request = backend::make_request(method, target, body, std::move(headers));
        request.remote = remote;
        return (on ? *on : *app).handle(std::move(request));
    }
    backend::Response call(Method method, const std::string& target, const json& body,
                           const std::string& token = {}) {
        return call(method, target, body.dump(), token);
    }
    backend::Response call_on(backend::App& on, Method method, const std::string& target,
                              const json& body, const std::string& token = {}) {
        return call_on(on, method, target, body.dump(), token);
    }

    /// The validator wallet assigned to the event by its organizer, signed in: its token.
    std::string staff_of(std::int64_t event_id) {
        auto assigned =
            call(Method::Post, "/api/v1/events/" + std::to_string(event_id) + "/validators",
                 json{{"wallet", validator.address()}}, sign_in(organizer));
        REQUIRE(assigned.status == 201);
        return sign_in(validator);
    }

    /// The full wallet sign-in (on `on`, else this app); returns the bearer token.
    std::string sign_in(const Wallet& wallet, backend::App* on = nullptr) {
        backend::App& target = on ? *on : *app;
        auto nonce =
            call_on(target, Method::Post, "/api/v1/auth/nonce", json{{"wallet", wallet.address()}});
        REQUIRE(nonce.status == 201);
        const auto message = nonce.json()["message"].get<std::string>();
        auto signature = wallet.key.sign(as_bytes(message));
        auto signed_in = call_on(target, Method::Post, "/api/v1/auth/sign-in",
                                 json{{"wallet", wallet.address()},
                                      {"nonce", nonce.json()["nonce"]},
                                      {"signature", signature.to_base58()}});
        REQUIRE(signed_in.status == 200);
        return signed_in.json()["token"].get<std::string>();
    }

    json event_body(const std::string& name = "Test Concert", std::int64_t capacity = 100) const {
        const auto start = clock->now_ms() + kDay;
        return {{"name", name},
                {"venue", "Test Venue"},
                {"starts_at", start},
                {"ends_at", start + 4 * kHour},
                {"capacity", capacity},
                {"tiers", json::array({{{"name", "general"}, {"price_cents", 5000}},
                                       {{"name", "vip"},
                                        {"price_cents", 15000},
                                        {"limit", std::min<std::int64_t>(10, capacity)}}})}};
    }

    /// Creates an event as `token` and returns its id.
    std::int64_t create_event(const std::string& token, const json& body) {
        auto created = call(Method::Post, "/api/v1/events", body, token);
        REQUIRE_MESSAGE(created.status == 201, created.body);
        return created.json()["id"].get<std::int64_t>();
    }

    /// Buys one ticket of `tier` for `token` and returns the ticket JSON.
    json buy(const std::string& token, std::int64_t event_id, int tier = 0) {
        auto bought =
            call(Method::Post, "/api/v1/tickets/mint",
                 json{{"event_id", event_id}, {"tier", tier}, {"payment_method", "test"}}, token);
        REQUIRE_MESSAGE(bought.status == 201, bought.body);
        return bought.json()["ticket"];
    }

    std::string code_of(const std::string& token, const std::string& ticket_id) {
        auto code =
            call(Method::Get, "/api/v1/tickets/" + ticket_id + "/code", std::string{}, token);
        REQUIRE_MESSAGE(code.status == 200, code.body);
        return code.json()["code"].get<std::string>();
    }
};

}  // namespace gate::test
