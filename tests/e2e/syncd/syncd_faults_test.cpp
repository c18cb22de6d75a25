// gate-syncd under faults, end to end: the real ticket-api SIGKILLed mid-batch, the backend
// gone for a while under a running daemon, and gate-syncd itself SIGKILLed while it pulls a
// big snapshot and then many change pages. What is checked is what was really stored: the
// backend's and the device's SQLite files.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "SyncdHarness.h"
#include "gate/codec/Base64Url.h"
#include "gate/config/SecretFile.h"
#include "gate/crypto/Random.h"

using namespace gate::test;
namespace domain = gate::domain;
using namespace std::chrono_literals;

namespace {

/// Polls `done` every 5 ms: the fault tests act on short windows.
template <typename F>
bool soon(F done, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return done();
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

/// Queues scans in the device database exactly as the scanner records them: one admission
/// per ticket, the rest refused re-entries. Returns their nonces.
// Scans recorded through the device database as the scanner records them: the first of
// each ticket an admission (with its code as proof), the rest refused re-entries.
std::vector<std::string> queue_scans(Device& gate, const std::vector<std::string>& tickets,
                                     const std::vector<std::string>& codes, std::uint32_t event_id,
                                     int count) {
    std::vector<std::string> nonces;
    auto store = gate.store();
    const auto now = wall_now_ms();
    for (int i = 0; i < count; ++i) {
        domain::EntryRecord e;
        e.nonce = gate::codec::base64url_encode(gate::crypto::random_array<16>());
        e.ticket_id =
            domain::ticket_id_from_string(tickets[static_cast<std::size_t>(i) % tickets.size()]);
        e.event_id = event_id;
        e.gate = "north-1";
        const bool first = i < static_cast<int>(tickets.size());
        e.verdict = first ? domain::Verdict::Accepted : domain::Verdict::Rejected;
        e.reason = first ? "ok" : "entry.already_inside";
        e.scanned_at = now + i;
        if (first) e.proof = codes[static_cast<std::size_t>(i)];
        REQUIRE(store.scans().record_scan(e).ok());
        nonces.push_back(e.nonce);
    }
    return nonces;
}

}  // namespace

TEST_CASE("ticket-api SIGKILLed mid-batch again and again: every scan is stored exactly once") {
    World w;
    const auto tickets = w.buy(20);
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));
    constexpr int kScans = 400;
    std::vector<std::string> codes;
    for (const auto& t : tickets)
        codes.push_back(w.api.code_of(w.buyer_token, t));
    const auto nonces =
        queue_scans(gate, tickets, codes, static_cast<std::uint32_t>(w.event_id), kScans);
    REQUIRE(gate.queue_depth() == kScans);
    const auto device_id = gate.store().sync().sync_status().value().device_id;

    // Batches of two, quick retries: many exchanges, so the kills land inside them.
    auto syncd = gate.start_syncd(
        {"GATE_SYNC_INTERVAL=50ms", "GATE_SYNC_BATCH_SIZE=2", "GATE_BACKOFF_INITIAL=20ms",
         "GATE_BACKOFF_MAX=150ms", "GATE_SYNC_TIMEOUT=3s", "GATE_LOG_LEVEL=info"},
        "syncd.log");
    std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<int> extra_ms{0, 40};
    int rounds = 0, killed_mid_push = 0;
    for (; rounds < 12 && gate.queue_depth() > 0; ++rounds) {
        if (!w.api.running()) w.api.start();
        const auto before = gate.queue_depth();
        // Once the daemon has found the backend again and is pushing, at a random moment.
        CHECK_MESSAGE(soon([&] { return gate.queue_depth() < before; }, 20s), syncd->output());
        std::this_thread::sleep_for(std::chrono::milliseconds{extra_ms(random)});
        w.api.kill();
        if (gate.queue_depth() > 0) ++killed_mid_push;
    }
    CHECK(killed_mid_push >= 3);
    MESSAGE(rounds << " rounds, backend killed " << killed_mid_push << " times with scans queued");

    if (!w.api.running()) w.api.start();
    CHECK_MESSAGE(soon([&] { return gate.queue_depth() == 0; }, 30s), syncd->output());
    syncd->signal(SIGTERM);
    CHECK(syncd->wait(kProcessTimeout) == 0);

    // Every scan is on the backend exactly once: the audit row by its nonce, the admissions
    // as entries (no nonce there, so a duplicate would show as an extra row).
    auto backend = read_only(w.api.db_path());
    for (const auto& nonce : nonces) {
        const auto n = backend.query_one<std::int64_t>(
            "SELECT COUNT(*) FROM validations WHERE nonce = ?", nonce);
        REQUIRE(n.ok());
        CHECK_MESSAGE(*n == 1, nonce);
    }
    CHECK(backend
              .query_one<std::int64_t>("SELECT COUNT(*) FROM validations WHERE device_id = ?",
                                       device_id)
              .value() == kScans);
    CHECK(
        backend
            .query_one<std::int64_t>("SELECT COUNT(*) FROM entries WHERE device_id = ?", device_id)
            .value() == static_cast<std::int64_t>(tickets.size()));
    const auto stats = w.stats();
    CHECK(stats["rejected_scans"] == kScans - static_cast<int>(tickets.size()));
    CHECK(stats["inside_now"] == static_cast<std::int64_t>(tickets.size()));
    CHECK(stats["conflicts"] == 0);
    // Nothing was set aside as refused: a dead backend is not a refusal.
    CHECK(gate.store().scans().refused_count().value() == 0);
}

