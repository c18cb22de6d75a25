// The sync cycle against a backend on a real socket and a real device database.
#include <doctest/doctest.h>

#include <atomic>

#include "FakeBackend.h"
#include "SyncKey.h"
#include "TempDir.h"
#include "gate/crypto/Random.h"
#include "gate/syncd/SyncEngine.h"

using namespace gate;
using gate::device::LinkError;

namespace {

struct Rig {
    test::TempDir dir;
    test::FakeBackend backend;
    device::DeviceDatabase store =
        gate::test::pinned(device::DeviceDatabase::open(dir / "device.db").value());
    const std::int64_t now = 1'767'225'600'000;
    gate::ManualClock clock{now};
    device::BackendLink link{backend.url(), "device-token-1", quick_http(), clock};
    syncd::SyncEngine engine{store, link, clock, {.batch_size = 3}};
    std::atomic<bool> stop{false};

    static http::ClientOptions quick_http() {
        http::ClientOptions o;
        o.timeout = std::chrono::seconds(5);
        o.connect_timeout = std::chrono::seconds(2);
        return o;
    }

    std::string scan(std::uint64_t ticket) {
        domain::EntryRecord e;
        e.nonce = crypto::random_token(16);
        e.ticket_id = ticket;
        e.event_id = 1001;
        e.gate = "north-1";
        e.reason = "ok";
        e.scanned_at = now;
        REQUIRE(store.scans().record_scan(e).ok());
        return e.nonce;
    }

    std::int64_t pending() {
        return static_cast<std::int64_t>(store.scans().pending_scans(1000)->size());
    }
};

}  // namespace

TEST_CASE("queued scans are pushed in batches and marked synced once confirmed") {
    Rig rig;
    for (std::uint64_t t = 1; t <= 7; ++t)
        rig.scan(t);
    const auto report = rig.engine.run_cycle(rig.stop);
    REQUIRE(report.ok());
    CHECK(report.pushed == 7);
    CHECK(rig.pending() == 0);
    CHECK(rig.backend.stored() == 7);
    for (const auto& [nonce, times] : rig.backend.pushes())
        CHECK(times == 1);
    // Three batches of at most three.
    CHECK(rig.backend.server().requests().size() >= 3);
}

TEST_CASE("the first cycle takes a snapshot, later ones pull changes by cursor") {
    Rig rig;
    rig.backend.publish_ticket({.ticket_id = 42, .tier = 1, .mint = std::nullopt});
    auto first = rig.engine.run_cycle(rig.stop);
    REQUIRE(first.ok());
    CHECK(first.snapshot);
    CHECK(rig.store.cache().ticket_state(42)->ticket.has_value());

    rig.backend.publish_ticket({.ticket_id = 42, .tier = 1, .generation = 1, .mint = std::nullopt});
    rig.backend.publish_ticket({.ticket_id = 43,
                                .tier = 2,
                                .status = domain::TicketStatus::Revoked,
                                .mint = std::nullopt});
    auto second = rig.engine.run_cycle(rig.stop);
    REQUIRE(second.ok());
    CHECK_FALSE(second.snapshot);
    CHECK(second.changes == 2);
    CHECK(rig.store.cache().ticket_state(42)->ticket->generation == 1);
    CHECK(rig.store.cache().ticket_state(43)->ticket->status == domain::TicketStatus::Revoked);
    CHECK(rig.store.sync().sync_status()->cursor == 3);
    CHECK(rig.backend.snapshots_served() == 1);
}

TEST_CASE("an expired cursor falls back to a snapshot") {
    Rig rig;
    rig.backend.publish_ticket({.ticket_id = 1, .mint = std::nullopt});
    REQUIRE(rig.engine.run_cycle(rig.stop).ok());
    rig.backend.publish_ticket({.ticket_id = 2, .mint = std::nullopt});
    rig.backend.set_mode(test::FakeBackend::Mode::CursorExpired);
    auto report = rig.engine.run_cycle(rig.stop);
    REQUIRE(report.ok());
    CHECK(report.snapshot);
    CHECK(rig.store.cache().ticket_state(2)->ticket.has_value());
    CHECK(rig.backend.snapshots_served() == 2);
}

TEST_CASE("the clock offset to the server is recorded") {
    Rig rig;
    rig.backend.set_server_time(rig.now + 90'000);  // the server is 90 s ahead
    REQUIRE(rig.engine.run_cycle(rig.stop).ok());
    const auto status = rig.store.sync().sync_status().value();
    CHECK(status.clock_offset_ms == 90'000);
    CHECK(status.online);
    CHECK(status.last_error.empty());
}

TEST_CASE("a dead backend keeps every scan queued and says so in plain words") {
    test::TempDir dir;
    auto store = gate::test::pinned(device::DeviceDatabase::open(dir / "device.db").value());
    gate::ManualClock clock{1};
    const std::string url =
        "http://127.0.0.1:" + std::to_string(test::TestHttpServer::closed_port());
    device::BackendLink link(url, "device-token-1", {}, clock);
    syncd::SyncEngine engine(store, link, clock);
    domain::EntryRecord e;
    e.nonce = "n-1";
    e.ticket_id = 5;
    e.event_id = 1001;
    e.gate = "north-1";
    e.reason = "ok";
    REQUIRE(store.scans().record_scan(e).ok());

    std::atomic<bool> stop{false};
    const auto report = engine.run_cycle(stop);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error->kind == LinkError::Kind::Offline);
    CHECK(report.error->retryable());
    CHECK(store.scans().pending_scans(10)->size() == 1);
    const auto status = store.sync().sync_status().value();
    CHECK_FALSE(status.online);
    CHECK(status.last_error.find("cannot reach the backend") != std::string::npos);
}

TEST_CASE("a garbage answer is rejected and nothing is marked synced") {
    Rig rig;
    rig.scan(1);
    rig.backend.set_mode(test::FakeBackend::Mode::Garbage);
    const auto report = rig.engine.run_cycle(rig.stop);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error->kind == LinkError::Kind::BadAnswer);
    CHECK(rig.pending() == 1);

    rig.backend.set_mode(test::FakeBackend::Mode::Normal);
    REQUIRE(rig.engine.run_cycle(rig.stop).ok());
    CHECK(rig.pending() == 0);
}

