// The chain recorder without a chain: nothing configured, an unreachable RPC, and the
// daemon's --once running one chain round after the backend round.
#include <doctest/doctest.h>

#include "FakeBackend.h"
#include "SyncKey.h"
#include "TempDir.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/KeyFile.h"
#include "gate/crypto/Random.h"
#include "gate/crypto/SealedBox.h"
#include "gate/log/MemorySink.h"
#include "gate/syncd/ChainRecorder.h"
#include "gate/syncd/Daemon.h"
#include "gate/syncd/Service.h"

using namespace gate;
using namespace std::chrono_literals;

namespace {

struct Rig {
    test::TempDir dir;
    device::DeviceDatabase store =
        gate::test::pinned(device::DeviceDatabase::open(dir / "device.db").value());
    crypto::KeyPair device_key = crypto::KeyPair::generate();
    crypto::KeyPair validator = crypto::KeyPair::generate();
    syncd::RecorderOptions options;

    Rig() {
        REQUIRE(crypto::save_keypair(dir / "device-key.json", device_key));
        options.device_key_file = dir / "device-key.json";
        options.request_timeout = 2s;
    }

    domain::Assignment assignment(std::optional<std::string> rpc_url) {
        domain::Assignment a;
        a.event_id = 1001;
        a.gate = "north-1";
        a.event.id = 1001;
        if (rpc_url) {
            a.chain = domain::ChainAssignment{*rpc_url, validator.public_key(),
                                              codec::base64url_encode(crypto::seal_for(
                                                  device_key.public_key(), validator.secret()))};
        }
        return a;
    }

    void queue_checkin(std::uint64_t ticket) {
        domain::Snapshot s;
        s.cursor = 1;
        s.assignment = *store.cache().assignment().value();
        s.tickets = {
            {ticket, 0, 0, domain::TicketStatus::Valid, crypto::KeyPair::generate().public_key()}};
        REQUIRE(store.cache().apply_snapshot(gate::test::signed_copy(s)));
        domain::EntryRecord e;
        e.nonce = crypto::random_token(16);
        e.ticket_id = ticket;
        e.event_id = 1001;
        e.gate = "north-1";
        e.reason = "ok";
        e.scanned_at = 1000;
        REQUIRE(store.scans().record_scan(e));
    }
};

}  // namespace

TEST_CASE("with no chain in the assignment a round does nothing, unless check-ins wait") {
    Rig rig;
    REQUIRE(
        rig.store.cache().set_assignment(gate::test::signed_copy(rig.assignment(std::nullopt))));
    syncd::ChainRecorder recorder(rig.store, rig.options, gate::system_clock());
    const std::atomic<bool> stop{false};
    auto r = recorder.run_round(stop);
    CHECK(r.ok());
    CHECK_FALSE(r.configured);
    CHECK_FALSE(rig.store.chain().chain_status()->last_attempt_at.has_value());

    rig.queue_checkin(42);
    r = recorder.run_round(stop);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->find("assigned no chain") != std::string::npos);
    CHECK(rig.store.chain().chain_status()->pending == 1);
}

TEST_CASE("an unreachable chain RPC is a plain error and the check-in stays queued") {
    Rig rig;
    REQUIRE(rig.store.cache().set_assignment(
        gate::test::signed_copy(rig.assignment("http://127.0.0.1:9"))));  // discard: refused
    rig.queue_checkin(42);
    syncd::ChainRecorder recorder(rig.store, rig.options, gate::system_clock());
    const std::atomic<bool> stop{false};
    const auto r = recorder.run_round(stop);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->find("chain RPC http://127.0.0.1:9") != std::string::npos);
    CHECK(r.waiting == 1);
    const auto status = rig.store.chain().chain_status().value();
    CHECK(status.pending == 1);
    CHECK(status.last_error == *r.error);

    SUBCASE("chain.rpc_url overrides the assignment's URL") {
        rig.options.rpc_url = "http://127.0.0.1:7";
        syncd::ChainRecorder overridden(rig.store, rig.options, gate::system_clock());
        const auto o = overridden.run_round(stop);
        REQUIRE_FALSE(o.ok());
        CHECK(o.error->find("http://127.0.0.1:7") != std::string::npos);
    }
}

TEST_CASE("--once runs one chain round after the backend round and its failure is exit 1") {
    Rig rig;
    test::FakeBackend backend;
    backend.publish_assignment(rig.assignment("http://127.0.0.1:9"));
    backend.publish_ticket(
        {42, 0, 0, domain::TicketStatus::Valid, crypto::KeyPair::generate().public_key()});
    device::DeviceDatabase chain_store =
        gate::test::pinned(device::DeviceDatabase::open(rig.dir / "device.db").value());
    device::BackendLink link{backend.url(), "device-token-1", {}, gate::system_clock()};
    syncd::SyncEngine engine{rig.store, link, gate::system_clock()};
    syncd::ChainRecorder recorder(chain_store, rig.options, gate::system_clock());
    auto sink = std::make_shared<log::MemorySink>();
    log::Logger logger{"gate-syncd", sink};
    syncd::DaemonOptions once;
    once.once = true;

    // Nothing queued: the chain round has nothing to send and succeeds.
    CHECK(syncd::Daemon(engine, once, logger, &recorder).run() == syncd::ExitCode::Ok);
    CHECK(backend.snapshots_served() == 1);
    CHECK(rig.store.cache().ticket_state(42)->ticket->mint.has_value());

    // A queued check-in and no chain: the backend round is fine, the chain round is not.
    domain::EntryRecord e;
    e.nonce = crypto::random_token(16);
    e.ticket_id = 42;
    e.event_id = 1001;
    e.gate = "north-1";
    e.reason = "ok";
    REQUIRE(rig.store.scans().record_scan(e));
    CHECK(syncd::Daemon(engine, once, logger, &recorder).run() == syncd::ExitCode::CycleFailed);
    CHECK(backend.stored() == 1);
    CHECK(rig.store.chain().chain_status()->pending == 1);
}

TEST_CASE("retry-checkins queues refused check-ins again") {
    Rig rig;
    REQUIRE(rig.store.cache().set_assignment(
        gate::test::signed_copy(rig.assignment("http://127.0.0.1:9"))));
    rig.queue_checkin(42);
    REQUIRE(rig.store.chain().fail_checkin(42, "IncorrectProgramId"));
    syncd::SyncSettings settings;
    settings.database = rig.dir / "device.db";
    CHECK(syncd::retry_failed_checkins(settings) == 1);
    CHECK(rig.store.chain().checkin(42).value()->state == device::CheckinState::Pending);
    CHECK(syncd::retry_failed_checkins(settings) == 0);
}