TEST_CASE("backend gone under a running daemon: offline in plain words, backs off, then drains") {
    World w;
    const auto tickets = w.buy(4);
    std::vector<std::string> codes;
    for (const auto& t : tickets)
        codes.push_back(w.code(t));
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));

    constexpr auto kInitial = 200ms;
    auto syncd = gate.start_syncd({"GATE_SYNC_INTERVAL=100ms", "GATE_BACKOFF_INITIAL=200ms",
                                   "GATE_BACKOFF_MAX=1s", "GATE_SYNC_TIMEOUT=2s"},
                                  "syncd.log");
    REQUIRE(eventually(
        [&] {
            auto s = gate.store().sync().sync_status();
            return s.ok() && s->online && s->last_sync_at.has_value();
        },
        20s));

    // The cut: the port is closed, every connection attempt is refused at once, so only
    // the backoff keeps the daemon from spinning.
    w.api.stop();
    const auto cut_started = std::chrono::steady_clock::now();
    const auto cut_started_wall = wall_now_ms();
    const auto failures_before = count_of(syncd->output(), "sync cycle failed");
    for (const auto& c : codes)
        CHECK(gate.check(c).reason == "ok");  // the gate goes on deciding offline
    CHECK(eventually(
        [&] {
            auto s = gate.store().sync().sync_status();
            return s.ok() && !s->online && !s->last_error.empty();
        },
        10s));
    std::this_thread::sleep_until(cut_started + 5s);
    const auto failures = count_of(syncd->output(), "sync cycle failed") - failures_before;
    const auto cut_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - cut_started)
                            .count();

    const auto status = gate.store().sync().sync_status().value();
    CHECK_FALSE(status.online);
    CHECK_MESSAGE(status.last_error.starts_with("cannot reach the backend"), status.last_error);
    CHECK(status.queue_depth == static_cast<std::int64_t>(codes.size()));
    // Still trying late in the cut...
    REQUIRE(status.last_attempt_at.has_value());
    CHECK(*status.last_attempt_at > cut_started_wall + 2000);
    CHECK(failures >= 2);
    // ...but never faster than the backoff allows: every wait is at least initial/2, so a
    // cut of T ms holds at most T / (initial/2) + 1 attempts (a spinning loop makes
    // thousands). Typically the waits double up to the cap and it is a handful.
    const auto bound = static_cast<std::size_t>(cut_ms / (kInitial.count() / 2) + 1);
    CHECK_MESSAGE(failures <= bound, failures << " attempts in " << cut_ms << " ms");
    MESSAGE(failures << " attempts in a " << cut_ms << " ms cut");

    w.api.start();
    CHECK_MESSAGE(eventually([&] { return gate.queue_depth() == 0; }, 20s), syncd->output());
    CHECK(gate.store().scans().refused_count().value() == 0);
    CHECK(w.entries() == static_cast<std::int64_t>(codes.size()));
    CHECK(eventually(
        [&] {
            auto s = gate.store().sync().sync_status();
            return s.ok() && s->online && s->last_error.empty();
        },
        10s));
    CHECK(syncd->wait(0ms) == -1);  // the same daemon, never restarted
    syncd->signal(SIGTERM);
    CHECK(syncd->wait(kProcessTimeout) == 0);
}