TEST_CASE("a backend that confirms nothing does not make the daemon spin") {
    Rig rig;
    rig.scan(1);
    rig.backend.set_mode(test::FakeBackend::Mode::AckNothing);
    const auto report = rig.engine.run_cycle(rig.stop);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error->kind == LinkError::Kind::BadAnswer);
    CHECK(rig.backend.server().requests().size() == 1);
    CHECK(rig.pending() == 1);
}

TEST_CASE("a revoked device token is reported as unauthorized and not retryable") {
    Rig rig;
    rig.scan(1);
    rig.backend.set_mode(test::FakeBackend::Mode::Revoked);
    const auto report = rig.engine.run_cycle(rig.stop);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error->kind == LinkError::Kind::Unauthorized);
    CHECK_FALSE(report.error->retryable());
    CHECK(report.error->message.find("provision") != std::string::npos);
    CHECK(rig.pending() == 1);
}

TEST_CASE("a scan pushed twice (answer lost) is stored once and synced") {
    Rig rig;
    const auto nonce = rig.scan(1);
    REQUIRE(rig.engine.run_cycle(rig.stop).ok());
    // Simulate a lost answer: the device still thinks the scan is pending.
    REQUIRE(rig.store.connection().execute("UPDATE scan SET synced = 0").ok());
    const auto again = rig.engine.run_cycle(rig.stop);
    REQUIRE(again.ok());
    CHECK(again.duplicates == 1);
    CHECK(rig.backend.stored() == 1);
    CHECK(rig.pending() == 0);
}

TEST_CASE("a stop request ends the cycle between batches") {
    Rig rig;
    for (std::uint64_t t = 1; t <= 6; ++t)
        rig.scan(t);
    rig.stop = true;
    const auto report = rig.engine.run_cycle(rig.stop);
    CHECK(report.pushed == 0);
    CHECK(rig.pending() == 6);
}

TEST_CASE("one record the backend refuses is set aside without blocking the others") {
    Rig rig;
    std::vector<std::string> nonces;
    for (std::uint64_t t = 1; t <= 5; ++t)
        nonces.push_back(rig.scan(t));
    rig.backend.refuse(nonces[1]);
    const auto report = rig.engine.run_cycle(rig.stop);
    REQUIRE(report.ok());
    CHECK(report.refused == 1);
    CHECK(report.pushed == 4);
    CHECK(rig.pending() == 0);
    CHECK(rig.backend.stored() == 4);
    // Still on the device, with the backend's reason, for audit.
    CHECK(rig.store.scans().scan_count(nonces[1]).value() == 1);
    CHECK(rig.store.scans().refused_count().value() == 1);
    CHECK(rig.store.connection()
              .query_one<std::string>("SELECT reason FROM scan_refused WHERE nonce = ?", nonces[1])
              .value()
              .find("invalid_entry") != std::string::npos);
}

TEST_CASE("batches go out stamped and signed by the device key; refused scans are set aside") {
    Rig rig;
    const auto key = crypto::KeyPair::generate();
    rig.link.sign_batches_with(crypto::KeyPair::from_secret(key.secret()).value());
    std::vector<std::string> nonces;
    for (std::uint64_t t = 1; t <= 3; ++t)
        nonces.push_back(rig.scan(t));
    rig.backend.refuse_in_answer(nonces[0], "proof.missing");
    const auto report = rig.engine.run_cycle(rig.stop);
    REQUIRE(report.ok());
    CHECK(report.pushed == 2);
    CHECK(report.refused == 1);
    CHECK(rig.pending() == 0);
    CHECK(rig.store.connection()
              .query_one<std::string>("SELECT reason FROM scan_refused WHERE nonce = ?", nonces[0])
              .value() == "proof.missing");

    const auto [header, body] = rig.backend.last_batch();
    auto signature = crypto::Signature::from_base58(header);
    REQUIRE(signature.ok());
    CHECK(
        crypto::verify(key.public_key(), as_bytes(domain::batch_signing_input(body)), *signature));
    CHECK_FALSE(crypto::verify(crypto::KeyPair::generate().public_key(),
                               as_bytes(domain::batch_signing_input(body)), *signature));
    const auto batch = domain::parse_message<domain::EntryBatch>(body).value();
    CHECK(batch.sent_at == rig.now);  // the device clock at sending
}
