// Crash safety with the real binary: gate-scanner scans a stream of valid codes with JSON
// output and is killed with SIGKILL mid-run. Every verdict it printed as accepted must be
// in the entry queue, exactly once (it commits before it prints).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "BuiltProgram.h"
#include "ScannerFixture.h"

using namespace gate;

TEST_CASE("SIGKILL mid-stream loses no admission that was shown and duplicates none") {
    // No cache rows for these tickets: the assignment's policy admits signed unknown tickets.
    test::ScannerFixture f(domain::Reentry::Single, {});
    constexpr int kFrames = 400, kSide = 240, kKillAfter = 40;
    const auto frames_path = f.dir / "frames.y8";
    {
        std::ofstream frames(frames_path, std::ios::binary);
        for (int i = 0; i < kFrames; ++i) {
            // Open validity windows: the process decides on the real clock.
            const auto code = ticket::issue({.event_id = test::kEvent,
                                             .ticket_id = static_cast<std::uint64_t>(1000 + i),
                                             .tier = 1},
                                            f.issuer);
            const auto frame = test::frame_with(code, kSide, kSide);
            frames.write(reinterpret_cast<const char*>(frame.data()),
                         static_cast<std::streamsize>(frame.size()));
        }
    }
    int out[2];
    REQUIRE(::pipe(out) == 0);
    const std::string source =
        "y8:" + std::to_string(kSide) + "x" + std::to_string(kSide) + ":" + frames_path.string();
    const std::string db = f.db_path.string();
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDERR_FILENO);
        ::close(out[0]);
        test::exec_built(GATE_SCANNER_BIN, {"--db", db, "scan", "--source", source, "--json"});
        _exit(127);
    }
    ::close(out[1]);

    FILE* lines = ::fdopen(out[0], "r");
    REQUIRE(lines != nullptr);
    std::vector<nlohmann::json> shown;
    char buffer[4096];
    bool killed = false;
    while (std::fgets(buffer, sizeof buffer, lines) != nullptr) {
        const std::string line(buffer);
        if (line.empty() || line.back() != '\n') break;  // cut off by the kill: never shown whole
        shown.push_back(nlohmann::json::parse(line));
        if (!killed && shown.size() == kKillAfter) {
            REQUIRE(::kill(child, SIGKILL) == 0);
            killed = true;
        }
    }
    std::fclose(lines);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(killed);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    INFO("verdicts printed before the kill: " << shown.size());
    CHECK(shown.size() >= kKillAfter);
    CHECK(shown.size() < kFrames);  // it really was mid-run

    auto store = f.open();
    std::int64_t accepted_shown = 0;
    for (const auto& v : shown) {
        REQUIRE(v["verdict"] == "accepted");
        ++accepted_shown;
        const std::string nonce = v["nonce"];
        CHECK(store.scans().scan_count(nonce).value() == 1);
        CHECK(store.connection()
                  .query_one<std::int64_t>(
                      "SELECT count(*) FROM scan WHERE ticket_id = ? AND verdict = 'accepted'",
                      std::stoll(v["ticket_id"].get<std::string>()))
                  .value() == 1);
    }
    // At most one more admission was committed but not yet printed when the kill came.
    const auto on_disk = store.scans().stats()->accepted;
    CHECK(on_disk >= accepted_shown);
    CHECK(on_disk <= accepted_shown + 1);
    CHECK(store.connection().query_one<std::string>("PRAGMA integrity_check").value() == "ok");
}

TEST_CASE("SIGTERM while waiting for frames stops the scanner cleanly") {
    test::ScannerFixture f;
    int in[2], err[2];
    REQUIRE(::pipe(in) == 0);
    REQUIRE(::pipe(err) == 0);
    const std::string db = f.db_path.string();
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::dup2(in[0], STDIN_FILENO);
        ::close(in[1]);
        ::dup2(err[1], STDERR_FILENO);
        ::close(err[0]);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        test::exec_built(GATE_SCANNER_BIN, {"--db", db, "scan", "--source", "y8:64x64", "--json"});
        _exit(127);
    }
    ::close(in[0]);
    ::close(err[1]);
    // Wait for its start-up line: the signal handlers are in place by then. The input pipe
    // stays open and empty, so the scanner then waits in read().
    FILE* messages = ::fdopen(err[0], "r");
    REQUIRE(messages != nullptr);
    char line[512] = {};
    REQUIRE(std::fgets(line, sizeof line, messages) != nullptr);
    CHECK(std::string(line).find("gate-scanner: scanning Y8 stream 64x64") == 0);
    REQUIRE(::kill(child, SIGTERM) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    ::close(in[1]);
    std::fclose(messages);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
