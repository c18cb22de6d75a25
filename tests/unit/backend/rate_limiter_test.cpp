// Token buckets: a burst, then a steady rate, with the wait reported in whole seconds.
#include <doctest/doctest.h>

#include "gate/backend/RateLimiter.h"

using namespace gate::backend;

TEST_CASE("a bucket allows its burst, then refills at the rate") {
    gate::ManualClock clock(1'000'000);
    RateLimiter limiter(clock);
    const RateRule rule{60, 3};  // one per second, three at once
    for (int i = 0; i < 3; ++i)
        CHECK_FALSE(limiter.take("k", rule).has_value());
    auto wait = limiter.take("k", rule);
    REQUIRE(wait.has_value());
    CHECK(*wait == 1);
    clock.advance(999);
    CHECK(limiter.take("k", rule).has_value());
    clock.advance(1001);  // two seconds since the bucket emptied: two tokens
    CHECK_FALSE(limiter.take("k", rule).has_value());
    CHECK_FALSE(limiter.take("k", rule).has_value());
    CHECK(limiter.take("k", rule).has_value());
}

TEST_CASE("keys have separate buckets and a zero rate is unlimited") {
    gate::ManualClock clock(0);
    RateLimiter limiter(clock);
    const RateRule one{1, 1};
    CHECK_FALSE(limiter.take("a", one).has_value());
    CHECK_FALSE(limiter.take("b", one).has_value());
    auto wait = limiter.take("a", one);
    REQUIRE(wait.has_value());
    CHECK(*wait == 60);
    for (int i = 0; i < 1000; ++i)
        CHECK_FALSE(limiter.take("free", RateRule{0, 0}).has_value());
}
