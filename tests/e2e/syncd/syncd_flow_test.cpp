// gate-syncd end to end: the real ticket-api, gate-scanner and gate-syncd processes over
// loopback, the backend stopped and started under them, the daemon killed mid-push.
#include <doctest/doctest.h>

#include <random>

#include "SyncdHarness.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/Random.h"

using namespace gate::test;
namespace domain = gate::domain;

TEST_CASE("scans admitted offline reach the backend once, however often syncd runs") {
    World w;
    std::vector<std::string> codes;
    for (int i = 0; i < 3; ++i)
        codes.push_back(w.code(w.buy()));
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));

    w.api.stop();
    for (const auto& c : codes) {
        const auto v = gate.check(c);
        CHECK_MESSAGE(v.exit_code == 0, v.output);
        CHECK(v.reason == "ok");
    }
    std::string out;
    CHECK(gate.sync_once(&out) == 1);  // backend down: the cycle did not complete
    CHECK(gate.queue_depth() == 3);

    w.api.start();
    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
    CHECK(gate.queue_depth() == 0);
    auto stats = w.stats();
    CHECK(w.entries() == 3);
    CHECK(stats["inside_now"] == 3);
    CHECK(stats["conflicts"] == 0);

    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
    CHECK(w.entries() == 3);
    CHECK(w.stats()["inside_now"] == 3);
}

TEST_CASE("a ticket revoked in the backend is refused at the gate after a sync") {
    World w;
    const auto ticket = w.buy();
    const auto code = w.code(ticket);
    const auto other = w.code(w.buy());
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));

    w.api.post("/api/v1/tickets/" + ticket + "/status", json{{"status", "revoked"}},
               w.organizer_token, 200);
    std::string out;
    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
    const auto refused = gate.check(code);
    CHECK(refused.exit_code == 1);
    CHECK(refused.verdict == "rejected");
    CHECK(refused.reason == "ticket.revoked");
    CHECK(gate.check(other).reason == "ok");  // the rest of the cache is intact
}

TEST_CASE(
    "after a direct transfer syncs, the seller's code is superseded and the buyer's admitted") {
    World w;
    const auto ticket = w.buy();
    const auto old_code = w.code(ticket);
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));

    Wallet new_owner;
    const auto moved = w.api.post("/api/v1/tickets/" + ticket + "/transfer",
                                  json{{"to_wallet", new_owner.address()}}, w.buyer_token, 200);
    CHECK(moved["ticket"]["generation"] == 1);
    const auto new_token = w.api.sign_in(new_owner);
    const auto new_code = w.api.code_of(new_token, ticket);
    CHECK(new_code != old_code);

    std::string out;
    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
    const auto old_verdict = gate.check(old_code);
    CHECK(old_verdict.exit_code == 1);
    CHECK(old_verdict.reason == "ticket.superseded");
    const auto new_verdict = gate.check(new_code);
    CHECK_MESSAGE(new_verdict.exit_code == 0, new_verdict.output);
    CHECK(new_verdict.reason == "ok");
}

TEST_CASE("two scanners offline admit the same ticket: the backend reports the conflict") {
    World w;
    const auto code = w.code(w.buy());
    Device north("north-1-a"), south("south-1-a");
    north.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));
    south.provision(w.api.setup_code(w.organizer_token, w.event_id, "south-1"));

    w.api.stop();
    CHECK(north.check(code).reason == "ok");
    CHECK(south.check(code).reason == "ok");  // neither can know of the other
    w.api.start();

    std::string out;
    REQUIRE_MESSAGE(north.sync_once(&out) == 0, out);
    REQUIRE_MESSAGE(south.sync_once(&out) == 0, out);
    CHECK(north.queue_depth() == 0);
    CHECK(south.queue_depth() == 0);
    const auto stats = w.stats();
    CHECK(stats["conflicts"].get<std::int64_t>() >= 1);
    CHECK(stats["inside_now"] == 1);
}

