// Rate limits shared through the database (limits.store = database; the default on
// PostgreSQL): every ticket-api process on one database draws from the same buckets, so a
// limit holds in total behind a load balancer. Runs on SQLite and on PostgreSQL.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "BackendFixture.h"
#include "gate/backend/RateLimiter.h"

using namespace gate::test;
using gate::backend::RateLimiter;
using gate::backend::RateLimitStore;
using gate::backend::RateRule;

namespace {

// A second ticket-api on the same database and keys as `b` (another process behind the
// same load balancer), with its own store connections.
std::unique_ptr<gate::backend::App> second_app(const Backend& b) {
    gate::log::Logger::Options quiet;
    quiet.level = gate::log::Level::Warn;
    return std::make_unique<gate::backend::App>(
        b.settings, gate::log::Logger("second", nullptr, quiet),
        std::make_unique<gate::ManualClock>(b.clock->now_ms()));
}

int nonce_status(gate::backend::App& app, const Wallet& wallet) {
    auto request = gate::backend::make_request(
        Method::Post, "/api/v1/auth/nonce", json{{"wallet", wallet.address()}}.dump(),
        gate::http::Headers{{"Content-Type", "application/json"}});
    request.remote = "203.0.113.9";
    return app.handle(std::move(request)).status;
}

std::int64_t bucket_rows(const Backend& b) {
    auto db = b.open_db();
    return db.query_one<std::int64_t>("SELECT COUNT(*) FROM rate_buckets").value();
}

}  // namespace

TEST_CASE("two limiters on one database share a bucket: the burst holds in total") {
    Backend b;
    auto other = second_app(b);
    gate::ManualClock clock(5'000'000);
    RateLimiter here(clock, b.app->store());
    RateLimiter there(clock, other->store());
    REQUIRE(here.shared());
    const RateRule rule{60, 3};  // one a second, three at once
    CHECK_FALSE(here.take("mint:user:1", rule).has_value());
    CHECK_FALSE(there.take("mint:user:1", rule).has_value());
    CHECK_FALSE(here.take("mint:user:1", rule).has_value());
    auto wait = there.take("mint:user:1", rule);
    REQUIRE(wait.has_value());
    CHECK(*wait == 1);
    CHECK(here.take("mint:user:1", rule).has_value());
    CHECK_FALSE(there.take("mint:user:2", rule).has_value());  // another key, its own bucket
    clock.advance(1000);  // one token back, for whichever process asks first
    CHECK_FALSE(there.take("mint:user:1", rule).has_value());
    CHECK(here.take("mint:user:1", rule).has_value());
    // A bucket that has surely refilled carries nothing and is dropped; one used lately stays.
    CHECK(bucket_rows(b) == 2);
    clock.advance(4000);
    CHECK_FALSE(here.take("mint:user:2", rule).has_value());
    REQUIRE(b.app->store().prune_rate_buckets(clock.now_ms() + 2999).ok());
    CHECK(bucket_rows(b) == 1);
    CHECK_FALSE(here.take("mint:user:1", rule).has_value());  // a fresh, full bucket
}

TEST_CASE("limiters racing on one bucket from two database connections never overspend") {
    Backend b;
    auto other = second_app(b);
    gate::ManualClock clock(9'000'000);  // stands still: nothing refills during the race
    RateLimiter here(clock, b.app->store());
    RateLimiter there(clock, other->store());
    const RateRule rule{1, 25};
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            RateLimiter& limiter = t % 2 == 0 ? here : there;
            for (int i = 0; i < 20; ++i)
                if (!limiter.take("race", rule).has_value()) ++granted;
        });
    for (auto& thread : threads)
        thread.join();
    CHECK(granted.load() == 25);
}

TEST_CASE("limits.store chooses whether two ticket-api processes share their limits") {
    SUBCASE("database: three sign-ins a burst, in total over both processes") {
        Backend b([](gate::backend::Settings& s) {
            s.sign_in_limit = {6, 3};
            s.rate_limit_store = RateLimitStore::Database;
        });
        auto other = second_app(b);
        int allowed = 0;
        for (int i = 0; i < 6; ++i)
            allowed += nonce_status(i % 2 == 0 ? *b.app : *other, b.alice) == 201 ? 1 : 0;
        CHECK(allowed == 3);
    }
    SUBCASE("memory: each process keeps its own buckets") {
        Backend b([](gate::backend::Settings& s) {
            s.sign_in_limit = {6, 3};
            s.rate_limit_store = RateLimitStore::Memory;
        });
        auto other = second_app(b);
        int allowed = 0;
        for (int i = 0; i < 6; ++i)
            allowed += nonce_status(i % 2 == 0 ? *b.app : *other, b.alice) == 201 ? 1 : 0;
        CHECK(allowed == 6);
        CHECK(bucket_rows(b) == 0);
    }
}
