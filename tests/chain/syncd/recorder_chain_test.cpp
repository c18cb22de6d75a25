// gate-syncd's chain recorder against a real local chain (LiteSVM): real ticket NFTs, real
// transactions, real fees; the device database on a real SQLite file.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <thread>

#include "FakeBackend.h"
#include "RecorderRig.h"
#include "SyncKey.h"
#include "gate/log/MemorySink.h"
#include "gate/syncd/Daemon.h"

using namespace gate;
using namespace std::chrono_literals;
using device::CheckinState;

namespace {

constexpr std::int64_t kT0 = 1'767'225'601'000;

std::string report_text(const syncd::ChainReport& r) {
    return r.error ? *r.error : std::string("ok");
}

// A loopback port nothing listens on: connections are refused at once.
std::string closed_port_url() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

void check_recorded(test::RecorderRig& rig, std::size_t ticket_index, std::int64_t at) {
    const auto m = rig.read_mint(rig.mints[ticket_index].public_key());
    CHECK(m.metadata->get("status") == "used");
    CHECK(m.metadata->get("gate") == "north-1");
    CHECK(m.metadata->get("at") == std::to_string(at));
}

}  // namespace

TEST_CASE("40 accepted scans are all recorded on chain, several check-ins per transaction") {
    test::RecorderRig rig(40);
    rig.mint_all();
    for (std::uint64_t t = 1; t <= 40; ++t)
        rig.admit(t, kT0 + static_cast<std::int64_t>(t));
    CHECK(rig.store.chain().chain_status()->pending == 40);
    const auto balance = rig.validator_balance();

    syncd::ChainRecorder recorder(rig.store, rig.options(), gate::system_clock());
    const std::atomic<bool> stop{false};
    const auto report = recorder.run_round(stop);
    REQUIRE_MESSAGE(report.ok(), report_text(report));
    CHECK(report.confirmed == 40);
    CHECK(report.waiting == 0);

    for (std::size_t i = 0; i < 40; ++i)
        check_recorded(rig, i, kT0 + static_cast<std::int64_t>(i) + 1);
    const auto status = rig.store.chain().chain_status().value();
    CHECK(status.confirmed == 40);
    CHECK(status.queue_depth() == 0);
    CHECK(status.last_error.empty());

    // Several per transaction, each within the packet limit.
    const auto landed = rig.count("SELECT count(*) FROM chain_tx WHERE state = 'landed'");
    CHECK(landed == rig.count("SELECT count(*) FROM chain_tx"));
    CHECK(landed <= 40 / 3);
    CHECK(rig.count("SELECT max(length(body)) FROM chain_tx") <= 1232);
    CHECK(rig.count("SELECT min(n) FROM (SELECT count(*) AS n FROM chain_checkin "
                    "GROUP BY signature)") >= 3);
    MESSAGE("40 check-ins in " << landed << " transactions, largest "
                               << rig.count("SELECT max(length(body)) FROM chain_tx") << " bytes");
    // Fees: one signature per landed transaction, nothing else spent.
    CHECK(balance - rig.validator_balance() ==
          static_cast<std::uint64_t>(landed) * test::kFeePerTransaction);

    SUBCASE("a re-entry adds no second check-in") {
        rig.admit(7, kT0 + 100, domain::Direction::Out);
        rig.admit(7, kT0 + 200);  // back in
        CHECK(rig.store.chain().chain_status()->queue_depth() == 0);
        const auto again = recorder.run_round(stop);
        REQUIRE(again.ok());
        CHECK(again.transactions_sent == 0);
        check_recorded(rig, 6, kT0 + 7);  // still the first entry's time
        CHECK(rig.validator_balance() ==
              balance - static_cast<std::uint64_t>(landed) * test::kFeePerTransaction);
    }
}

