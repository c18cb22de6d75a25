#pragma once
// Parsing of scalar settings written as text (environment variables, duration strings).
// Each returns nullopt on anything but a complete, in-range value; callers word the error.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gate::config::detail {

enum class IntProblem { None, NotAnInteger, OutOfRange };

struct ParsedInt {
    std::int64_t value = 0;
    IntProblem problem = IntProblem::None;
};

std::string_view trim(std::string_view text);
ParsedInt parse_int(std::string_view text);
std::optional<bool> parse_bool(std::string_view text);
std::optional<double> parse_double(std::string_view text);
/// "250", "250ms", "5s", "2m", "1h" (optional space before the unit); never negative.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
/// Comma-separated, each item trimmed, empty items dropped.
std::vector<std::string> parse_list(std::string_view text);

}  // namespace gate::config::detail
