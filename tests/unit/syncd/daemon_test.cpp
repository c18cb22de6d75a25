// The daemon loop: one-shot mode, stopping, backoff against a failing backend.
#include "gate/syncd/Daemon.h"

#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "FakeBackend.h"
#include "SyncKey.h"
#include "TempDir.h"
#include "gate/crypto/Random.h"
#include "gate/log/MemorySink.h"

using namespace gate;
using namespace std::chrono_literals;
using gate::syncd::ExitCode;

namespace {

struct DaemonRig {
    test::TempDir dir;
    test::FakeBackend backend;
    device::DeviceDatabase store =
        gate::test::pinned(device::DeviceDatabase::open(dir / "device.db").value());
    device::BackendLink link{backend.url(), "device-token-1", {}, gate::system_clock()};
    syncd::SyncEngine engine{store, link, gate::system_clock()};
    std::shared_ptr<log::MemorySink> sink = std::make_shared<log::MemorySink>();
    log::Logger logger{"gate-syncd", sink};

    ExitCode run(syncd::DaemonOptions options, syncd::Daemon** out = nullptr) {
        syncd::Daemon daemon(engine, options, logger);
        if (out) *out = &daemon;
        return daemon.run();
    }
};

syncd::DaemonOptions options(std::chrono::milliseconds interval, bool once = false,
                             syncd::BackoffPolicy backoff = {}) {
    syncd::DaemonOptions o;
    o.interval = interval;
    o.once = once;
    o.backoff = backoff;
    return o;
}

syncd::DaemonOptions once() {
    return options(5s, true);
}

}  // namespace

TEST_CASE("--once runs one cycle and reports its outcome as the exit code") {
    SUBCASE("backend answering") {
        DaemonRig rig;
        CHECK(rig.run(once()) == ExitCode::Ok);
        CHECK(rig.backend.snapshots_served() == 1);
    }
    SUBCASE("backend failing") {
        DaemonRig rig;
        rig.backend.set_mode(test::FakeBackend::Mode::ServerError);
        CHECK(rig.run(once()) == ExitCode::CycleFailed);
        CHECK(rig.store.sync().sync_status()->last_error.find("503") != std::string::npos);
    }
    SUBCASE("device token revoked") {
        DaemonRig rig;
        rig.backend.set_mode(test::FakeBackend::Mode::Revoked);
        CHECK(rig.run(once()) == ExitCode::Unauthorized);
    }
}

TEST_CASE("a revoked token stops the daemon instead of retrying forever") {
    DaemonRig rig;
    rig.backend.set_mode(test::FakeBackend::Mode::Revoked);
    CHECK(rig.run(options(10ms, false, {.initial = 10ms, .max = 20ms})) == ExitCode::Unauthorized);
    CHECK(rig.backend.server().requests().size() == 1);
}

TEST_CASE("a stop request ends a waiting daemon at once") {
    DaemonRig rig;
    syncd::Daemon daemon(rig.engine, options(1h), rig.logger);
    std::thread stopper([&] {
        // Wait until the first cycle has happened, then stop the hour-long wait.
        while (rig.backend.snapshots_served() == 0)
            std::this_thread::sleep_for(5ms);
        daemon.request_stop();
    });
    CHECK(daemon.run() == ExitCode::Ok);
    stopper.join();
}

TEST_CASE("SIGTERM lets the daemon finish and exit cleanly") {
    DaemonRig rig;
    syncd::Daemon daemon(rig.engine, options(1h), rig.logger);
    std::thread signaller([&] {
        while (rig.backend.snapshots_served() == 0)
            std::this_thread::sleep_for(5ms);
        std::this_thread::sleep_for(50ms);  // the signal set is listening by now
        std::raise(SIGTERM);
    });
    CHECK(daemon.run() == ExitCode::Ok);
    signaller.join();
    bool logged = false;
    for (const auto& line : rig.sink->lines()) {
        logged = logged || line.find("stopping after the current batch") != std::string::npos;
    }
    CHECK(logged);
}

TEST_CASE("a failing backend is retried with backoff, not hammered") {
    DaemonRig rig;
    rig.backend.set_mode(test::FakeBackend::Mode::ServerError);
    syncd::Daemon daemon(rig.engine, options(1ms, false, {.initial = 50ms, .max = 200ms}),
                         rig.logger);
    std::thread stopper([&] {
        std::this_thread::sleep_for(1s);
        daemon.request_stop();
    });
    CHECK(daemon.run() == ExitCode::Ok);
    stopper.join();
    const auto attempts = rig.backend.server().requests().size();
    MESSAGE("attempts in 1 s against a failing backend: " << attempts);
    CHECK(attempts >= 2);   // it keeps trying without anyone's help
    CHECK(attempts <= 40);  // but never faster than the smallest backoff delay allows
}

TEST_CASE("when the backend recovers the queue drains without intervention") {
    DaemonRig rig;
    domain::EntryRecord e;
    e.nonce = crypto::random_token(16);
    e.ticket_id = 9;
    e.event_id = 1001;
    e.gate = "north-1";
    e.reason = "ok";
    REQUIRE(rig.store.scans().record_scan(e).ok());
    rig.backend.set_mode(test::FakeBackend::Mode::ServerError);
    syncd::Daemon daemon(rig.engine, options(20ms, false, {.initial = 20ms, .max = 50ms}),
                         rig.logger);
    std::thread operator_thread([&] {
        std::this_thread::sleep_for(200ms);
        rig.backend.set_mode(test::FakeBackend::Mode::Normal);
        while (rig.backend.stored() == 0)
            std::this_thread::sleep_for(10ms);
        daemon.request_stop();
    });
    CHECK(daemon.run() == ExitCode::Ok);
    operator_thread.join();
    CHECK(rig.backend.stored() == 1);
    CHECK(rig.store.scans().pending_scans(10)->empty());
    CHECK(rig.store.sync().sync_status()->online);
}
