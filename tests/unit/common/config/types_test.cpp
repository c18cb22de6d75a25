// Each value type, read from the JSON file and from an environment override.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ConfigTestSupport.h"
#include "gate/config/Config.h"

using namespace gate::config;
using namespace std::chrono_literals;
using gate::config::test::config_error;

namespace {

Config from_json(std::string_view json, std::map<std::string, std::string, std::less<>> env = {}) {
    LoadOptions options;
    options.environment = Environment::from_map(std::move(env));
    return Config::parse(json, "gate.json", std::move(options));
}

Config from_env(std::string value) {
    return from_json("{}", {{"GATE_V", std::move(value)}});
}

}  // namespace

TEST_CASE("strings come from JSON strings or the raw variable text") {
    CHECK(from_json(R"({"v": "north gate"})").require<std::string>("v") == "north gate");
    CHECK(from_env(" spaced ").require<std::string>("v") == " spaced ");
    CHECK(from_env("").require<std::string>("v").empty());
}

TEST_CASE("integers are read whole and in range") {
    CHECK(from_json(R"({"v": -42})").require<std::int64_t>("v") == -42);
    CHECK(from_json(R"({"v": 9223372036854775807})").require<std::int64_t>("v") ==
          std::numeric_limits<std::int64_t>::max());
    CHECK(from_env("17").require<std::int64_t>("v") == 17);
    CHECK(from_env("+17").require<std::int64_t>("v") == 17);
    CHECK(from_env(" -3 ").require<std::int64_t>("v") == -3);
    CHECK(from_env("-9223372036854775808").require<std::int64_t>("v") ==
          std::numeric_limits<std::int64_t>::min());

    SUBCASE("overflow") {
        auto message =
            config_error([] { from_env("9223372036854775808").find<std::int64_t>("v"); });
        CHECK(message ==
              "environment variable GATE_V: key \"v\": expected an integer from "
              "-9223372036854775808 to 9223372036854775807, found \"9223372036854775808\"");
        CHECK(config_error([] {
                  from_json(R"({"v": 18446744073709551615})").find<std::int64_t>("v");
              }).find("found integer 18446744073709551615") != std::string::npos);
    }
    SUBCASE("trailing garbage and non-numbers") {
        for (std::string text : {"12abc", "1.5", "", "+", "+-1", "0x10", "1 2"}) {
            CAPTURE(text);
            auto message = config_error([&] { from_env(text).find<std::int64_t>("v"); });
            CHECK(message.find("expected an integer, found \"" + text + "\"") != std::string::npos);
        }
        CHECK(config_error([] { from_json(R"({"v": 2.5})").find<std::int64_t>("v"); }) ==
              "gate.json: key \"v\": expected an integer, found number 2.5");
    }
}

TEST_CASE("booleans are JSON booleans, or yes/no words in the environment") {
    CHECK(from_json(R"({"v": true})").require<bool>("v"));
    CHECK_FALSE(from_json(R"({"v": false})").require<bool>("v"));
    for (std::string yes : {"true", "TRUE", "yes", "Yes", "1", "on"}) {
        CAPTURE(yes);
        CHECK(from_env(yes).require<bool>("v"));
    }
    for (std::string no : {"false", "False", "no", "NO", "0", "off"}) {
        CAPTURE(no);
        CHECK_FALSE(from_env(no).require<bool>("v"));
    }
    CHECK(config_error([] { from_env("maybe").find<bool>("v"); }) ==
          "environment variable GATE_V: key \"v\": expected true/false, yes/no, on/off or 1/0, "
          "found \"maybe\"");
    // A quoted "true" in JSON is a string: say so rather than guess.
    CHECK(config_error([] { from_json(R"({"v": "true"})").find<bool>("v"); }) ==
          "gate.json: key \"v\": expected true or false, found string \"true\"");
}

TEST_CASE("doubles accept any JSON number and finite decimal text") {
    CHECK(from_json(R"({"v": 0.25})").require<double>("v") == doctest::Approx(0.25));
    CHECK(from_json(R"({"v": 3})").require<double>("v") == doctest::Approx(3.0));
    CHECK(from_env("1e-3").require<double>("v") == doctest::Approx(0.001));
    for (std::string bad : {"inf", "nan", "1.5x", "", "one"}) {
        CAPTURE(bad);
        CHECK(config_error([&] {
                  from_env(bad).find<double>("v");
              }).find("expected a number, found \"" + bad + "\"") != std::string::npos);
    }
}

