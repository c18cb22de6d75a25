#pragma once
// Log severity, ordered so a threshold compares with <; Off as a threshold disables a logger.

#include <cstdint>
#include <string>
#include <string_view>

#include "gate/Result.h"

namespace gate::log {

enum class Level : std::uint8_t { Trace, Debug, Info, Warn, Error, Off };

/// "trace", "debug", "info", "warn", "error", "off".
std::string_view to_string(Level level) noexcept;

/// Case-insensitive; "warning" is taken for warn. The error lists the valid names.
Result<Level, std::string> parse_level(std::string_view name);

}  // namespace gate::log
