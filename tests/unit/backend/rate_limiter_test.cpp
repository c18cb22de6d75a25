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

TEST_CASE("a bucket's memory is dropped once it has refilled, and that loses nothing") {
    gate::ManualClock clock(0);
    RateLimiter limiter(clock);
    const RateRule slow{1, 2};      // refills in two minutes
    const RateRule fast{600, 600};  // refills in one minute
    CHECK_FALSE(limiter.take("slow", slow).has_value());
    CHECK_FALSE(limiter.take("slow", slow).has_value());
    // A minute later a fast key sweeps; the slow bucket has one token back, not two.
    clock.advance(61'000);
    CHECK_FALSE(limiter.take("fast", fast).has_value());
    CHECK_FALSE(limiter.take("slow", slow).has_value());
    CHECK(limiter.take("slow", slow).has_value());
}
