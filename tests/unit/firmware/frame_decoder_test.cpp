// The scanner's decode stage: the gate's self-check steering the decode passes, the first
// text read when nothing genuine is found, the fallbacks through the real loop, and the
// region of interest carried from frame to frame.
#include <doctest/doctest.h>
#include <unistd.h>

#include <thread>

#include "ScannerFixture.h"
#include "gate/codec/Base45.h"
#include "gate/scanner/FrameDecoder.h"
#include "gate/scanner/ScanLoop.h"

using namespace gate;
using namespace gate::scanner;

namespace {

// Passes decided by the budget alone, not by how fast a debug or sanitizer build runs.
DecoderOptions deterministic() {
    return {.time_guard = false};
}

std::string forged(const std::string& genuine) {
    auto raw = codec::base45_decode(std::string_view(genuine).substr(ticket::kPrefix.size()));
    REQUIRE(raw.ok());
    (*raw)[20] ^= 0x01;  // the tier byte, after signing
    return std::string(ticket::kPrefix) + codec::base45_encode(*raw);
}

void paste_code(std::vector<std::uint8_t>& frame, int width, const std::string& text, int x, int y,
                int module_px) {
    auto qr = qr::render(text, {.module_px = module_px});
    REQUIRE(qr.ok());
    for (int row = 0; row < qr->image.height; ++row)
        for (int col = 0; col < qr->image.width; ++col)
            frame[static_cast<std::size_t>((y + row) * width + x + col)] =
                qr->image.pixels[static_cast<std::size_t>(row * qr->image.width + col)];
}

std::vector<std::uint8_t> inverted(std::vector<std::uint8_t> frame) {
    for (auto& p : frame)
        p = static_cast<std::uint8_t>(255 - p);
    return frame;
}

qr::GrayView view(const std::vector<std::uint8_t>& frame, int width, int height) {
    return {frame.data(), width, height, width};
}

}  // namespace

TEST_CASE("a code that is not a genuine ticket sends the frame on until one is found") {
    test::ScannerFixture f;
    auto gate = f.gate();
    // A big advertising QR beside the smaller ticket: read first (larger), refused by the
    // self-check, and the ticket read after it.
    std::vector<std::uint8_t> frame(640 * 480, 200);
    paste_code(frame, 640, "HTTPS://EXAMPLE.COM/FESTIVAL-APP", 10, 10, 7);
    const std::string ticket = f.code(42);
    paste_code(frame, 640, ticket, 360, 200, 3);
    FrameDecoder decoder(deterministic(), [&](std::string_view t) { return gate.genuine(t); });
    auto got = decoder.read(view(frame, 640, 480));
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    CHECK((*got)->text == ticket);
    CHECK((*got)->genuine);

    SUBCASE("without the self-check the larger code wins") {
        FrameDecoder blind(deterministic());
        auto any = blind.read(view(frame, 640, 480));
        REQUIRE(any.ok());
        REQUIRE(any->has_value());
        CHECK((*any)->text == "HTTPS://EXAMPLE.COM/FESTIVAL-APP");
    }
}

TEST_CASE("genuine means well-formed and signed by a known key, not admitted") {
    test::ScannerFixture f;
    auto gate = f.gate();
    CHECK(gate.genuine(f.code(42)));
    CHECK(gate.genuine(f.code(43)));  // revoked: genuine, refused at the verdict
    CHECK_FALSE(gate.genuine(forged(f.code(42))));
    CHECK_FALSE(gate.genuine("HTTPS://EXAMPLE.COM"));
    CHECK_FALSE(gate.genuine(""));
}

TEST_CASE("a forged code is read by every pass as itself and still gets its red screen") {
    test::ScannerFixture f;
    auto gate = f.gate();
    const std::string fake = forged(f.code(42));
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::thread camera([&] {
        const auto frame = test::frame_with(fake, 320, 240);
        REQUIRE(::write(fds[1], frame.data(), frame.size()) == static_cast<ssize_t>(frame.size()));
        ::close(fds[1]);
    });
    auto source = open_y8_stream(fds[0], 320, 240, true);
    std::vector<ScanOutcome> outcomes;
    std::atomic<bool> stop{false};
    ScanLoopOptions options;
    options.decoder = deterministic();
    auto stats = run_scan_loop(
        *source, gate, options, [&](const ScanOutcome& o, const Frame&) { outcomes.push_back(o); },
        stop);
    camera.join();
    REQUIRE(stats.ok());
    CHECK(stats->frames_with_code == 1);
    CHECK(stats->frames_not_genuine == 1);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].decision.reason == "signature.invalid");
    CHECK(outcomes[0].recorded);
}

