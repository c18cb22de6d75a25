#include <doctest/doctest.h>

#include "gate/config/ConfigError.h"
#include "gate/syncd/SyncSettings.h"

using namespace std::chrono_literals;
using gate::config::Config;
using gate::config::ConfigError;
using gate::config::Environment;
using gate::config::LoadOptions;

namespace {

LoadOptions with_env(std::map<std::string, std::string, std::less<>> env) {
    LoadOptions o;
    o.environment = Environment::from_map(std::move(env));
    return o;
}

std::string error_of(std::string_view json,
                     std::map<std::string, std::string, std::less<>> env = {}) {
    try {
        (void)gate::syncd::sync_settings_from(Config::parse(json, "syncd.json", with_env(env)));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("with no file and no environment the embedded defaults apply") {
    const auto s = gate::syncd::sync_settings_from(Config::from_defaults(with_env({})));
    CHECK(s.backend_url.empty());  // taken from the device database
    CHECK(s.token_file == "device.token");
    CHECK(s.interval == 5s);
    CHECK(s.batch_size == 200);
    CHECK(s.backoff.max == 60s);
}

TEST_CASE("file values are read and the environment overrides them") {
    const auto s = gate::syncd::sync_settings_from(Config::parse(
        R"({"backend": {"url": "https://api.example"}, "sync": {"interval": "30s", "batch_size": 50}})",
        "syncd.json", with_env({{"GATE_SYNC_BATCH_SIZE", "75"}})));
    CHECK(s.backend_url == "https://api.example");
    CHECK(s.interval == 30s);
    CHECK(s.batch_size == 75);
    const auto j = gate::syncd::to_json(s);
    CHECK(j["sync"]["batch_size"] == 75);
    CHECK(j["backend"]["url"] == "https://api.example");
}

TEST_CASE("bad settings are refused with the key named") {
    CHECK(error_of(R"({"backend": {"url": "ftp://x"}})").find("backend.url") != std::string::npos);
    CHECK(error_of(R"({"sync": {"batch_size": 0}})").find("sync.batch_size") != std::string::npos);
    CHECK(error_of(R"({"sync": {"interval": "0s"}})").find("sync.interval") != std::string::npos);
    CHECK(error_of(R"({"backoff": {"initial": "10s", "max": "1s"}})").find("backoff.max") !=
          std::string::npos);
    const std::string typo = error_of(R"({"sync": {"intervl": "5s"}})");
    CHECK(typo.find("sync.intervl") != std::string::npos);
    CHECK(typo.find("sync.interval") != std::string::npos);  // the suggestion
    CHECK(error_of("{}", {{"GATE_LOG_LEVEL", "loud"}}).find("log.level") != std::string::npos);
}

TEST_CASE("chain settings: defaults, overrides and a bad RPC URL") {
    const auto d = gate::syncd::sync_settings_from(Config::from_defaults(with_env({})));
    CHECK(d.chain.enabled);
    CHECK(d.chain.rpc_url.empty());  // the assignment's
    CHECK(d.key_file == "device-key.json");
    CHECK(d.chain.max_in_flight == 4);
    const auto s = gate::syncd::sync_settings_from(Config::parse(
        R"({"device": {"key_file": "/var/lib/gate/key.json", "token_file": "t"},
            "chain": {"rpc_url": "http://127.0.0.1:8899", "interval": "2s", "max_in_flight": 8}})",
        "syncd.json", with_env({{"GATE_CHAIN_ENABLED", "false"}})));
    CHECK_FALSE(s.chain.enabled);
    CHECK(s.chain.rpc_url == "http://127.0.0.1:8899");
    CHECK(s.chain.interval == 2s);
    CHECK(s.chain.max_in_flight == 8);
    CHECK(s.key_file == "/var/lib/gate/key.json");
    CHECK(s.token_file == "t");
    CHECK(gate::syncd::to_json(s)["chain"]["enabled"] == false);
    CHECK(error_of(R"({"chain": {"rpc_url": "ws://x"}})").find("chain.rpc_url") !=
          std::string::npos);
    CHECK(error_of(R"({"chain": {"max_in_flight": 0}})").find("chain.max_in_flight") !=
          std::string::npos);
}
