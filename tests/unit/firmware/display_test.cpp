// What the handheld's screen says, read as text.
#include "gate/scanner/Display.h"

#include <doctest/doctest.h>

using namespace gate::scanner;

namespace {

ScreenState sample() {
    ScreenState s;
    s.gate = "north-1";
    s.event_name = "Summer Night";
    s.accepted = 12;
    s.rejected = 3;
    s.online = true;
    s.queue_depth = 4;
    return s;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("an admission shows the big word, the welcome, tier and ticket") {
    auto s = sample();
    s.last = ScreenState::Verdict{true, "ok", 2, 42};
    const auto text = render_screen(s, {.color = false});
    CAPTURE(text);
    CHECK(has(text, " ###  ") == false);  // glyphs are drawn with blocks, not '#'
    CHECK(has(text, "\u2588"));
    CHECK(has(text, "Welcome"));
    CHECK(has(text, "tier 2"));
    CHECK(has(text, "ticket 42"));
    CHECK(has(text, "admitted 12"));
    CHECK(has(text, "refused 3"));
    CHECK(has(text, "ONLINE  queue 4"));
    CHECK(has(text, "north-1 | ENTRY | Summer Night"));
    CHECK_FALSE(has(text, "\x1b"));
}

TEST_CASE("a refusal gives the reason in plain words, and the colours differ") {
    auto s = sample();
    s.online = false;
    s.last = ScreenState::Verdict{false, "ticket.superseded", 1, 44};
    const auto plain = render_screen(s, {.color = false});
    CHECK(has(plain, "Old copy - ticket was transferred"));
    CHECK(has(plain, "(ticket.superseded)"));
    CHECK(has(plain, "OFFLINE  queue 4"));
    const auto red = render_screen(s);
    CHECK(has(red, "\x1b[1;97;41m"));
    s.last->accepted = true;
    CHECK(has(render_screen(s), "\x1b[1;97;42m"));
}

TEST_CASE("before the first scan the screen says ready, and an exit lane says so") {
    auto s = sample();
    s.direction = gate::domain::Direction::Out;
    const auto text = render_screen(s, {.color = false});
    CHECK(has(text, "Show the ticket QR to the camera"));
    CHECK(has(text, "| EXIT |"));
}

TEST_CASE("the bell rings once to admit, three times to refuse, never when muted") {
    CHECK(bell_for(true, true) == "\a");
    CHECK(bell_for(false, true) == "\a\a\a");
    CHECK(bell_for(false, false).empty());
    auto s = sample();
    s.bell = false;
    CHECK(has(render_screen(s, {.color = false}), "bell off"));
}
