// JSON lines: one parseable object per record with timestamp, level, component, message
// and typed fields.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "LogTestSupport.h"

using namespace gate::log;
using gate::log::test::CapturedLogger;

TEST_CASE("a record is one JSON object with the fixed keys in order") {
    CapturedLogger captured;
    captured.logger.info("ticket accepted", {{"ticket_id", 42}, {"gate", "north"}});
    auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == R"({"ts":"2024-05-01T12:00:00.123Z","level":"info","component":"scanner",)"
                      R"("msg":"ticket accepted","fields":{"ticket_id":42,"gate":"north"}})");
}

TEST_CASE("field values keep their JSON types") {
    CapturedLogger captured;
    const std::string lane = "lane 3";
    captured.logger.warn("typed", {{"int", -7},
                                   {"big", std::numeric_limits<std::uint64_t>::max()},
                                   {"size", std::size_t{12}},
                                   {"ratio", 0.5},
                                   {"single", 1.5f},
                                   {"ok", true},
                                   {"text", lane},
                                   {"view", std::string_view("v")}});
    auto record = captured.only_record();
    CHECK(record["level"] == "warn");
    const auto& fields = record["fields"];
    CHECK(fields["int"].get<std::int64_t>() == -7);
    CHECK(fields["big"].get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
    CHECK(fields["size"].get<std::int64_t>() == 12);
    CHECK(fields["ratio"].get<double>() == doctest::Approx(0.5));
    CHECK(fields["single"].get<double>() == doctest::Approx(1.5));
    CHECK(fields["ok"].is_boolean());
    CHECK(fields["ok"].get<bool>());
    CHECK(fields["text"] == "lane 3");
    CHECK(fields["view"] == "v");
}

TEST_CASE("a record without fields still has an empty fields object") {
    CapturedLogger captured;
    captured.logger.error("camera lost");
    auto record = captured.only_record();
    CHECK(record["fields"].is_object());
    CHECK(record["fields"].empty());
    CHECK(record["level"] == "error");
}

TEST_CASE("hostile text stays one valid JSON line") {
    CapturedLogger captured;
    // A QR payload can hold anything: newlines, quotes, bytes that are not UTF-8.
    const std::string payload = "line1\nline2 \"quoted\" \x01 \xff\xfe";
    captured.logger.info(payload, {{"raw", payload}});
    auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find('\n') == std::string::npos);
    auto record = nlohmann::json::parse(lines[0]);
    CHECK(record["msg"].get<std::string>().starts_with("line1\nline2 \"quoted\" \x01 "));
    CHECK(record["fields"]["raw"].get<std::string>().find("\xef\xbf\xbd") != std::string::npos);
}

TEST_CASE("timestamps are UTC with milliseconds") {
    auto sink = std::make_shared<MemorySink>();
    std::chrono::system_clock::time_point now{};
    Logger logger("syncd", sink, Logger::Options{Level::Info, Format::Json, [&] { return now; }});

    now = std::chrono::system_clock::time_point(std::chrono::milliseconds(0));
    logger.info("epoch");
    now = std::chrono::system_clock::time_point(std::chrono::milliseconds(951782400007));
    logger.info("leap day");
    now = std::chrono::system_clock::time_point(std::chrono::microseconds(1714564800999999));
    logger.info("truncated, not rounded");

    auto lines = sink->lines();
    REQUIRE(lines.size() == 3);
    CHECK(nlohmann::json::parse(lines[0])["ts"] == "1970-01-01T00:00:00.000Z");
    CHECK(nlohmann::json::parse(lines[1])["ts"] == "2000-02-29T00:00:00.007Z");
    CHECK(nlohmann::json::parse(lines[2])["ts"] == "2024-05-01T12:00:00.999Z");
}

TEST_CASE("a child logger shares the sink and names its own component") {
    CapturedLogger captured;
    Logger sync = captured.logger.child("sync");
    captured.logger.info("from root");
    sync.info("from child");
    auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 2);
    CHECK(nlohmann::json::parse(lines[0])["component"] == "scanner");
    CHECK(nlohmann::json::parse(lines[1])["component"] == "sync");
}

TEST_CASE("fields can be passed as a span built at run time") {
    CapturedLogger captured;
    std::vector<Field> fields;
    fields.emplace_back("a", 1);
    fields.emplace_back("b", "two");
    captured.logger.log(Level::Debug, "dynamic", fields);
    auto record = captured.only_record();
    CHECK(record["level"] == "debug");
    CHECK(record["fields"] == nlohmann::json{{"a", 1}, {"b", "two"}});
}
