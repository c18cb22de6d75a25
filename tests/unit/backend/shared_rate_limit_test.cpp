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

int nonce_status(Backend& b, gate::backend::App& on) {
    b.remote = "203.0.113.9";
    return b.call_on(on, Method::Post, "/api/v1/auth/nonce", json{{"wallet", b.alice.address()}})
        .status;
}

std::int64_t bucket_rows(const Backend& b) {
    auto db = b.open_db();
    return db.query_one<std::int64_t>("SELECT COUNT(*) FROM rate_buckets").value();
}

}  // namespace

TEST_CASE("two limiters on one database share a bucket: the burst holds in total") {
    Backend b;
    auto other = b.another_process();
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
    auto other = b.another_process();
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
    // Three sign-ins a burst: in total over both processes with the buckets in the
    // database, per process with them in memory.
    for (const auto& [store, expected] :
         {std::pair{RateLimitStore::Database, 3}, std::pair{RateLimitStore::Memory, 6}}) {
        CAPTURE(static_cast<int>(store));
        Backend b([store = store](gate::backend::Settings& s) {
            s.sign_in_limit = {6, 3};
            s.rate_limit_store = store;
        });
        auto other = b.another_process();
        int allowed = 0;
        for (int i = 0; i < 6; ++i)
            allowed += nonce_status(b, i % 2 == 0 ? *b.app : *other) == 201 ? 1 : 0;
        CHECK(allowed == expected);
        if (store == RateLimitStore::Memory) CHECK(bucket_rows(b) == 0);
    }
}
