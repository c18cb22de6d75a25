// gate-scanner's hot path: frame -> QR decode -> decision -> durable commit, on 640x480 and
// 1280x720 frames with and without a code (a frame without one runs the decode pipeline's
// fallbacks within their budget, a frame with one is read first in the region where the
// last frame's code was; "before" is the plain ZXing pass alone on the whole frame, as the
// scanner decoded before the pipeline); the decision against a 100,000-ticket cache; and
// peak memory. Prints figures, never asserts on time. --quick: fewer rounds, smaller cache.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "BenchClock.h"
#include "SyncKey.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/qr/Render.h"
#include "gate/scanner/FrameDecoder.h"
#include "gate/scanner/Gate.h"
#include "gate/ticket/RotatingCode.h"

using namespace gate;

namespace {

constexpr std::uint32_t kEvent = 1001;

// A camera-like frame: blotchy texture (8x8 blocks of random grey), the QR pasted in the
// middle at 4 px per module when `code` is set.
std::vector<std::uint8_t> make_frame(int width, int height, const std::string& code,
                                     std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> grey(60, 230);
    std::vector<std::uint8_t> frame(static_cast<std::size_t>(width * height));
    for (int by = 0; by < height; by += 8)
        for (int bx = 0; bx < width; bx += 8) {
            const auto value = static_cast<std::uint8_t>(grey(rng));
            for (int y = by; y < std::min(by + 8, height); ++y)
                std::memset(frame.data() + y * width + bx, value,
                            static_cast<std::size_t>(std::min(8, width - bx)));
        }
    if (!code.empty()) {
        auto qr = qr::render(code, {.module_px = 4});
        const int x0 = (width - qr->image.width) / 2, y0 = (height - qr->image.height) / 2;
        for (int y = 0; y < qr->image.height; ++y)
            std::memcpy(frame.data() + (y0 + y) * width + x0,
                        qr->image.pixels.data() + y * qr->image.width,
                        static_cast<std::size_t>(qr->image.width));
    }
    return frame;
}

long peak_rss_kb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int rounds = quick ? 20 : 400;
    const std::uint64_t cache_size = quick ? 10'000 : 100'000;

