#pragma once
// parse(): a JSON document from text, without exceptions, saying where it broke. Used for
// request bodies, sync messages and config files alike.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "gate/Result.h"

namespace gate::jsonio {

struct ParseError {
    std::size_t line = 1;
    std::size_t column = 1;
    std::string detail;  ///< nlohmann's description, e.g. "syntax error while parsing value ..."

    /// "line 3, column 7: syntax error ...".
    std::string message() const;
};

struct ParseOptions {
    bool allow_comments = false;  ///< config files may hold /* */ and // comments
};

Result<nlohmann::json, ParseError> parse(std::string_view text, ParseOptions options = {});

}  // namespace gate::jsonio