TEST_CASE("chain down: the backend sync goes on, check-ins wait and drain when it is back") {
    test::RecorderRig rig(10);
    rig.mint_all();
    // The device learns everything from the backend: tickets with mints, the assignment
    // naming a chain RPC that refuses connections.
    test::TempDir dir;
    device::DeviceDatabase store =
        gate::test::pinned(device::DeviceDatabase::open(dir / "device.db").value());
    device::DeviceDatabase chain_store =
        gate::test::pinned(device::DeviceDatabase::open(dir / "device.db").value());
    // The scanner's connection: one per thread, as one per process on the device.
    device::DeviceDatabase scanner =
        gate::test::pinned(device::DeviceDatabase::open(dir / "device.db").value());
    test::FakeBackend backend;
    backend.publish_assignment(rig.assignment(closed_port_url()));
    for (std::uint64_t t = 1; t <= 10; ++t) {
        backend.publish_ticket(
            {t, 0, 0, domain::TicketStatus::Valid, rig.mints[t - 1].public_key()});
    }
    device::BackendLink link{backend.url(), "device-token-1", {}, gate::system_clock()};
    syncd::SyncEngine engine{store, link, gate::system_clock()};
    auto options = rig.options();
    options.request_timeout = 2s;
    syncd::ChainRecorder recorder(chain_store, options, gate::system_clock());
    auto sink = std::make_shared<log::MemorySink>();
    log::Logger logger{"gate-syncd", sink};
    syncd::DaemonOptions daemon_options;
    daemon_options.interval = 20ms;
    daemon_options.chain_interval = 20ms;
    daemon_options.backoff = {.initial = 20ms, .max = 100ms};
    syncd::Daemon daemon(engine, daemon_options, logger, &recorder);

    std::string chain_error;
    std::size_t pushed_while_down = 0;
    std::thread gate_staff([&] {
        while (scanner.cache().ticket_count().value_or(0) < 10)
            std::this_thread::sleep_for(5ms);
        for (std::uint64_t t = 1; t <= 10; ++t) {
            domain::EntryRecord r;
            r.nonce = crypto::random_token(16);
            r.ticket_id = t;
            r.event_id = 1001;
            r.gate = "north-1";
            r.reason = "ok";
            r.scanned_at = kT0 + static_cast<std::int64_t>(t);
            (void)scanner.scans().record_scan(r);
        }
        // The backend gets every scan while the chain is unreachable.
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (backend.stored() < 10 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(5ms);
        pushed_while_down = backend.stored();
        while (chain_error.empty() && std::chrono::steady_clock::now() < deadline) {
            auto s = scanner.chain().chain_status();
            if (s && !s->last_error.empty() && s->pending == 10) chain_error = s->last_error;
            std::this_thread::sleep_for(5ms);
        }
        // The chain comes back: the backend names a reachable RPC.
        backend.publish_assignment(rig.assignment(rig.chain.url()));
        while (std::chrono::steady_clock::now() < deadline) {
            auto s = scanner.chain().chain_status();
            if (s && s->confirmed == 10) break;
            std::this_thread::sleep_for(10ms);
        }
        daemon.request_stop();
    });
    CHECK(daemon.run() == syncd::ExitCode::Ok);
    gate_staff.join();

    CHECK(pushed_while_down == 10);
    MESSAGE("status while the chain was down: " << chain_error);
    CHECK(chain_error.find("chain RPC http://127.0.0.1:") != std::string::npos);
    const auto status = store.chain().chain_status().value();
    CHECK(status.confirmed == 10);
    CHECK(status.last_error.empty());
    for (std::size_t i = 0; i < 10; ++i)
        check_recorded(rig, i, kT0 + static_cast<std::int64_t>(i) + 1);
}

TEST_CASE("a validator key that does not open is a clear error and loses nothing") {
    test::RecorderRig rig(3);
    rig.mint_all();
    for (std::uint64_t t = 1; t <= 3; ++t)
        rig.admit(t, kT0);
    auto wrong = rig.assignment(rig.chain.url());
    // Sealed for another device's key, as after a re-provisioning with a new key.
    wrong.chain->validator_key_sealed =
        test::sealed_validator(rig.validator, crypto::KeyPair::generate().public_key());
    REQUIRE(rig.store.cache().set_assignment(gate::test::signed_copy(wrong)));
    const auto balance = rig.validator_balance();

    syncd::ChainRecorder recorder(rig.store, rig.options(), gate::system_clock());
    const std::atomic<bool> stop{false};
    const auto report = recorder.run_round(stop);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error->find("cannot open the validator key sealed for this device") !=
          std::string::npos);
    auto status = rig.store.chain().chain_status().value();
    CHECK(status.pending == 3);
    CHECK(status.last_error == *report.error);
    CHECK(rig.validator_balance() == balance);

    SUBCASE("a key that is not base64url") {
        wrong.chain->validator_key_sealed = "not base64url!";
        REQUIRE(rig.store.cache().set_assignment(gate::test::signed_copy(wrong)));
        const auto r = recorder.run_round(stop);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error->find("base64url of a sealed key") != std::string::npos);
    }
    SUBCASE("the device key file is missing") {
        std::filesystem::remove(rig.key_file);
        const auto r = recorder.run_round(stop);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error->find("cannot read the device key") != std::string::npos);
        REQUIRE(crypto::save_keypair(rig.key_file, rig.device_key));
    }
    // Fixed: everything waiting is recorded.
    REQUIRE(
        rig.store.cache().set_assignment(gate::test::signed_copy(rig.assignment(rig.chain.url()))));
    const auto fixed = recorder.run_round(stop);
    REQUIRE_MESSAGE(fixed.ok(), report_text(fixed));
    CHECK(fixed.confirmed == 3);
    CHECK(rig.store.chain().chain_status()->last_error.empty());
}