    const auto dir =
        std::filesystem::temp_directory_path() / ("gate-scan-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto issuer = crypto::KeyPair::generate();

    // A provisioned device with a big cache.
    auto store = device::DeviceDatabase::open(dir / "scanner.db").value();
    if (!store.pin_sync_key(gate::test::test_sync_key().public_key())) {
        std::fprintf(stderr, "cannot pin the sync key\n");
        return 1;
    }
    domain::Snapshot snapshot;
    snapshot.cursor = 1;
    snapshot.assignment.device_id = 1;
    snapshot.assignment.event_id = kEvent;
    snapshot.assignment.gate = "north-1";
    snapshot.assignment.checkin_list = {1, "North", {0, 1, 2}, domain::Reentry::Multi, true};
    snapshot.assignment.event = {kEvent, "Bench", 0, 0};
    snapshot.issuer_keys = {{issuer.public_key(), kEvent, false}};
    for (std::uint64_t id = 1; id <= cache_size; ++id)
        snapshot.tickets.push_back(
            {id, static_cast<std::uint8_t>(id % 3), 0,
             id % 50 == 0 ? domain::TicketStatus::Revoked : domain::TicketStatus::Valid});
    // Signed as the backend signs it; the load below verifies every signature.
    snapshot = gate::test::signed_copy(std::move(snapshot));
    const auto t0 = std::chrono::steady_clock::now();
    if (!store.cache().apply_snapshot(snapshot)) {
        std::fprintf(stderr, "cannot load the cache\n");
        return 1;
    }
    const std::chrono::duration<double, std::milli> load = std::chrono::steady_clock::now() - t0;
    std::printf("gate-scanner hot path (%s), cache of %llu tickets loaded in %.0f ms\n\n",
                quick ? "quick" : "full", static_cast<unsigned long long>(cache_size),
                load.count());

    auto code_for = [&](std::uint64_t id) {
        return ticket::issue({.event_id = kEvent, .ticket_id = id, .tier = 1}, issuer);
    };
    scanner::Gate gate(store);
    scanner::FrameDecoder decoder;
    // The decoder before the pipeline: the plain pass alone, on the whole frame every time.
    scanner::FrameDecoder before({.fallback = false, .track = false});
    const auto assignment = *store.cache().assignment().value();
    ticket::IssuerKeyring keyring;
    keyring.add({issuer.public_key(), kEvent});
    // What the device computes for one code before it commits: check, cache read, rules.
    auto decide_one = [&](const std::string& text) {
        const auto check = domain::check_code(text, keyring);
        auto state = store.cache().ticket_state(check.code->claims.ticket_id);
        return domain::decide(check, *state, assignment, {gate::system_clock().now_ms()}).accepted;
    };

    // 1. Decode only, per frame size, with and without a code.
    for (auto [w, h] : {std::pair{640, 480}, std::pair{1280, 720}}) {
        const auto with = make_frame(w, h, code_for(7), 1);
        const auto without = make_frame(w, h, "", 2);
        const qr::GrayView with_view{with.data(), w, h, w}, without_view{without.data(), w, h, w};
        const std::string size = std::to_string(w) + "x" + std::to_string(h);
        if (!decoder.decode(with_view)->has_value()) {
            std::fprintf(stderr, "the %s test frame does not decode\n", size.c_str());
            return 1;
        }
        bench::measure(("decode " + size + " with code").c_str(), rounds, 1,
                       [&] { static_cast<void>(decoder.decode(with_view)); });
        bench::measure(("decode " + size + " no code").c_str(), rounds, 1,
                       [&] { static_cast<void>(decoder.decode(without_view)); });
        bench::measure(("decode " + size + " no code, before").c_str(), rounds, 1,
                       [&] { static_cast<void>(before.decode(without_view)); });
        bench::measure(("decode " + size + " with code, before").c_str(), rounds, 1,
                       [&] { static_cast<void>(before.decode(with_view)); });
        // Frame to decision: what the device computes before it commits.
        bench::measure(("frame->decision " + size).c_str(), rounds, 1, [&] {
            auto text = decoder.decode(with_view);
            static_cast<void>(decide_one(**text));
        });
        // Frame to verdict: decode, check, decide, commit (synchronous=FULL) - what a holder
        // waits for. Multi-entry, so every scan is an admission and a commit.
        bench::measure(("frame->verdict " + size + " + commit").c_str(), rounds, 1, [&] {
            auto text = decoder.decode(with_view);
            static_cast<void>(gate.scan(**text));
        });
    }
    {
        const auto big = make_frame(1280, 720, code_for(8), 3);
        scanner::FrameDecoder halved({.roi = std::nullopt, .downscale = 2});
        bench::measure("decode 1280x720 with code, /2", rounds, 1, [&] {
            static_cast<void>(halved.decode({big.data(), 1280, 720, 1280}));
        });
    }

    // 2. The decision alone against the big cache: parse, verify, cache read, rules.
    std::mt19937_64 rng(3);
    std::vector<std::string> codes;
    for (int i = 0; i < 256; ++i)
        codes.push_back(code_for(rng() % cache_size + 1));
    std::size_t next = 0;
    int accepted = 0;
    bench::measure("decide (verify + cache read)", rounds * 10, 1,
                   [&] { accepted += decide_one(codes[next++ % codes.size()]) ? 1 : 0; });
    // 3. Rotating codes (format version 2, two signatures): decode, and the decision alone,
    // against the same cache. Made for the current step, so they are fresh while measured.
    const auto phone = crypto::KeyPair::generate();
    auto rotating_for = [&](std::uint64_t id) {
        const ticket::PassClaims pass{
            {.event_id = kEvent, .ticket_id = id, .tier = 1}, phone.public_key(), 0, 4000000000U};
        return ticket::rotating_code(ticket::issue_pass(pass, issuer),
                                     ticket::step_at(gate::system_clock().now_ms()), phone);
    };
    {
        const auto with = make_frame(640, 480, rotating_for(9), 4);
        const qr::GrayView view{with.data(), 640, 480, 640};
        if (!decoder.decode(view)->has_value()) {
            std::fprintf(stderr, "the rotating-code test frame does not decode\n");
            return 1;
        }
        bench::measure("decode 640x480 with rotating code", rounds, 1,
                       [&] { static_cast<void>(decoder.decode(view)); });
    }
    std::vector<std::string> rotating;
    for (int i = 0; i < 256; ++i)
        rotating.push_back(rotating_for(rng() % cache_size + 1));
    int rotating_accepted = 0;
    bench::measure("decide rotating (2 verifies + cache read)", rounds * 10, 1, [&] {
        rotating_accepted += decide_one(rotating[next++ % rotating.size()]) ? 1 : 0;
    });
    bench::measure("cache read only", rounds * 10, 1,
                   [&] { static_cast<void>(store.cache().ticket_state(rng() % cache_size + 1)); });
    bench::measure("commit one scan (fsync)", rounds, 1,
                   [&] { static_cast<void>(gate.scan(codes[next++ % codes.size()])); });

    std::printf("\npeak memory (max RSS): %.1f MiB\n", static_cast<double>(peak_rss_kb()) / 1024.0);
    std::printf("(%d of the sampled decisions admitted, %d of the rotating ones)\n", accepted,
                rotating_accepted);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
}
