// The decode loop end to end over real frames: decode, hold-off, decide, commit, report.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "ScannerFixture.h"
#include "gate/qr/Png.h"
#include "gate/scanner/ScanLoop.h"

using namespace gate;
using namespace gate::scanner;

namespace {

struct Collected {
    std::vector<ScanOutcome> outcomes;
    std::vector<std::string> labels;
    VerdictSink sink() {
        return [this](const ScanOutcome& o, const Frame& f) {
            outcomes.push_back(o);
            labels.push_back(f.label);
        };
    }
};

}  // namespace

TEST_CASE("a stream of frames: a held code counts once, empty frames are skipped") {
    test::ScannerFixture f;
    auto gate = f.gate();
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::thread camera([&] {
        // 5 frames of ticket 42 in view, 2 empty frames, ticket 43, then 42 again.
        std::vector<std::vector<std::uint8_t>> frames;
        for (int i = 0; i < 5; ++i)
            frames.push_back(test::frame_with(f.code(42), 320, 240, 20 + i, 20));
        frames.push_back(test::frame_with("", 320, 240));
        frames.push_back(test::frame_with("", 320, 240));
        frames.push_back(test::frame_with(f.code(43), 320, 240));
        frames.push_back(test::frame_with(f.code(42), 320, 240));
        for (const auto& frame : frames)
            REQUIRE(::write(fds[1], frame.data(), frame.size()) ==
                    static_cast<ssize_t>(frame.size()));
        ::close(fds[1]);
    });
    auto source = open_y8_stream(fds[0], 320, 240, true);
    Collected got;
    std::atomic<bool> stop{false};
    int idle = 0;
    ScanLoopOptions options;
    options.on_idle = [&] { ++idle; };
    auto stats = run_scan_loop(*source, gate, options, got.sink(), stop);
    camera.join();
    CHECK(idle == 6);  // 4 frames held in view + 2 empty frames
    REQUIRE(stats.ok());
    CHECK(stats->frames == 9);
    CHECK(stats->frames_with_code == 7);
    CHECK(stats->scans == 3);
    REQUIRE(got.outcomes.size() == 3);
    CHECK(got.outcomes[0].decision.reason == "ok");
    CHECK(got.labels[0] == "frame 1");
    CHECK(got.outcomes[1].decision.reason == "ticket.revoked");
    CHECK(got.outcomes[2].decision.reason == "entry.already_inside");
    CHECK(got.labels[2] == "frame 9");
    CHECK(f.store.scans().stats()->pending == 3);
}

TEST_CASE("every verdict becomes one JSON line with the fields integrations read") {
    test::ScannerFixture f;
    auto gate = f.gate();
    const auto outcome = gate.scan(f.code(42));
    const auto line = verdict_json(outcome, "frame 7");
    CHECK(line["verdict"] == "accepted");
    CHECK(line["reason"] == "ok");
    CHECK(line["ticket_id"] == "42");
    CHECK(line["tier"] == 2);
    CHECK(line["generation"] == 0);
    CHECK(line["event_id"] == test::kEvent);
    CHECK(line["gate"] == "north-1");
    CHECK(line["direction"] == "in");
    CHECK(line["nonce"] == outcome.record.nonce);
    CHECK(line["recorded"] == true);
    CHECK(line["scanned_at"] == test::kNowMs);
    CHECK(line["decide_us"].is_number_integer());
    CHECK(line["commit_us"].is_number_integer());
    CHECK(line["source"] == "frame 7");
    CHECK_FALSE(line.contains("error"));
    CHECK(line.dump().find('\n') == std::string::npos);

    const auto junk = verdict_json(gate.scan("hello"), "manual");
    CHECK(junk["verdict"] == "rejected");
    CHECK(junk["ticket_id"].is_null());
    CHECK(junk["tier"].is_null());
}

TEST_CASE("the loop stops when asked and reports a source error") {
    test::ScannerFixture f;
    auto gate = f.gate();
    std::filesystem::create_directory(f.dir / "codes");
    for (int i = 0; i < 3; ++i) {
        auto qr = qr::render(f.code(static_cast<std::uint64_t>(100 + i)));
        REQUIRE(
            qr::write_png(qr->image, f.dir / "codes" / ("c" + std::to_string(i) + ".png")).ok());
    }
    std::atomic<bool> stop{false};
    Collected got;
    auto source = open_source((f.dir / "codes").string());
    REQUIRE(source.ok());
    auto stats = run_scan_loop(
        **source, gate, {},
        [&](const ScanOutcome& o, const Frame& fr) {
            got.sink()(o, fr);
            stop = true;  // e.g. SIGTERM arrived
        },
        stop);
    REQUIRE(stats.ok());
    CHECK(stats->scans == 1);

    std::ofstream(f.dir / "cut.y8", std::ios::binary) << std::string(250, '\xC8');
    auto bad = open_source("y8:10x10:" + (f.dir / "cut.y8").string());
    REQUIRE(bad.ok());
    stop = false;
    auto failed = run_scan_loop(**bad, gate, {}, got.sink(), stop);
    // Two whole blank frames, then a cut-off one.
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message.find("ended inside frame") != std::string::npos);
}