TEST_CASE("a dark-mode ticket the plain pass misses is read by a fallback and admitted") {
    test::ScannerFixture f;
    auto gate = f.gate();
    const auto frame = inverted(test::frame_with(f.code(42), 320, 240, 40, 20));
    FrameDecoder plain({.fallback = false});
    auto missed = plain.read(view(frame, 320, 240));
    REQUIRE(missed.ok());
    CHECK_FALSE(missed->has_value());

    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::thread camera([&] {
        REQUIRE(::write(fds[1], frame.data(), frame.size()) == static_cast<ssize_t>(frame.size()));
        ::close(fds[1]);
    });
    auto source = open_y8_stream(fds[0], 320, 240, true);
    std::vector<ScanOutcome> outcomes;
    std::atomic<bool> stop{false};
    ScanLoopOptions options;
    options.decoder = deterministic();
    auto stats = run_scan_loop(
        *source, gate, options, [&](const ScanOutcome& o, const Frame&) { outcomes.push_back(o); },
        stop);
    camera.join();
    REQUIRE(stats.ok());
    CHECK(stats->frames_by_fallback == 1);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].accepted());
}

TEST_CASE("the last code's position is the next frame's region of interest") {
    const std::string text = "TK1:TRACKED-CODE";
    std::vector<std::uint8_t> frame(640 * 480, 200);
    paste_code(frame, 640, text, 400, 260, 4);
    const std::vector<std::uint8_t> empty(640 * 480, 200);
    FrameDecoder decoder(deterministic());
    CHECK_FALSE(decoder.tracked_region());

    auto first = decoder.read(view(frame, 640, 480));
    REQUIRE(first.ok());
    REQUIRE(first->has_value());
    CHECK_FALSE((*first)->from_tracked_region);
    const auto region = decoder.tracked_region();
    REQUIRE(region);
    // Around the code (4 modules of quiet zone at 4 px, then the symbol) with a margin.
    CHECK(region->x < 416);
    CHECK(region->y < 276);
    CHECK(region->x + region->width > 400 + 116 - 16);
    CHECK(region->width < 400);

    auto second = decoder.read(view(frame, 640, 480));
    REQUIRE(second.ok());
    REQUIRE(second->has_value());
    CHECK((*second)->from_tracked_region);
    CHECK(decoder.pipeline().stats()[0].runs == 2);  // one plain pass each frame, on the region

    SUBCASE("frames without the code keep the region a while, then drop it") {
        for (int i = 0; i < 14; ++i)
            REQUIRE(decoder.read(view(empty, 640, 480)).ok());
        CHECK(decoder.tracked_region());
        REQUIRE(decoder.read(view(empty, 640, 480)).ok());
        CHECK_FALSE(decoder.tracked_region());
    }
    SUBCASE("the code moved away: the whole frame still reads it") {
        std::vector<std::uint8_t> moved(640 * 480, 200);
        paste_code(moved, 640, text, 10, 10, 4);
        auto third = decoder.read(view(moved, 640, 480));
        REQUIRE(third.ok());
        REQUIRE(third->has_value());
        CHECK((*third)->text == text);
        CHECK_FALSE((*third)->from_tracked_region);
    }
    SUBCASE("with an aiming box and downscaling the region is given in frame pixels") {
        FrameDecoder boxed({.roi = Roi{300, 200, 340, 280}, .downscale = 2, .time_guard = false});
        auto got = boxed.read(view(frame, 640, 480));
        REQUIRE(got.ok());
        REQUIRE(got->has_value());
        const auto r = boxed.tracked_region();
        REQUIRE(r);
        CHECK(r->x >= 300);
        CHECK(r->y >= 200);
        CHECK(r->x <= 400);
        CHECK(r->y <= 260);
        CHECK(r->x + r->width >= 516);
    }
}
