// A code held in view counts once; a new code counts on the frame it appears.
#include <doctest/doctest.h>

#include "gate/scanner/HoldOff.h"

using gate::scanner::HoldOff;
using namespace std::chrono_literals;

namespace {
const HoldOff::Clock::time_point t0{};
}

TEST_CASE("the same code seen frame after frame counts once") {
    HoldOff h(1500ms);
    CHECK(h.is_new("A", t0));
    for (int frame = 1; frame <= 120; ++frame)  // four seconds at 30 fps, held in view
        CHECK_FALSE(h.is_new("A", t0 + frame * 33ms));
}

TEST_CASE("the same code counts again after it was out of view for the hold-off") {
    HoldOff h(1500ms);
    CHECK(h.is_new("A", t0));
    CHECK_FALSE(h.is_new("A", t0 + 1499ms));
    CHECK(h.is_new("A", t0 + 1499ms + 1500ms));
}

TEST_CASE("a different code counts on its first frame") {
    HoldOff h(1500ms);
    CHECK(h.is_new("A", t0));
    CHECK(h.is_new("B", t0 + 33ms));
    CHECK_FALSE(h.is_new("B", t0 + 66ms));
    // Back to the first holder's code: it is a new scan (and the gate will say why).
    CHECK(h.is_new("A", t0 + 99ms));
}

TEST_CASE("a hold-off of zero counts every sighting") {
    HoldOff h(0ms);
    CHECK(h.is_new("A", t0));
    CHECK(h.is_new("A", t0));
}
