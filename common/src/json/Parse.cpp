#include "gate/json/Parse.h"

#include <algorithm>

namespace gate::jsonio {

namespace {

// nlohmann reports the offset of the byte it stopped at; people need line and column.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t byte) {
    const std::size_t offset = std::min(byte == 0 ? 0 : byte - 1, text.size());
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    return {line, offset - line_start + 1};
}

// nlohmann's text starts with "[json.exception.parse_error.101] parse error at line 1,
// column 2: "; the position is kept apart, so keep only the description.
std::string description(const nlohmann::json::parse_error& error) {
    std::string_view what(error.what());
    const std::size_t colon = what.find(": ");
    return std::string(colon == std::string_view::npos ? what : what.substr(colon + 2));
}

}  // namespace

std::string ParseError::message() const {
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + detail;
}

Result<nlohmann::json, ParseError> parse(std::string_view text, ParseOptions options) {
    try {
        return nlohmann::json::parse(text, nullptr, true, options.allow_comments);
    } catch (const nlohmann::json::parse_error& error) {
        auto [line, column] = line_and_column(text, error.byte);
        return fail(ParseError{line, column, description(error)});
    }
}

}  // namespace gate::jsonio
