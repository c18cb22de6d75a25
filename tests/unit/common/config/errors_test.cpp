// What venue IT reads when a config is wrong: every message names the file (or variable),
// the key, and what was expected against what was found.
#include <doctest/doctest.h>

#include <string>

#include "ConfigTestSupport.h"
#include "TempDir.h"
#include "gate/config/Config.h"

using namespace gate::config;
using gate::config::test::config_error;
using gate::config::test::write_file;

namespace {

LoadOptions options_with(std::map<std::string, std::string, std::less<>> env = {}) {
    LoadOptions options;
    options.environment = Environment::from_map(std::move(env));
    return options;
}

}  // namespace

TEST_CASE("a wrong type in the file names the file, the key, expected and found") {
    gate::test::TempDir dir;
    auto path = write_file(dir / "gate.json", R"({"sync": {"interval_ms": "abc"}})");
    Config config = Config::load(path, options_with());
    CHECK(config_error([&] { config.find<std::chrono::milliseconds>("sync.interval_ms"); }) ==
          path.string() +
              ": key \"sync.interval_ms\": expected integer milliseconds or a duration like "
              "\"250ms\", \"5s\", \"2m\", \"1h\", found string \"abc\"");
    CHECK(config_error([&] { config.find<std::string>("sync"); }) ==
          path.string() + ": key \"sync\": expected a single value, found a section");
}

TEST_CASE("a wrong value from the environment names the variable instead of the file") {
    gate::test::TempDir dir;
    auto path = write_file(dir / "gate.json", R"({"sync": {"batch": 10}})");
    Config config = Config::load(path, options_with({{"GATE_SYNC_BATCH", "ten"}}));
    auto message = config_error([&] { config.find<std::int64_t>("sync.batch"); });
    CHECK(message ==
          "environment variable GATE_SYNC_BATCH: key \"sync.batch\": expected an integer, found "
          "\"ten\"");
    CHECK(message.find(path.string()) == std::string::npos);
}

TEST_CASE("a wrong value in the built-in defaults says so") {
    LoadOptions options = options_with();
    options.defaults = {{"sync", {{"batch", "x"}}}};
    Config config = Config::from_defaults(std::move(options));
    CHECK(config_error([&] { config.find<std::int64_t>("sync.batch"); }) ==
          "built-in defaults: key \"sync.batch\": expected an integer, found string \"x\"");
}

TEST_CASE("JSON syntax errors name the file, line and column") {
    gate::test::TempDir dir;
    SUBCASE("a missing value") {
        auto path = write_file(dir / "gate.json", "{\n  \"sync\": {\n    \"batch\": ,\n  }\n}\n");
        auto message = config_error([&] { Config::load(path, options_with()); });
        CHECK(message.starts_with(path.string() + ": line 3, column 14: invalid JSON: "));
        CHECK(message.find("syntax error") != std::string::npos);
        CHECK(message.find("[json.exception") == std::string::npos);
    }
    SUBCASE("an unclosed object") {
        auto path = write_file(dir / "gate.json", "{\"a\": 1,\n\"b\": 2\n");
        auto message = config_error([&] { Config::load(path, options_with()); });
        CHECK(message.starts_with(path.string() + ": line 3, column 1: invalid JSON: "));
    }
    SUBCASE("an empty file") {
        auto path = write_file(dir / "gate.json", "");
        auto message = config_error([&] { Config::load(path, options_with()); });
        CHECK(message.starts_with(path.string() + ": line 1, column 1: invalid JSON: "));
    }
}

TEST_CASE("comments are allowed so venue IT can annotate a file") {
    Config config = Config::parse("{\n // north gate\n \"batch\": 5 /* was 10 */\n}", "gate.json",
                                  options_with());
    CHECK(config.require<std::int64_t>("batch") == 5);
}

TEST_CASE("the top level of the file must be an object") {
    CHECK(config_error([] { Config::parse("[1, 2]", "gate.json", options_with()); }) ==
          "gate.json: expected a JSON object at the top level, found an array");
    CHECK(config_error([] {
              Config::parse(R"({"": 1})", "gate.json", options_with());
          }).starts_with("gate.json: invalid key \"\""));
}

TEST_CASE("a required key that no layer sets names the file and the variable") {
    gate::test::TempDir dir;
    SUBCASE("file read") {
        auto path = write_file(dir / "gate.json", "{}");
        Config config = Config::load(path, options_with());
        CHECK(config_error([&] { config.require<std::string>("backend.url"); }) ==
              "key \"backend.url\" is required: set it in " + path.string() +
                  " or with environment variable GATE_BACKEND_URL");
    }
    SUBCASE("optional file absent") {
        LoadOptions options = options_with();
        options.file_optional = true;
        Config config = Config::load(dir / "gate.json", std::move(options));
        CHECK(config_error([&] { config.require<std::string>("backend.url"); }) ==
              "key \"backend.url\" is required: no config file at " + (dir / "gate.json").string() +
                  "; create it with this key or set environment variable GATE_BACKEND_URL");
    }
}

TEST_CASE("values of secret-looking keys are never echoed in errors") {
    Config config = Config::parse(R"({"backend": {"device_token": 12345678}})", "gate.json",
                                  options_with({{"GATE_API_PASSWORD", "hunter2"}}));
    auto from_file = config_error([&] { config.find<std::string>("backend.device_token"); });
    CHECK(from_file ==
          "gate.json: key \"backend.device_token\": expected a string, found an integer (value "
          "hidden)");
    auto from_env = config_error([&] { config.find<std::int64_t>("api.password"); });
    CHECK(from_env.find("hunter2") == std::string::npos);
    CHECK(from_env.find("GATE_API_PASSWORD") != std::string::npos);
}

TEST_CASE("long values are shortened in errors") {
    std::string long_value(500, 'x');
    Config config = Config::parse(R"({"v": ")" + long_value + R"("})", "gate.json", options_with());
    auto message = config_error([&] { config.find<bool>("v"); });
    CHECK(message.size() < 200);
    CHECK(message.find("...\"") != std::string::npos);
}