TEST_CASE("SIGKILL of gate-syncd mid-push loses and duplicates nothing") {
    World w;
    std::vector<std::uint64_t> tickets;
    std::vector<std::string> codes;
    for (int i = 0; i < 5; ++i) {
        const auto ticket = w.buy();
        tickets.push_back(domain::ticket_id_from_string(ticket).value());
        codes.push_back(w.code(ticket));
    }
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));

    // A few hundred queued scans, recorded through the device database as the scanner
    // records them: one admission per ticket, the rest refused re-entries.
    constexpr int kScans = 400;
    {
        auto store = gate.store();
        const auto now = wall_now_ms();
        for (int i = 0; i < kScans; ++i) {
            domain::EntryRecord e;
            e.nonce = gate::codec::base64url_encode(gate::crypto::random_array<16>());
            e.ticket_id = tickets[static_cast<std::size_t>(i) % tickets.size()];
            e.event_id = static_cast<std::uint32_t>(w.event_id);
            e.gate = "north-1";
            const bool first = i < static_cast<int>(tickets.size());
            e.verdict = first ? domain::Verdict::Accepted : domain::Verdict::Rejected;
            e.reason = first ? "ok" : "entry.already_inside";
            e.scanned_at = now + i;
            if (first) e.proof = codes[static_cast<std::size_t>(i)];  // the code was scanned
            REQUIRE(store.scans().record_scan(e).ok());
        }
    }
    REQUIRE(gate.queue_depth() == kScans);

    std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<int> extra_ms{0, 30};
    int killed_mid_push = 0;
    for (int round = 0; round < 4; ++round) {
        const auto before = gate.queue_depth();
        if (before == 0) break;
        // Small batches, so a kill lands between and inside pushes.
        auto syncd = gate.start_syncd({"GATE_SYNC_INTERVAL=50ms", "GATE_SYNC_BATCH_SIZE=5",
                                       "GATE_BACKOFF_INITIAL=50ms", "GATE_BACKOFF_MAX=200ms"},
                                      "syncd-" + std::to_string(round) + ".log");
        // Once it is pushing (the queue moved), at a random moment after.
        CHECK(eventually([&] { return gate.queue_depth() < before; }, std::chrono::seconds{30}));
        std::this_thread::sleep_for(std::chrono::milliseconds{extra_ms(random)});
        syncd->signal(SIGKILL);
        CHECK(syncd->wait(kProcessTimeout) == 128 + SIGKILL);
        if (gate.queue_depth() > 0) ++killed_mid_push;
    }
    CHECK(killed_mid_push >= 1);
    std::string out;
    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
    CHECK(gate.queue_depth() == 0);
    const auto stats = w.stats();
    CHECK(w.entries() == static_cast<std::int64_t>(tickets.size()));
    CHECK(stats["rejected_scans"] == kScans - static_cast<int>(tickets.size()));
    CHECK(stats["inside_now"] == static_cast<std::int64_t>(tickets.size()));
}

TEST_CASE("the queue drains after the backend comes back, without restarting syncd") {
    World w;
    std::vector<std::string> codes;
    for (int i = 0; i < 4; ++i)
        codes.push_back(w.code(w.buy()));
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));

    auto syncd = gate.start_syncd(
        {"GATE_SYNC_INTERVAL=100ms", "GATE_BACKOFF_INITIAL=50ms", "GATE_BACKOFF_MAX=300ms"},
        "syncd-run.log");
    w.api.stop();
    for (const auto& c : codes)
        CHECK(gate.check(c).reason == "ok");
    // The daemon tries while the backend is gone (offline, with the error in plain words)
    // and keeps trying.
    CHECK(eventually(
        [&] {
            auto status = gate.store().sync().sync_status();
            return status.ok() && !status->online && !status->last_error.empty();
        },
        std::chrono::seconds{30}));
    CHECK(gate.queue_depth() == 4);

    w.api.start();
    CHECK_MESSAGE(eventually([&] { return gate.queue_depth() == 0; }, std::chrono::seconds{30}),
                  syncd->output());
    CHECK(w.entries() == 4);
    CHECK(eventually(
        [&] {
            auto status = gate.store().sync().sync_status();
            return status.ok() && status->online && status->last_error.empty();
        },
        std::chrono::seconds{30}));
    syncd->signal(SIGTERM);
    CHECK(syncd->wait(kProcessTimeout) == 0);
}