TEST_CASE("a mint the chain does not have fails alone and is kept with the reason, the rest land") {
    test::RecorderRig rig(4);
    rig.mint_tickets(0, 3);  // ticket 4's mint is never created
    for (std::uint64_t t = 4; t >= 1; --t)
        rig.admit(t, kT0 + static_cast<std::int64_t>(t));  // the bad one is packed first
    syncd::ChainRecorder recorder(rig.store, rig.options(), gate::system_clock());
    const std::atomic<bool> stop{false};
    const auto report = recorder.run_round(stop);
    REQUIRE_MESSAGE(report.ok(), report_text(report));
    CHECK(report.confirmed == 3);
    CHECK(report.failed == 1);
    const auto bad = rig.store.chain().checkin(4).value();
    REQUIRE(bad);
    CHECK(bad->state == CheckinState::Failed);
    MESSAGE("the chain's reason: " << bad->error);
    CHECK(bad->error.find("instruction 0 (Token-2022)") != std::string::npos);
    for (std::size_t i = 0; i < 3; ++i)
        check_recorded(rig, i, kT0 + static_cast<std::int64_t>(i) + 1);
    const auto status = rig.store.chain().chain_status().value();
    CHECK(status.failed == 1);
    CHECK(status.confirmed == 3);

    // Once the NFT exists, an operator's retry records it.
    rig.mint_tickets(3, 4);
    CHECK(rig.store.chain().retry_failed_checkins().value() == 1);
    const auto retried = recorder.run_round(stop);
    REQUIRE_MESSAGE(retried.ok(), report_text(retried));
    CHECK(retried.confirmed == 1);
    check_recorded(rig, 3, kT0 + 4);
}

