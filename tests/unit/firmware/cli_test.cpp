// gate-scanner as staff and scripts run it: manual entry, status and stats, and the errors
// that say what to do.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "BuiltProgram.h"
#include "ScannerFixture.h"

using namespace gate;

namespace {

struct Run {
    int exit_code = -1;
    std::string out;  // stdout and stderr together
};

Run run(const std::string& args) {
    Run r;
    FILE* p = ::popen((test::shell_command(GATE_SCANNER_BIN) + " " + args + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0)
        r.out.append(buffer, n);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace

TEST_CASE("check decides and records a typed code: 0 to admit, 1 to refuse") {
    test::ScannerFixture f;
    const auto code =
        ticket::issue({.event_id = test::kEvent, .ticket_id = 42, .tier = 2}, f.issuer);
    const std::string db = "--db '" + f.db_path.string() + "' ";
    const auto first = run(db + "check --json '" + code + "'");
    CHECK(first.exit_code == 0);
    const auto verdict = nlohmann::json::parse(first.out);
    CHECK(verdict["verdict"] == "accepted");
    CHECK(verdict["source"] == "manual");

    const auto second = run(db + "check '" + code + "'");
    CHECK(second.exit_code == 1);
    CHECK(second.out.find("REJECT entry.already_inside  Already inside") != std::string::npos);
    CHECK(f.store.scans().stats()->accepted == 1);
    CHECK(f.store.scans().stats()->rejected == 1);

    const auto status = run(db + "status");
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("queue        2 scans waiting to sync") != std::string::npos);
    const auto stats = run(db + "stats --json");
    CHECK(nlohmann::json::parse(stats.out)["by_reason"]["entry.already_inside"] == 1);
}

TEST_CASE("commands without a device database say to provision first") {
    test::TempDir dir;
    for (const char* command : {"status", "stats", "check TK1:X", "scan --source ."}) {
        CAPTURE(command);
        const auto r = run("--db '" + (dir / "none.db").string() + "' " + command);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("run `gate-scanner provision SETUP_CODE` first") != std::string::npos);
    }
    const auto usage = run("scan");
    CHECK(usage.exit_code != 0);
    CHECK(usage.out.find("--source is required") != std::string::npos);
}

TEST_CASE("scan's decode settings are checked before anything runs") {
    test::TempDir dir;
    const std::string scan = "--db '" + (dir / "none.db").string() + "' scan --source . ";
    struct Bad {
        const char* args;
        const char* says;
    };
    for (const Bad& bad :
         {Bad{"--decode-budget 0.5", "--decode-budget: must be 1..16"},
          Bad{"--decode-budget 17", "--decode-budget: must be 1..16"},
          Bad{"--decode-budget many", "--decode-budget: must be 1..16"},
          Bad{"--decode-budget-ms 5000", "--decode-budget-ms: Value 5000 not in range"},
          Bad{"--no-fallback --decode-budget 3", "--no-fallback excludes --decode-budget"}}) {
        CAPTURE(bad.args);
        const auto r = run(scan + bad.args);
        CHECK(r.exit_code != 0);
        CHECK(r.out.find(bad.says) != std::string::npos);
    }
    // Good values get as far as the database (missing here).
    const auto ok = run(scan + "--decode-budget 2.5 --decode-budget-ms 20");
    CHECK(ok.exit_code == 2);
    CHECK(ok.out.find("no device database") != std::string::npos);
    CHECK(run(scan + "--no-fallback").out.find("no device database") != std::string::npos);
}
