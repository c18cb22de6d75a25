// The gate-syncd executable itself (settings file, device key file, token file, the
// scanner's database) against a fake backend and the local chain, and what
// gate-scanner status then shows.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "BuiltProgram.h"
#include "FakeBackend.h"
#include "RecorderRig.h"
#include "SyncKey.h"

using namespace gate;

namespace {

struct Ran {
    int exit_code = -1;
    std::string output;
};

Ran run(const std::string& command) {
    Ran ran;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        ran.output.append(buffer, n);
    const int status = ::pclose(pipe);
    ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return ran;
}

}  // namespace

TEST_CASE("gate-syncd run --once pushes the scans, then records their check-ins on chain") {
    test::RecorderRig rig(5);
    rig.mint_all();
    test::TempDir device;
    test::FakeBackend backend;
    backend.publish_assignment(rig.assignment(rig.chain.url()));
    for (std::uint64_t t = 1; t <= 5; ++t) {
        backend.publish_ticket(
            {t, 0, 0, domain::TicketStatus::Valid, rig.mints[t - 1].public_key()});
    }
    REQUIRE(crypto::save_keypair(device / "device-key.json", rig.device_key));
    {
        std::ofstream token(device / "device.token");
        token << "device-token-1\n";
    }
    std::filesystem::permissions(device / "device.token", std::filesystem::perms::owner_read |
                                                              std::filesystem::perms::owner_write);
    const auto db = device / "gate-device.db";
    {
        std::ofstream config(device / "syncd.json");
        config << nlohmann::json{{"device",
                                  {{"database", db.string()},
                                   {"token_file", (device / "device.token").string()},
                                   {"key_file", (device / "device-key.json").string()}}},
                                 {"backend", {{"url", backend.url()}}},
                                 {"log", {{"level", "warn"}}}}
                      .dump();
    }
    const std::string syncd =
        test::shell_command(GATE_SYNCD_BIN) + " --config " + (device / "syncd.json").string();

    // Provisioning pins the backend's sync key: the fake backend signs with the tests' one.
    static_cast<void>(gate::test::pinned(device::DeviceDatabase::open(db).value()));
    // First run: the snapshot brings the tickets and their mints.
    const auto first = run(syncd + " run --once");
    REQUIRE_MESSAGE(first.exit_code == 0, first.output);
    {
        auto scanner = gate::test::pinned(device::DeviceDatabase::open(db).value());
        CHECK(scanner.cache().ticket_count().value() == 5);
        for (std::uint64_t t = 1; t <= 5; ++t) {
            domain::EntryRecord r;
            r.nonce = crypto::random_token(16);
            r.ticket_id = t;
            r.event_id = 1001;
            r.gate = "north-1";
            r.reason = "ok";
            r.scanned_at = 1'767'225'601'000 + static_cast<std::int64_t>(t);
            REQUIRE(scanner.scans().record_scan(r));
        }
    }
    // Second run: scans to the backend, check-ins to the chain.
    const auto second = run(syncd + " run --once");
    REQUIRE_MESSAGE(second.exit_code == 0, second.output);
    CHECK(backend.stored() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        const auto m = rig.read_mint(rig.mints[i].public_key());
        CHECK(m.metadata->get("status") == "used");
        CHECK(m.metadata->get("at") == std::to_string(1'767'225'601'001 + static_cast<int>(i)));
    }
    const auto status =
        run(test::shell_command(GATE_SCANNER_BIN) + " --db " + db.string() + " status");
    CHECK(status.exit_code == 0);
    MESSAGE(status.output);
    CHECK(status.output.find("chain        0 check-ins waiting (0 sent), 5 recorded, 0 refused") !=
          std::string::npos);

    SUBCASE("a chain that cannot be reached makes --once exit 1 and says why") {
        {
            auto scanner = gate::test::pinned(device::DeviceDatabase::open(db).value());
            domain::EntryRecord r;
            r.nonce = crypto::random_token(16);
            r.ticket_id = 6;
            r.event_id = 1001;
            r.gate = "north-1";
            r.reason = "ok";
            r.scanned_at = 1'767'225'700'000;
            REQUIRE(scanner.scans().record_scan(r));
        }
        backend.publish_ticket(
            {6, 0, 0, domain::TicketStatus::Valid, crypto::KeyPair::generate().public_key()});
        const auto down = run("GATE_CHAIN_RPC_URL=http://127.0.0.1:9 " + syncd + " run --once");
        CHECK(down.exit_code == 1);
        CHECK(backend.stored() == 6);  // the backend side did its part
        const auto shown =
            run(test::shell_command(GATE_SCANNER_BIN) + " --db " + db.string() + " status");
        MESSAGE(shown.output);
        CHECK(shown.output.find("chain        1 check-ins waiting") != std::string::npos);
        CHECK(shown.output.find("chain error  chain RPC http://127.0.0.1:9") != std::string::npos);
    }
}