namespace {

struct Row {
    std::int64_t tier = 0, generation = 0;
    std::string status;
    bool operator==(const Row&) const = default;
};
using Rows = std::map<std::int64_t, Row>;

Rows device_rows(gate::db::Database& db) {
    Rows rows;
    REQUIRE(db.for_each<std::int64_t, std::int64_t, std::int64_t, std::string>(
                  "SELECT ticket_id, tier, generation, status FROM ticket",
                  [&](std::int64_t id, std::int64_t tier, std::int64_t gen, std::string status) {
                      rows[id] = {tier, gen, std::move(status)};
                  })
                .ok());
    return rows;
}

Rows backend_rows(gate::db::Database& db, std::int64_t event_id) {
    Rows rows;
    REQUIRE(db.for_each<std::int64_t, std::int64_t, std::int64_t, std::string>(
                  "SELECT id, tier, generation, status FROM tickets WHERE event_id = ?",
                  [&](std::int64_t id, std::int64_t tier, std::int64_t gen, std::string status) {
                      rows[id] = {tier, gen, std::move(status)};
                  },
                  event_id)
                .ok());
    return rows;
}

/// What the device database holds after a kill: it opens, passes SQLite's check, and gives
/// its cursor and ticket rows (read in one transaction, so they belong together).
struct DeviceView {
    std::int64_t cursor = 0;
    Rows rows;
};
DeviceView device_view(Device& gate) {
    auto db = read_only(gate.db());
    REQUIRE(db.query_one<std::string>("PRAGMA quick_check").value() == "ok");
    auto tx = db.begin(gate::db::TransactionKind::Deferred);
    REQUIRE(tx.ok());
    DeviceView view;
    view.cursor = db.query_one<std::int64_t>("SELECT cursor FROM sync_state").value();
    view.rows = device_rows(db);
    return view;
}

}  // namespace

