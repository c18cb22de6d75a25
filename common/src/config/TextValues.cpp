#include "config/TextValues.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace gate::config::detail {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (x != b[i]) return false;
    }
    return true;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// from_chars takes '-' but not '+'; accepts one leading '+' and rejects a sign after it.
bool strip_plus(std::string_view& text) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && (text.front() == '+' || text.front() == '-')) return false;
    }
    return !text.empty();
}

}  // namespace

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

ParsedInt parse_int(std::string_view text) {
    text = trim(text);
    if (!strip_plus(text)) return {0, IntProblem::NotAnInteger};
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc::result_out_of_range) return {0, IntProblem::OutOfRange};
    if (ec != std::errc{} || ptr != end) return {0, IntProblem::NotAnInteger};
    return {value, IntProblem::None};
}

std::optional<bool> parse_bool(std::string_view text) {
    text = trim(text);
    for (std::string_view yes : {"true", "yes", "on", "1"}) {
        if (equals_ignoring_case(text, yes)) return true;
    }
    for (std::string_view no : {"false", "no", "off", "0"}) {
        if (equals_ignoring_case(text, no)) return false;
    }
    return std::nullopt;
}

std::optional<double> parse_double(std::string_view text) {
    text = trim(text);
    if (!strip_plus(text)) return std::nullopt;
    double value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    text = trim(text);
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    if (digits == 0) return std::nullopt;
    std::int64_t count = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, count);
    if (ec != std::errc{}) return std::nullopt;
    std::string_view unit = trim(text.substr(digits));

    struct Unit {
        std::string_view name;
        std::int64_t ms;
    };
    static constexpr std::array<Unit, 5> units{
        {{"", 1}, {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
    for (const Unit& u : units) {
        if (unit != u.name) continue;
        if (count > std::numeric_limits<std::int64_t>::max() / u.ms) return std::nullopt;
        return std::chrono::milliseconds(count * u.ms);
    }
    return std::nullopt;
}

std::vector<std::string> parse_list(std::string_view text) {
    std::vector<std::string> items;
    while (true) {
        std::size_t comma = text.find(',');
        std::string_view item = trim(text.substr(0, comma));
        if (!item.empty()) items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return items;
}

}  // namespace gate::config::detail
