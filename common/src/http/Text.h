#pragma once
// Text helpers for error messages: server-supplied text is shortened and made printable,
// and secrets are cut out before a message leaves the HTTP client.

#include <cstddef>
#include <string>
#include <string_view>

namespace gate::http::detail {

/// At most `max_bytes` of `text`, control bytes replaced by '?', "..." if shortened.
std::string printable_excerpt(std::string_view text, std::size_t max_bytes);

/// Replaces every occurrence of `secret` (if non-empty) in `message` with "[redacted]".
void scrub(std::string& message, std::string_view secret);

}  // namespace gate::http::detail
