// Many scanner processes on one device database (issue 11, hole 6): real gate-scanner
// processes check the same single-entry code at the same moment. Each decides on the state it
// reads inside the write transaction that records its scan, so exactly one admits the ticket
// and every other one sees that admission and refuses.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "BuiltProgram.h"
#include "ScannerFixture.h"

using namespace gate;

namespace {

struct RoundResult {
    int admitted = 0;  ///< processes that exited 0 (ACCEPT)
    int refused = 0;   ///< exited 1 (REJECT)
    int other = 0;     ///< anything else: crashed, usage error
};

// Starts `processes` gate-scanner check processes that all wait on one pipe, releases them
// together by closing it, and collects their exit codes.
RoundResult check_in_parallel(const std::string& db, const std::string& code, int processes) {
    const std::vector<std::string> args{"--db", db, "check", code};
    int go[2];
    REQUIRE(::pipe(go) == 0);
    std::vector<pid_t> children;
    for (int i = 0; i < processes; ++i) {
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            ::close(go[1]);
            char byte = 0;
            // Blocks until the parent closes its end (read returns 0): the start line.
            while (::read(go[0], &byte, 1) < 0 && errno == EINTR) {
            }
            const int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, STDOUT_FILENO);
            ::dup2(null, STDERR_FILENO);
            test::exec_built(GATE_SCANNER_BIN, args);
            _exit(127);
        }
        children.push_back(child);
    }
    ::close(go[0]);
    ::close(go[1]);  // every child starts now
    RoundResult result;
    for (const pid_t child : children) {
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        const int code_out = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        ++(code_out == 0 ? result.admitted : code_out == 1 ? result.refused : result.other);
    }
    return result;
}

}  // namespace

TEST_CASE("parallel gate-scanner checks of one single-entry code admit it exactly once") {
    // No ticket rows: the list admits signed unknown tickets, and its re-entry rule is single.
    test::ScannerFixture f(domain::Reentry::Single, {});
    constexpr int kProcesses = 8, kRounds = 20;
    std::ostringstream per_round;
    int rounds_right = 0;
    for (int round = 0; round < kRounds; ++round) {
        const auto ticket_id = static_cast<std::uint64_t>(7000 + round);
        // Open validity window: the processes decide on the real clock.
        const auto code =
            ticket::issue({.event_id = test::kEvent, .ticket_id = ticket_id, .tier = 1}, f.issuer);
        const auto result = check_in_parallel(f.db_path.string(), code, kProcesses);
        per_round << result.admitted << (round + 1 < kRounds ? " " : "");

        auto& db = f.store.connection();
        const auto count = [&](std::string_view where) {
            return db
                .query_one<std::int64_t>(
                    "SELECT count(*) FROM scan WHERE ticket_id = ? AND " + std::string(where),
                    static_cast<std::int64_t>(ticket_id))
                .value();
        };
        INFO("round " << round);
        CHECK(result.other == 0);
        CHECK(result.refused == kProcesses - result.admitted);
        // Every process recorded its scan (none gave up on the lock): one admission, the
        // rest refused because they saw it.
        CHECK(count("1") == kProcesses);
        CHECK(count("verdict = 'accepted'") == 1);
        CHECK(count("reason = 'entry.already_inside'") == kProcesses - 1);
        if (result.admitted == 1 && count("verdict = 'accepted'") == 1) ++rounds_right;
    }
    MESSAGE("admissions per round (" << kProcesses << " processes each): " << per_round.str());
    CHECK(rounds_right == kRounds);
    CHECK(f.store.connection().query_one<std::string>("PRAGMA integrity_check").value() == "ok");
}
