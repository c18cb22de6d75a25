#include "gate/syncd/SyncSettings.h"

#include <array>

#include "gate/http/Url.h"

namespace gate::syncd {

namespace {

constexpr std::array<std::string_view, 20> kKeys{
    "device.database",
    "device.token_file",
    "device.key_file",
    "backend.url",
    "sync.interval",
    "sync.batch_size",
    "sync.timeout",
    "backoff.initial",
    "backoff.max",
    "chain.enabled",
    "chain.rpc_url",
    "chain.interval",
    "chain.timeout",
    "chain.confirm_timeout",
    "chain.max_in_flight",
    "chain.max_checkins_per_tx",
    "chain.compute_unit_price",
    "log.level",
    "log.format",
    "log.file",
};

}  // namespace

std::span<const std::string_view> sync_config_keys() {
    return kKeys;
}

SyncSettings sync_settings_from(const config::Config& config) {
    SyncSettings s;
    config.reject_unknown_keys(kKeys);
    s.database = config.get<std::string>("device.database", s.database.string());
    s.token_file = config.get<std::string>("device.token_file", s.token_file.string());
    s.key_file = config.get<std::string>("device.key_file", s.key_file.string());
    s.backend_url = config.get<std::string>("backend.url", s.backend_url);
    s.chain.rpc_url = config.get<std::string>("chain.rpc_url", s.chain.rpc_url);
    for (auto [key, url] :
         {std::pair{"backend.url", &s.backend_url}, std::pair{"chain.rpc_url", &s.chain.rpc_url}}) {
        if (!url->empty() && !http::is_http_url(*url)) {
            throw config::ConfigError(
                (config.file_name().empty() ? std::string("settings") : config.file_name()) +
                ": key \"" + key + "\": expected an http:// or https:// URL, found \"" + *url +
                "\"");
        }
    }
    s.chain.enabled = config.get("chain.enabled", s.chain.enabled);
    s.chain.interval = config.get("chain.interval", s.chain.interval);
    s.chain.request_timeout = config.get("chain.timeout", s.chain.request_timeout);
    s.chain.confirm_timeout = config.get("chain.confirm_timeout", s.chain.confirm_timeout);
    s.chain.max_in_flight =
        config.get_in_range("chain.max_in_flight", s.chain.max_in_flight, 1, 64);
    s.chain.max_checkins_per_tx =
        config.get_in_range("chain.max_checkins_per_tx", s.chain.max_checkins_per_tx, 0, 64);
    s.chain.compute_unit_price = config.get_in_range("chain.compute_unit_price",
                                                     s.chain.compute_unit_price, 0, 1'000'000'000);
    s.interval = config.get("sync.interval", s.interval);
    s.request_timeout = config.get("sync.timeout", s.request_timeout);
    s.batch_size = config.get_in_range("sync.batch_size", s.batch_size, 1, 10'000);
    s.backoff.initial = config.get("backoff.initial", s.backoff.initial);
    s.backoff.max = config.get("backoff.max", s.backoff.max);
    for (auto [key, value] :
         {std::pair{"sync.interval", s.interval}, std::pair{"sync.timeout", s.request_timeout},
          std::pair{"backoff.initial", s.backoff.initial},
          std::pair{"chain.interval", s.chain.interval},
          std::pair{"chain.timeout", s.chain.request_timeout},
          std::pair{"chain.confirm_timeout", s.chain.confirm_timeout}}) {
        if (value.count() <= 0) {
            throw config::ConfigError(std::string("key \"") + key +
                                      "\": expected a positive duration (e.g. \"5s\")");
        }
    }
    if (s.backoff.max < s.backoff.initial) {
        throw config::ConfigError("key \"backoff.max\": must not be shorter than backoff.initial");
    }
    s.log = log::log_settings_from(config);
    return s;
}

nlohmann::json to_json(const SyncSettings& s) {
    return {
        {"device",
         {{"database", s.database.string()},
          {"token_file", s.token_file.string()},
          {"key_file", s.key_file.string()}}},
        {"backend",
         {{"url", s.backend_url.empty() ? "(from the device database)" : s.backend_url}}},
        {"sync",
         {{"interval_ms", s.interval.count()},
          {"batch_size", s.batch_size},
          {"timeout_ms", s.request_timeout.count()}}},
        {"backoff", {{"initial_ms", s.backoff.initial.count()}, {"max_ms", s.backoff.max.count()}}},
        {"chain",
         {{"enabled", s.chain.enabled},
          {"rpc_url", s.chain.rpc_url.empty() ? "(from the assignment)" : s.chain.rpc_url},
          {"interval_ms", s.chain.interval.count()},
          {"timeout_ms", s.chain.request_timeout.count()},
          {"confirm_timeout_ms", s.chain.confirm_timeout.count()},
          {"max_in_flight", s.chain.max_in_flight},
          {"max_checkins_per_tx", s.chain.max_checkins_per_tx},
          {"compute_unit_price", s.chain.compute_unit_price}}},
        {"log",
         {{"level", std::string(log::to_string(s.log.level))},
          {"format", s.log.format == log::Format::Json ? "json" : "text"},
          {"file", s.log.file}}},
    };
}

}  // namespace gate::syncd
