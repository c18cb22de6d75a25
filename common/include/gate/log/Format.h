#pragma once
// How a record is written: JSON lines for machines (the default), or one readable text line
// per record for a person at a terminal.

#include <cstdint>
#include <string>
#include <string_view>

#include "gate/Result.h"

namespace gate::log {

enum class Format : std::uint8_t { Json, Text };

/// "json" or "text", case-insensitive. The error lists the valid names.
Result<Format, std::string> parse_format(std::string_view name);

}  // namespace gate::log
