// Sinks: whole lines only, even with several threads writing at once; files are appended.
#include "gate/log/Sink.h"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "LogTestSupport.h"
#include "TempDir.h"

using namespace gate::log;

namespace {

std::vector<std::string> read_lines(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// Several threads log long records with distinct fields; afterwards every line must parse
// and every (thread, sequence) pair must appear exactly once.
void log_from_threads(const Logger& logger, int threads, int per_thread) {
    const std::string padding(700, 'p');  // long lines make torn writes likely if unlocked
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                logger.info("entry pushed", {{"thread", t}, {"seq", i}, {"padding", padding}});
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
}

void check_whole_lines(const std::vector<std::string>& lines, int threads, int per_thread) {
    REQUIRE(lines.size() == static_cast<std::size_t>(threads * per_thread));
    std::set<std::pair<int, int>> seen;
    for (const std::string& line : lines) {
        auto record = nlohmann::json::parse(line, nullptr, false);
        REQUIRE_FALSE(record.is_discarded());
        seen.emplace(record["fields"]["thread"].get<int>(), record["fields"]["seq"].get<int>());
    }
    CHECK(seen.size() == lines.size());
}

}  // namespace

TEST_CASE("lines written by several threads to a file never interleave") {
    gate::test::TempDir dir;
    const auto path = dir / "gate.log";
    {
        Logger logger("syncd", std::make_shared<FileSink>(path));
        log_from_threads(logger, 4, 250);
    }
    check_whole_lines(read_lines(path), 4, 250);
}

TEST_CASE("lines written by several threads to memory never interleave") {
    auto sink = std::make_shared<MemorySink>();
    Logger logger("syncd", sink);
    log_from_threads(logger, 4, 250);
    check_whole_lines(sink->lines(), 4, 250);
}

TEST_CASE("a file sink appends to what is already there") {
    gate::test::TempDir dir;
    const auto path = dir / "gate.log";
    { std::ofstream(path) << "earlier line\n"; }
    Logger logger("scanner", std::make_shared<FileSink>(path));
    logger.info("first");
    logger.info("second");
    auto lines = read_lines(path);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "earlier line");
    CHECK(nlohmann::json::parse(lines[1])["msg"] == "first");
    CHECK(nlohmann::json::parse(lines[2])["msg"] == "second");
}

TEST_CASE("a log file that cannot be opened is an error naming the path") {
    gate::test::TempDir dir;
    const auto path = dir / "no-such-dir" / "gate.log";
    try {
        FileSink sink(path);
        FAIL("expected std::system_error");
    } catch (const std::system_error& error) {
        CHECK(std::string(error.what()).find("cannot open log file " + path.string()) !=
              std::string::npos);
        CHECK(error.code() == std::errc::no_such_file_or_directory);
    }
}

TEST_CASE("a memory sink can be cleared between steps of a test") {
    auto sink = std::make_shared<MemorySink>();
    sink->write("a");
    sink->clear();
    sink->write("b");
    CHECK(sink->lines() == std::vector<std::string>{"b"});
}
