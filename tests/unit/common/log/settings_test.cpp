// Logging configured from a daemon's config: log.level, log.format, log.file and their
// environment overrides.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "TempDir.h"
#include "gate/log/LogSettings.h"

using namespace gate::log;
using gate::config::Config;
using gate::config::ConfigError;
using gate::config::Environment;
using gate::config::LoadOptions;

namespace {

Config config_of(std::string_view json, std::map<std::string, std::string, std::less<>> env = {}) {
    LoadOptions options;
    options.environment = Environment::from_map(std::move(env));
    return Config::parse(json, "gate.json", std::move(options));
}

std::string error_of(const Config& config) {
    try {
        log_settings_from(config);
    } catch (const ConfigError& error) {
        return error.what();
    }
    FAIL("expected a ConfigError");
    return {};
}

}  // namespace

TEST_CASE("unset keys give info, JSON and stderr") {
    LogSettings settings = log_settings_from(config_of("{}"));
    CHECK(settings.level == Level::Info);
    CHECK(settings.format == Format::Json);
    CHECK(settings.file.empty());
}

TEST_CASE("the file sets level and format, and the environment overrides them") {
    Config config =
        config_of(R"({"log": {"level": "warn", "format": "text"}})", {{"GATE_LOG_LEVEL", "DEBUG"}});
    LogSettings settings = log_settings_from(config);
    CHECK(settings.level == Level::Debug);
    CHECK(settings.format == Format::Text);
}

TEST_CASE("a bad level or format names the key and where it came from") {
    CHECK(error_of(config_of(R"({"log": {"level": "verbose"}})")) ==
          "gate.json: key \"log.level\": expected a log level (trace, debug, info, warn, error "
          "or off), found string \"verbose\"");
    CHECK(error_of(config_of("{}", {{"GATE_LOG_FORMAT", "xml"}})) ==
          "environment variable GATE_LOG_FORMAT: key \"log.format\": expected a log format "
          "(json or text), found \"xml\"");
}

TEST_CASE("make_logger writes to the configured file at the configured level") {
    gate::test::TempDir dir;
    const auto path = dir / "scanner.log";
    Config config = config_of(R"({"log": {"level": "warn", "format": "text"}})",
                              {{"GATE_LOG_FILE", path.string()}});
    Logger logger = make_logger(log_settings_from(config), "scanner");
    logger.info("dropped");
    logger.warn("camera slow", {{"fps", 4}});

    std::ifstream in(path);
    std::string line;
    REQUIRE(std::getline(in, line));
    CHECK(line.find(" WARN  scanner: camera slow fps=4") != std::string::npos);
    CHECK_FALSE(std::getline(in, line));
}

TEST_CASE("the log keys are offered for unknown-key checks") {
    Config config = config_of(R"({"log": {"levle": "info"}})");
    auto unknown = config.unknown_keys(config_keys);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].suggestion == "log.level");
}
