// How the three layers combine: built-in defaults, the JSON file, environment overrides.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "ConfigTestSupport.h"
#include "TempDir.h"
#include "gate/config/Config.h"

using namespace gate::config;
using gate::config::test::config_error;
using gate::config::test::write_file;

namespace {

LoadOptions options_with(std::map<std::string, std::string, std::less<>> env) {
    LoadOptions options;
    options.environment = Environment::from_map(std::move(env));
    options.defaults = {{"sync", {{"interval_ms", 1000}, {"batch", 50}}},
                        {"backend", {{"url", "http://127.0.0.1:8080"}}},
                        {"log", {{"level", "info"}}}};
    return options;
}

}  // namespace

TEST_CASE("the file overrides defaults and the environment overrides the file") {
    gate::test::TempDir dir;
    auto path = write_file(dir / "gate.json", R"({"sync": {"interval_ms": 2000, "batch": 10}})");
    Config config = Config::load(path, options_with({{"GATE_SYNC_INTERVAL_MS", "3000"}}));

    CHECK(config.require<std::int64_t>("sync.interval_ms") == 3000);               // environment
    CHECK(config.require<std::int64_t>("sync.batch") == 10);                       // file
    CHECK(config.require<std::string>("backend.url") == "http://127.0.0.1:8080");  // default
    CHECK(config.file_read());
    CHECK(config.file_name() == path.string());
}

TEST_CASE("an environment override applies to a key that no file or default sets") {
    Config config = Config::from_defaults(options_with({{"GATE_DEVICE_GATE_NAME", "north"}}));
    CHECK(config.require<std::string>("device.gate_name") == "north");
    CHECK(config.contains("device.gate_name"));
    CHECK_FALSE(config.contains("device.lane"));
}

TEST_CASE("nested objects and dotted keys in the file address the same settings") {
    Config config =
        Config::parse(R"({"backend": {"tls": {"verify": false}}, "sync.interval_ms": 250})",
                      "gate.json", options_with({}));
    CHECK(config.require<bool>("backend.tls.verify") == false);
    CHECK(config.require<std::int64_t>("sync.interval_ms") == 250);
    CHECK(config.require<std::int64_t>("sync.batch") == 50);  // sibling default survives
}

TEST_CASE("a key set both nested and dotted in one file is an error") {
    CHECK(config_error([] {
              (void)Config::parse(R"({"sync": {"batch": 1}, "sync.batch": 2})", "gate.json",
                                  options_with({}));
          }) == "gate.json: key \"sync.batch\" is set twice");
}

TEST_CASE("environment variable names are the prefix and the upper-cased key") {
    SUBCASE("default prefix") {
        Config config = Config::from_defaults(options_with({}));
        CHECK(config.env_name("sync.interval_ms") == "GATE_SYNC_INTERVAL_MS");
        CHECK(config.env_name("backend.tls-ca") == "GATE_BACKEND_TLS_CA");
    }
    SUBCASE("own prefix") {
        LoadOptions options = options_with({{"SYNCD_SYNC_BATCH", "7"}, {"GATE_SYNC_BATCH", "9"}});
        options.env_prefix = "SYNCD";
        Config config = Config::from_defaults(std::move(options));
        CHECK(config.env_name("sync.batch") == "SYNCD_SYNC_BATCH");
        CHECK(config.require<std::int64_t>("sync.batch") == 7);
    }
    SUBCASE("no prefix") {
        LoadOptions options = options_with({{"SYNC_BATCH", "8"}});
        options.env_prefix = "";
        Config config = Config::from_defaults(std::move(options));
        CHECK(config.env_name("sync.batch") == "SYNC_BATCH");
        CHECK(config.require<std::int64_t>("sync.batch") == 8);
    }
}

TEST_CASE("get falls back only when no layer sets the key") {
    Config config = Config::parse(R"({"sync": {"batch": 0}})", "gate.json", options_with({}));
    CHECK(config.get<std::int64_t>("sync.batch", 99) == 0);
    CHECK(config.get<std::int64_t>("sync.missing", 99) == 99);
    CHECK(config.get<std::string>("backend.token_file", "/etc/gate/token") == "/etc/gate/token");
    CHECK_FALSE(config.find<std::string>("backend.token_file").has_value());
}

TEST_CASE("a missing config file is an error unless it was declared optional") {
    gate::test::TempDir dir;
    const auto absent = dir / "absent.json";

    SUBCASE("required") {
        CHECK(config_error([&] { (void)Config::load(absent, options_with({})); }) ==
              "config file " + absent.string() + " does not exist");
    }
    SUBCASE("optional: defaults and environment apply") {
        LoadOptions options = options_with({{"GATE_SYNC_BATCH", "5"}});
        options.file_optional = true;
        Config config = Config::load(absent, std::move(options));
        CHECK_FALSE(config.file_read());
        CHECK(config.require<std::int64_t>("sync.interval_ms") == 1000);
        CHECK(config.require<std::int64_t>("sync.batch") == 5);
    }
}

TEST_CASE("a path that is not a regular file is an error even when optional") {
    gate::test::TempDir dir;
    LoadOptions options = options_with({});
    options.file_optional = true;
    CHECK(config_error([&] { (void)Config::load(dir.path(), options); }) ==
          "config file " + dir.path().string() + " is not a regular file");
}

TEST_CASE("the process environment is the default source of overrides") {
    // Reads a variable every POSIX process has instead of setting one.
    LoadOptions options;
    options.env_prefix = "";
    Config config = Config::from_defaults(std::move(options));
    const char* path = std::getenv("PATH");
    REQUIRE(path != nullptr);
    CHECK(config.require<std::string>("path") == path);
}
