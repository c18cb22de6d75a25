#pragma once
// The logging part of a daemon's config: keys log.level, log.format and log.file (and so
// GATE_LOG_LEVEL etc.), read into settings and turned into the process's root logger.

#include <array>
#include <string>
#include <string_view>

#include "gate/config/Config.h"
#include "gate/log/Format.h"
#include "gate/log/Level.h"
#include "gate/log/Logger.h"

namespace gate::log {

/// Add these to a daemon's known keys for Config::reject_unknown_keys.
inline constexpr std::array<std::string_view, 3> config_keys{"log.level", "log.format", "log.file"};

struct LogSettings {
    Level level = Level::Info;
    Format format = Format::Json;
    std::string file;  ///< empty: stderr
};

/// Unset keys keep LogSettings' defaults. Throws config::ConfigError naming the key and
/// its source for an unknown level or format.
LogSettings log_settings_from(const config::Config& config);

/// Opens the file sink if one is set (throws std::system_error if it cannot).
Logger make_logger(const LogSettings& settings, std::string component);

}  // namespace gate::log