TEST_CASE("SIGKILL of gate-syncd during snapshot and change-page pulls leaves a consistent cache") {
    constexpr int kBefore = 10, kSnapshot = 3000, kPaged = 2500;
    World w(kBefore + kSnapshot + kPaged);
    Wallet other;
    w.buy(kBefore);
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));
    const auto provisioned = device_view(gate);
    REQUIRE(provisioned.rows.size() == kBefore);

    // Phase 1, a big snapshot: many tickets, some revoked or moved to a new owner, then a
    // backend restart whose housekeeping drops the change log, so the gate's cursor expires.
    const auto snapshot_tickets = w.buy(kSnapshot);
    for (std::size_t i = 0; i < 10; ++i) {
        w.api.post("/api/v1/tickets/" + snapshot_tickets[i * 7] + "/status",
                   json{{"status", "revoked"}}, w.organizer_token, 200);
        w.api.post("/api/v1/tickets/" + snapshot_tickets[i * 7 + 3] + "/transfer",
                   json{{"to_wallet", other.address()}}, w.buyer_token, 200);
    }
    w.api.stop();
    w.api.start({"GATE_DEVICES_CHANGE_RETENTION=1ms"});
    const auto device_token = gate::config::read_secret_text(gate.dir() / "device.token");
    REQUIRE(eventually(
        [&] {
            return w.api
                       .send(
                           gate::http::Method::Get,
                           "/api/v1/devices/me/changes?after=" + std::to_string(provisioned.cursor),
                           device_token)
                       .status == 410;
        },
        10s));
    w.api.stop();
    w.api.start();  // the default retention again: nothing newer is dropped

    auto backend = read_only(w.api.db_path());
    const auto after_snapshot = backend_rows(backend, w.event_id);
    REQUIRE(after_snapshot.size() == kBefore + kSnapshot);

    std::mt19937 random{std::random_device{}()};
    // Kill at a random moment up to a bound that grows each round, so early rounds die
    // early in the pull and a later one gets to finish (on a slow machine, the last
    // round is left alone).
    auto kill_rounds = [&](const std::string& phase, auto&& check) {
        constexpr int kRounds = 20;
        int killed = 0;
        for (int round = 0; round <= kRounds; ++round) {
            auto syncd = gate.start_sync_once(phase + "-" + std::to_string(round) + ".log");
            if (round < kRounds) {
                const auto bound = 20.0 * std::pow(1.3, round);  // 20 ms .. 3.8 s
                std::uniform_int_distribution<int> delay_ms{0, static_cast<int>(bound)};
                std::this_thread::sleep_for(std::chrono::milliseconds{delay_ms(random)});
                syncd->signal(SIGKILL);
            }
            const int code = syncd->wait(kProcessTimeout);
            check(device_view(gate));
            if (code == 0) return killed;
            CHECK_MESSAGE(code == 128 + SIGKILL, syncd->output());
            ++killed;
        }
        FAIL(phase << ": the pull never completed");
        return killed;
    };

    // After any kill the cache is either what it was or the whole snapshot, never a mix;
    // the cursor says which.
    const int killed_in_snapshot = kill_rounds("snapshot", [&](const DeviceView& v) {
        if (v.cursor == provisioned.cursor) {
            CHECK(v.rows == provisioned.rows);
        } else {
            CHECK(v.cursor > provisioned.cursor);
            CHECK(v.rows.size() == after_snapshot.size());
            CHECK(v.rows == after_snapshot);
        }
    });
    const auto snapshot_cursor = device_view(gate).cursor;
    CHECK(device_view(gate).rows == after_snapshot);

    // Phase 2, many change pages (1000 changes each): new tickets, and revocations of
    // snapshot tickets in between.
    std::set<std::int64_t> revoked_late;
    w.buy(kPaged / 2);
    for (std::size_t i = 0; i < 5; ++i) {
        const auto& t = snapshot_tickets[100 + i * 11];
        w.api.post("/api/v1/tickets/" + t + "/status", json{{"status", "revoked"}},
                   w.organizer_token, 200);
        revoked_late.insert(std::stoll(t));
    }
    w.buy(kPaged - kPaged / 2);

    // The log the pages are served from: the first change of a new ticket is its creation,
    // a later one of a revoked ticket its revocation.
    std::map<std::int64_t, std::int64_t> created_at_seq, revoked_at_seq;
    REQUIRE(
        backend
            .for_each<std::int64_t, std::int64_t>(
                "SELECT seq, ref FROM changes WHERE event_id = ? AND kind = 'ticket' AND seq > ? "
                "ORDER BY seq",
                [&](std::int64_t seq, std::int64_t ref) {
                    if (revoked_late.contains(ref))
                        revoked_at_seq.emplace(ref, seq);
                    else
                        created_at_seq.emplace(ref, seq);
                },
                w.event_id, snapshot_cursor)
            .ok());
    REQUIRE(created_at_seq.size() == static_cast<std::size_t>(kPaged));
    REQUIRE(revoked_at_seq.size() == revoked_late.size());
    const auto final_rows = backend_rows(backend, w.event_id);

    std::set<std::int64_t> cursors_seen;
    const int killed_in_pages = kill_rounds("pages", [&](const DeviceView& v) {
        cursors_seen.insert(v.cursor);
        // Exactly the backend's rows as of the cursor: every ticket created up to it (never
        // ahead of what is applied), none created after it (a page is applied with its
        // cursor in one transaction), and a revocation in force exactly when passed.
        Rows expected;
        for (const auto& [ticket, row] : final_rows) {
            const auto created = created_at_seq.find(ticket);
            if (created != created_at_seq.end() && created->second > v.cursor) continue;
            expected[ticket] = row;
            if (const auto revoked = revoked_at_seq.find(ticket); revoked != revoked_at_seq.end())
                expected[ticket].status = revoked->second <= v.cursor ? "revoked" : "valid";
        }
        CHECK_MESSAGE(v.rows.size() == expected.size(), "cursor " << v.cursor);
        CHECK_MESSAGE(v.rows == expected, "cursor " << v.cursor);
    });

    // Done: the cache is the backend's, row for row, and the cursor its newest change.
    const auto done = device_view(gate);
    CHECK(done.rows.size() == final_rows.size());
    CHECK(done.rows == final_rows);
    CHECK(done.cursor == backend.query_one<std::int64_t>("SELECT MAX(seq) FROM changes").value());
    // A kill between pages left a cursor part-way at least once.
    const bool stopped_between_pages =
        std::any_of(cursors_seen.begin(), cursors_seen.end(),
                    [&](std::int64_t c) { return c > snapshot_cursor && c < done.cursor; });
    MESSAGE("snapshot pulls killed " << killed_in_snapshot << " times, page pulls "
                                     << killed_in_pages
                                     << " times; part-way cursors: " << stopped_between_pages);
    CHECK(killed_in_snapshot + killed_in_pages >= 4);
}
