#include "gate/syncd/Backoff.h"

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>

using namespace std::chrono_literals;
using gate::syncd::Backoff;
using gate::syncd::BackoffPolicy;

namespace {

// Always draws the top of the range, so the test sees the ceiling itself.
std::uint64_t highest(std::uint64_t n) {
    return n;
}
std::uint64_t lowest(std::uint64_t) {
    return 0;
}

}  // namespace

TEST_CASE("delays double after each failure up to the cap") {
    Backoff b({.initial = 500ms, .max = 5000ms, .multiplier = 2.0}, highest);
    CHECK(b.next_delay() == 500ms);
    CHECK(b.next_delay() == 1000ms);
    CHECK(b.next_delay() == 2000ms);
    CHECK(b.next_delay() == 4000ms);
    CHECK(b.next_delay() == 5000ms);
    CHECK(b.next_delay() == 5000ms);
    CHECK(b.failures() == 6);
}

TEST_CASE("jitter never goes below half the initial delay") {
    Backoff b({.initial = 800ms, .max = 10s}, lowest);
    for (int i = 0; i < 10; ++i)
        CHECK(b.next_delay() == 400ms);
}

TEST_CASE("a success starts the sequence over") {
    Backoff b({.initial = 100ms, .max = 10s}, highest);
    (void)b.next_delay();
    (void)b.next_delay();
    CHECK(b.ceiling() == 400ms);
    b.reset();
    CHECK(b.failures() == 0);
    CHECK(b.next_delay() == 100ms);
}

TEST_CASE("random jitter stays within the current bounds and spreads out") {
    Backoff b({.initial = 1000ms, .max = 8000ms});
    std::set<long long> seen;
    for (int i = 0; i < 200; ++i) {
        const auto cap = b.ceiling();
        const auto d = b.next_delay();
        REQUIRE(d >= 500ms);
        REQUIRE(d <= cap);
        if (i > 5) seen.insert(d.count());
    }
    CHECK(seen.size() > 50);  // retries from many devices do not line up
}

TEST_CASE("a thousand failures neither overflow nor exceed the cap") {
    Backoff b({.initial = 1ms, .max = 60s, .multiplier = 10.0}, highest);
    for (int i = 0; i < 1000; ++i)
        REQUIRE(b.next_delay() <= 60s);
    CHECK(b.next_delay() == 60s);
}

TEST_CASE("nonsense policies are refused") {
    CHECK_THROWS_AS(Backoff({.initial = 0ms, .max = 1s}), std::invalid_argument);
    CHECK_THROWS_AS(Backoff({.initial = 2s, .max = 1s}), std::invalid_argument);
    CHECK_THROWS_AS(Backoff({.initial = 1s, .max = 2s, .multiplier = 0.5}), std::invalid_argument);
}
