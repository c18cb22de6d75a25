#pragma once
// Matching of level and format names as people type them, and quoting them back in errors.

#include <string>
#include <string_view>

namespace gate::log::detail {

/// `typed` equals `name` (lower case) ignoring case and surrounding spaces.
bool same_name(std::string_view typed, std::string_view name) noexcept;
/// `text` in double quotes, control characters escaped, cut after 40 characters.
std::string quote(std::string_view text);

}  // namespace gate::log::detail
