// Typo protection: keys the daemon does not know are reported with the file and the key
// the venue most likely meant.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>

#include "ConfigTestSupport.h"
#include "gate/config/Config.h"

using namespace gate::config;
using gate::config::test::config_error;

namespace {

constexpr std::array<std::string_view, 5> known{"sync.interval_ms", "sync.batch", "backend.url",
                                                "log.level", "gates"};

Config config_of(std::string_view json, std::map<std::string, std::string, std::less<>> env = {}) {
    LoadOptions options;
    options.environment = Environment::from_map(std::move(env));
    options.defaults = {{"not_listed_default", 1}};
    return Config::parse(json, "/etc/gate/gate.json", std::move(options));
}

}  // namespace

TEST_CASE("a known file passes and a default never counts as unknown") {
    Config config = config_of(R"({"sync": {"interval_ms": 5, "batch": 1}, "log": {"level": "x"}})");
    CHECK(config.unknown_keys(known).empty());
    CHECK_NOTHROW(config.reject_unknown_keys(known));
}

TEST_CASE("a typo is reported with the file and a suggestion") {
    Config config = config_of(R"({"sync": {"intervl_ms": 5}})");
    auto unknown = config.unknown_keys(known);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].source == "/etc/gate/gate.json");
    CHECK(unknown[0].key == "sync.intervl_ms");
    CHECK(unknown[0].suggestion == "sync.interval_ms");
    CHECK(config_error([&] { config.reject_unknown_keys(known); }) ==
          "/etc/gate/gate.json: unknown key \"sync.intervl_ms\" (did you mean "
          "\"sync.interval_ms\"?)");
}

TEST_CASE("every unknown key is listed, one per line") {
    Config config = config_of(R"({"bakend": {"url": "x"}, "colour": "red", "interval_ms": 1})");
    auto message = config_error([&] { config.reject_unknown_keys(known); });
    CHECK(message ==
          "/etc/gate/gate.json: unknown key \"bakend.url\" (did you mean \"backend.url\"?)\n"
          "/etc/gate/gate.json: unknown key \"colour\"\n"
          "/etc/gate/gate.json: unknown key \"interval_ms\" (did you mean "
          "\"sync.interval_ms\"?)");
}

TEST_CASE("a known section covers every key below it") {
    Config config = config_of(R"({"gates": {"north": {"lanes": 3}, "south": {"lanes": 1}}})");
    CHECK(config.unknown_keys(known).empty());
    // ...but not a key that merely starts with the same letters.
    CHECK(config_of(R"({"gatesx": 1})").unknown_keys(known).size() == 1);
}

TEST_CASE("environment overrides are checked on request, with variable suggestions") {
    Config config = config_of("{}", {{"GATE_SYNC_INTERVL_MS", "5"},
                                     {"GATE_SYNC_BATCH", "1"},
                                     {"GATE_GATES_NORTH_LANES", "2"},
                                     {"HOME", "/root"}});
    CHECK(config.unknown_keys(known).empty());  // the file check ignores the environment
    auto unknown = config.unknown_env_overrides(known);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].key == "GATE_SYNC_INTERVL_MS");
    CHECK(unknown[0].suggestion == "GATE_SYNC_INTERVAL_MS");
    CHECK(unknown[0].message() ==
          "environment: unknown variable GATE_SYNC_INTERVL_MS (did you mean "
          "GATE_SYNC_INTERVAL_MS?)");
}
