#include "gate/syncd/SyncSettings.h"

#include <array>

namespace gate::syncd {

namespace {

constexpr std::array<std::string_view, 10> kKeys{
    "device.database", "backend.url", "sync.interval", "sync.batch_size", "sync.timeout",
    "backoff.initial", "backoff.max", "log.level",     "log.format",      "log.file",
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
    s.backend_url = config.get<std::string>("backend.url", s.backend_url);
    if (!s.backend_url.empty() && !s.backend_url.starts_with("http://") &&
        !s.backend_url.starts_with("https://")) {
        throw config::ConfigError(
            (config.file_name().empty() ? std::string("settings") : config.file_name()) +
            ": key \"backend.url\": expected an http:// or https:// URL, found \"" + s.backend_url +
            "\"");
    }
    s.interval = config.get("sync.interval", s.interval);
    s.request_timeout = config.get("sync.timeout", s.request_timeout);
    s.batch_size = config.get_in_range("sync.batch_size", s.batch_size, 1, 10'000);
    s.backoff.initial = config.get("backoff.initial", s.backoff.initial);
    s.backoff.max = config.get("backoff.max", s.backoff.max);
    for (auto [key, value] :
         {std::pair{"sync.interval", s.interval}, std::pair{"sync.timeout", s.request_timeout},
          std::pair{"backoff.initial", s.backoff.initial}}) {
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
        {"device", {{"database", s.database.string()}, {"token_file", s.token_file.string()}}},
        {"backend",
         {{"url", s.backend_url.empty() ? "(from the device database)" : s.backend_url}}},
        {"sync",
         {{"interval_ms", s.interval.count()},
          {"batch_size", s.batch_size},
          {"timeout_ms", s.request_timeout.count()}}},
        {"backoff", {{"initial_ms", s.backoff.initial.count()}, {"max_ms", s.backoff.max.count()}}},
        {"log",
         {{"level", std::string(log::to_string(s.log.level))},
          {"format", s.log.format == log::Format::Json ? "json" : "text"},
          {"file", s.log.file}}},
    };
}

}  // namespace gate::syncd