TEST_CASE("an in-flight transaction whose blockhash expired unseen is rebuilt and sent once") {
    test::RecorderRig rig(5);
    rig.mint_all();
    for (std::uint64_t t = 1; t <= 5; ++t)
        rig.admit(t, kT0 + static_cast<std::int64_t>(t));
    const auto balance = rig.validator_balance();
    // The node accepts the first transaction but it never lands (a leader dropped it).
    REQUIRE(rig.rpc.call("gate_dropNextTransactions", nlohmann::json::array({1})));
    auto options = rig.options();
    options.confirm_timeout = 300ms;
    const std::atomic<bool> stop{false};
    {
        syncd::ChainRecorder recorder(rig.store, options, gate::system_clock());
        const auto first = recorder.run_round(stop);
        REQUIRE_MESSAGE(first.ok(), report_text(first));
        CHECK(first.transactions_sent == 1);
        CHECK(first.confirmed == 0);
    }
    CHECK(rig.store.chain().chain_status()->in_flight == 5);
    const auto dropped = rig.store.chain().in_flight_transactions().value().at(0).signature;

    SUBCASE("still valid: a restarted recorder sends the same bytes again, not a new one") {
        syncd::ChainRecorder restarted(rig.store, rig.options(), gate::system_clock());
        const auto r = restarted.run_round(stop);
        REQUIRE_MESSAGE(r.ok(), report_text(r));
        CHECK(r.transactions_sent == 0);
        CHECK(r.confirmed == 5);
        CHECK(rig.count("SELECT count(*) FROM chain_tx") == 1);
        CHECK(rig.store.chain().checkin(1).value()->signature == dropped);
    }
    SUBCASE("expired: a restarted recorder rebuilds it with a fresh blockhash") {
        REQUIRE(rig.rpc.call("gate_expireBlockhash", nlohmann::json::array()));
        syncd::ChainRecorder restarted(rig.store, rig.options(), gate::system_clock());
        const auto r = restarted.run_round(stop);
        REQUIRE_MESSAGE(r.ok(), report_text(r));
        CHECK(r.requeued == 5);
        CHECK(r.transactions_sent == 1);
        CHECK(r.confirmed == 5);
        CHECK(rig.count("SELECT count(*) FROM chain_tx WHERE state = 'dropped'") == 1);
        CHECK(rig.count("SELECT count(*) FROM chain_tx WHERE state = 'landed'") == 1);
        CHECK(rig.store.chain().checkin(1).value()->signature != dropped);
    }
    for (std::size_t i = 0; i < 5; ++i)
        check_recorded(rig, i, kT0 + static_cast<std::int64_t>(i) + 1);
    // Exactly one transaction landed and paid.
    CHECK(balance - rig.validator_balance() == test::kFeePerTransaction);
}

TEST_CASE("max_in_flight counts transactions: several batches go out before the first wait") {
    test::RecorderRig rig(28);
    rig.mint_all();
    for (std::uint64_t t = 1; t <= 28; ++t)
        rig.admit(t, kT0 + static_cast<std::int64_t>(t));
    auto options = rig.options();
    options.pack.max_checkins = 7;
    options.max_in_flight = 4;
    options.confirm_timeout = 0ms;  // send what the cap allows, then leave the rest
    syncd::ChainRecorder recorder(rig.store, options, gate::system_clock());
    const std::atomic<bool> stop{false};
    const auto report = recorder.run_round(stop);
    REQUIRE_MESSAGE(report.ok(), report_text(report));
    // 4 transactions of 7 check-ins each, not one transaction of 7 (>= 4 check-ins).
    CHECK(report.transactions_sent == 4);
    CHECK(rig.count("SELECT count(*) FROM chain_tx") == 4);
    // The next round settles them.
    options.confirm_timeout = 30s;
    syncd::ChainRecorder again(rig.store, options, gate::system_clock());
    const auto settled = again.run_round(stop);
    REQUIRE_MESSAGE(settled.ok(), report_text(settled));
    CHECK(rig.store.chain().chain_status()->confirmed == 28);
}

