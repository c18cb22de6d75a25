// Level names and filtering: records below the threshold are dropped before any work.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "LogTestSupport.h"

using namespace gate::log;
using gate::log::test::CapturedLogger;

TEST_CASE("level names parse case-insensitively and print lower case") {
    CHECK(*parse_level("trace") == Level::Trace);
    CHECK(*parse_level("DEBUG") == Level::Debug);
    CHECK(*parse_level(" Info ") == Level::Info);
    CHECK(*parse_level("warn") == Level::Warn);
    CHECK(*parse_level("warning") == Level::Warn);
    CHECK(*parse_level("error") == Level::Error);
    CHECK(*parse_level("off") == Level::Off);
    for (Level level : {Level::Trace, Level::Debug, Level::Info, Level::Warn, Level::Error}) {
        CHECK(*parse_level(to_string(level)) == level);
    }
}

TEST_CASE("an unknown level name is an error that lists the valid ones") {
    auto result = parse_level("verbose");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() ==
          "unknown log level \"verbose\" (expected trace, debug, info, warn, error or off)");
    CHECK_FALSE(parse_level("").ok());
}

TEST_CASE("format names parse and unknown ones are errors") {
    CHECK(*parse_format("json") == Format::Json);
    CHECK(*parse_format("Text") == Format::Text);
    auto result = parse_format("xml");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() == "unknown log format \"xml\" (expected json or text)");
}

TEST_CASE("records below the level are dropped") {
    CapturedLogger captured(Level::Warn);
    captured.logger.trace("t");
    captured.logger.debug("d");
    captured.logger.info("i");
    captured.logger.warn("w");
    captured.logger.error("e");
    auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 2);
    CHECK(nlohmann::json::parse(lines[0])["msg"] == "w");
    CHECK(nlohmann::json::parse(lines[1])["msg"] == "e");
    CHECK_FALSE(captured.logger.enabled(Level::Info));
    CHECK(captured.logger.enabled(Level::Warn));
}

TEST_CASE("off silences everything, and off is never a record's level") {
    CapturedLogger captured(Level::Off);
    captured.logger.error("e");
    CHECK(captured.sink->lines().empty());

    CapturedLogger all(Level::Trace);
    all.logger.log(Level::Off, "not a level to write at");
    CHECK(all.sink->lines().empty());
}

TEST_CASE("set_level applies to copies and children alike") {
    CapturedLogger captured(Level::Error);
    Logger child = captured.logger.child("sync");
    Logger copy = captured.logger;
    child.info("dropped");
    captured.logger.set_level(Level::Info);
    CHECK(child.level() == Level::Info);
    child.info("kept");
    copy.info("kept too");
    CHECK(captured.sink->lines().size() == 2);
}

TEST_CASE("a filtered record does no work: the clock is not even read") {
    auto sink = std::make_shared<MemorySink>();
    std::atomic<int> clock_reads{0};
    Logger logger("scanner", sink,
                  Logger::Options{Level::Info, Format::Json, [&] {
                                      ++clock_reads;
                                      return std::chrono::system_clock::time_point{};
                                  }});
    for (int i = 0; i < 100; ++i)
        logger.debug("per-frame detail", {{"frame", i}});
    CHECK(clock_reads == 0);
    CHECK(sink->lines().empty());
    logger.info("one");
    CHECK(clock_reads == 1);
}
