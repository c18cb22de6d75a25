#pragma once
// Turning one record into one line, as JSON or as text; secret fields are redacted here so
// no sink ever sees them.

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "gate/log/Field.h"
#include "gate/log/Level.h"

namespace gate::log::detail {

struct Record {
    std::chrono::system_clock::time_point time;
    Level level;
    std::string_view component;
    std::string_view message;
    std::span<const Field> fields;
};

/// ISO-8601 UTC with milliseconds: "2024-05-01T12:00:00.123Z".
std::string format_timestamp(std::chrono::system_clock::time_point time);

/// {"ts":...,"level":...,"component":...,"msg":...,"fields":{...}}; invalid UTF-8 becomes
/// U+FFFD instead of failing.
std::string format_json(const Record& record);

/// 2024-05-01T12:00:00.123Z INFO  syncd: pushed entries count=12 gate="north 2"
std::string format_text(const Record& record);

}  // namespace gate::log::detail