TEST_CASE("SIGKILL at random points over many rounds: every check-in lands exactly once") {
    constexpr std::size_t kTickets = 90;
    test::RecorderRig rig(kTickets);
    rig.mint_all();
    for (std::uint64_t t = 1; t <= kTickets; ++t)
        rig.admit(t, kT0 + static_cast<std::int64_t>(t));
    const auto balance = rig.validator_balance();
    auto options = rig.options();
    options.pack.max_checkins = 3;  // more transactions, more places to be killed
    options.max_in_flight = 3;
    options.poll_interval = 2ms;

    const auto seed = std::random_device{}();
    MESSAGE("seed " << seed);
    std::mt19937 random(seed);
    // Kills land anywhere in [0, window]; the window grows while kills come too early to
    // let a child send anything (a slow or busy machine) and shrinks after one that did,
    // so kills keep landing in the middle of the work.
    std::chrono::microseconds window{30'000};
    int kills = 0;
    int killed_with_in_flight = 0;
    int expiries = 0;
    for (int round = 0; round < 40 && rig.store.chain().chain_status()->queue_depth() > 0;
         ++round) {
        // Now and then the next transaction is lost on its way (answered, never landing).
        if (random() % 3 == 0) {
            REQUIRE(rig.rpc.call("gate_dropNextTransactions", nlohmann::json::array({1})));
        }
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            // The child is the recorder process: its own connection and RPC client.
            auto store = device::DeviceDatabase::open(rig.db_file);
            if (!store) ::_exit(3);
            syncd::ChainRecorder recorder(*store, options, gate::system_clock());
            const std::atomic<bool> stop{false};
            for (int i = 0; i < 100; ++i) {
                auto r = recorder.run_round(stop);
                if (r.ok() && r.waiting == 0) ::_exit(0);
            }
            ::_exit(1);
        }
        const auto sent_before = rig.count("SELECT count(*) FROM chain_tx");
        std::uniform_int_distribution<std::int64_t> delay_us(0, window.count());
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        if (WIFSIGNALED(status)) {
            ++kills;
            if (rig.store.chain().chain_status()->in_flight > 0) ++killed_with_in_flight;
        }
        if (rig.count("SELECT count(*) FROM chain_tx") == sent_before) {
            window = std::min(window * 2, std::chrono::microseconds(2'000'000));
        } else {
            window = std::max(window * 3 / 4, std::chrono::microseconds(5'000));
        }
        // Now and then the blockhash of what is in flight expires before the next run.
        if (random() % 4 == 0) {
            REQUIRE(rig.rpc.call("gate_expireBlockhash", nlohmann::json::array()));
            ++expiries;
        }
    }
    MESSAGE(kills << " kills, " << killed_with_in_flight << " with transactions in flight, "
                  << expiries << " blockhash expiries; "
                  << rig.store.chain().chain_status()->confirmed << " of " << kTickets
                  << " confirmed before the final run");
    CHECK(kills >= 5);
    CHECK(killed_with_in_flight >= 1);

    syncd::ChainRecorder recorder(rig.store, options, gate::system_clock());
    const std::atomic<bool> stop{false};
    for (int i = 0; i < 10 && rig.store.chain().chain_status()->queue_depth() > 0; ++i) {
        const auto r = recorder.run_round(stop);
        REQUIRE_MESSAGE(r.ok(), report_text(r));
    }
    const auto status = rig.store.chain().chain_status().value();
    CHECK(status.confirmed == static_cast<std::int64_t>(kTickets));
    CHECK(status.failed == 0);
    for (std::size_t i = 0; i < kTickets; ++i)
        check_recorded(rig, i, kT0 + static_cast<std::int64_t>(i) + 1);

    // Each check-in went out in exactly one landed transaction: the fees paid are those of
    // the transactions the database names as landed, and those carry every check-in once.
    const auto landed = rig.count("SELECT count(*) FROM chain_tx WHERE state = 'landed'");
    CHECK(rig.count("SELECT count(DISTINCT signature) FROM chain_checkin") == landed);
    CHECK(rig.count("SELECT count(*) FROM chain_checkin c JOIN chain_tx t "
                    "ON t.signature = c.signature WHERE t.state = 'landed'") ==
          static_cast<std::int64_t>(kTickets));
    CHECK(balance - rig.validator_balance() ==
          static_cast<std::uint64_t>(landed) * test::kFeePerTransaction);
    MESSAGE(landed << " transactions landed; "
                   << rig.count("SELECT count(*) FROM chain_tx WHERE state = 'dropped'")
                   << " dropped unsent or expired");
}