TEST_CASE("durations are integer milliseconds or a number with a unit") {
    CHECK(from_json(R"({"v": 250})").require<std::chrono::milliseconds>("v") == 250ms);
    CHECK(from_json(R"({"v": "250ms"})").require<std::chrono::milliseconds>("v") == 250ms);
    CHECK(from_json(R"({"v": "5s"})").require<std::chrono::milliseconds>("v") == 5s);
    CHECK(from_json(R"({"v": "2m"})").require<std::chrono::milliseconds>("v") == 2min);
    CHECK(from_json(R"({"v": "1h"})").require<std::chrono::milliseconds>("v") == 1h);
    CHECK(from_json(R"({"v": "10 s"})").require<std::chrono::milliseconds>("v") == 10s);
    CHECK(from_env("1500").require<std::chrono::milliseconds>("v") == 1500ms);
    CHECK(from_env("30s").require<std::chrono::milliseconds>("v") == 30s);

    SUBCASE("rejected") {
        for (std::string bad : {"abc", "1.5s", "-5s", "5 sec", "s", "5d", "999999999999999999h"}) {
            CAPTURE(bad);
            auto message =
                config_error([&] { from_env(bad).find<std::chrono::milliseconds>("v"); });
            CHECK(message.find("expected integer milliseconds or a duration like \"250ms\"") !=
                  std::string::npos);
            CHECK(message.find("found \"" + bad + "\"") != std::string::npos);
        }
        CHECK(config_error([] {
                  from_json(R"({"sync": {"interval_ms": -1}})")
                      .find<std::chrono::milliseconds>("sync.interval_ms");
              }) ==
              "gate.json: key \"sync.interval_ms\": expected a duration that is not "
              "negative, found integer -1");
        CHECK(config_error([] {
                  from_json(R"({"v": true})").find<std::chrono::milliseconds>("v");
              }).find("found boolean true") != std::string::npos);
    }
}

TEST_CASE("lists are JSON arrays of strings or comma-separated variables") {
    using List = std::vector<std::string>;
    CHECK(from_json(R"({"v": ["a", "b c"]})").require<List>("v") == List{"a", "b c"});
    CHECK(from_json(R"({"v": []})").require<List>("v").empty());
    CHECK(from_env("north, south ,,east").require<List>("v") == List{"north", "south", "east"});
    CHECK(from_env("").require<List>("v").empty());
    CHECK(config_error([] { from_json(R"({"v": ["a", 2]})").find<List>("v"); }) ==
          "gate.json: key \"v\": expected a list of strings, found integer 2 at index 1");
    CHECK(config_error([] { from_json(R"({"v": "a,b"})").find<List>("v"); }) ==
          "gate.json: key \"v\": expected a list of strings, found string \"a,b\"");
}

TEST_CASE("get_in_range bounds integers and names the key when outside") {
    Config config = from_json(R"({"backend": {"port": 70000}, "ok": 443})");
    CHECK(config.get_in_range("ok", 80, 1, 65535) == 443);
    CHECK(config.get_in_range("missing", 80, 1, 65535) == 80);
    CHECK(config_error([&] { config.get_in_range("backend.port", 80, 1, 65535); }) ==
          "gate.json: key \"backend.port\": expected an integer from 1 to 65535, found integer "
          "70000");
}

TEST_CASE("find_parsed maps text to a caller's type and words the error with its names") {
    enum class Source { Camera, Files };
    auto parse = [](std::string_view text) -> std::optional<Source> {
        if (text == "camera") return Source::Camera;
        if (text == "files") return Source::Files;
        return std::nullopt;
    };
    const std::string_view expected = "camera or files";
    CHECK(from_json(R"({"v": "files"})").find_parsed<Source>("v", expected, parse) ==
          Source::Files);
    CHECK(from_env("camera").find_parsed<Source>("v", expected, parse) == Source::Camera);
    CHECK_FALSE(from_json("{}").find_parsed<Source>("v", expected, parse).has_value());
    CHECK(config_error([&] {
              from_json(R"({"v": "usb"})").find_parsed<Source>("v", expected, parse);
          }) == "gate.json: key \"v\": expected camera or files, found string \"usb\"");
    CHECK(config_error([&] {
              from_json(R"({"v": 3})").find_parsed<Source>("v", expected, parse);
          }) == "gate.json: key \"v\": expected camera or files, found integer 3");
}
