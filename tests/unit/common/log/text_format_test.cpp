// The text format: one readable line per record for a person at a terminal.
#include <doctest/doctest.h>

#include <string>

#include "LogTestSupport.h"

using namespace gate::log;
using gate::log::test::CapturedLogger;

TEST_CASE("a text record reads as time, level, component, message, then key=value") {
    CapturedLogger captured(Level::Trace, Format::Text, "syncd");
    captured.logger.info("pushed entries", {{"count", 12}, {"ok", true}, {"ratio", 0.25}});
    captured.logger.warn("slow backend", {{"latency_ms", 1500}});
    captured.logger.error("gave up");
    auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] ==
          "2024-05-01T12:00:00.123Z INFO  syncd: pushed entries count=12 ok=true "
          "ratio=0.25");
    CHECK(lines[1] == "2024-05-01T12:00:00.123Z WARN  syncd: slow backend latency_ms=1500");
    CHECK(lines[2] == "2024-05-01T12:00:00.123Z ERROR syncd: gave up");
}

TEST_CASE("text values are quoted only when a reader could not tell where they end") {
    CapturedLogger captured(Level::Trace, Format::Text, "scanner");
    captured.logger.info("scan", {{"gate", "north"},
                                  {"lane", "lane 3"},
                                  {"empty", ""},
                                  {"eq", "a=b"},
                                  {"quote", "say \"hi\""}});
    CHECK(captured.sink->lines().at(0) ==
          "2024-05-01T12:00:00.123Z INFO  scanner: scan gate=north lane=\"lane 3\" empty=\"\" "
          "eq=\"a=b\" quote=\"say \\\"hi\\\"\"");
}

TEST_CASE("control characters are escaped so a text record stays on one line") {
    CapturedLogger captured(Level::Trace, Format::Text, "scanner");
    captured.logger.info("bad qr\nsecond line", {{"raw", "a\tb\x01"}});
    auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "2024-05-01T12:00:00.123Z INFO  scanner: bad qr\\nsecond line raw=\"a\\tb\\x01\"");
}
