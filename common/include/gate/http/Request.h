#pragma once
// Request: one outbound HTTP call as plain data, handed to Client::send.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "gate/http/Headers.h"
#include "gate/http/Method.h"

namespace gate::http {

struct Request {
    Method method = Method::Get;
    /// Absolute http:// or https:// URL; any other scheme is an InvalidRequest error.
    std::string url;
    /// Sent after the client's default headers; a field here replaces a default of that name.
    Headers headers;
    /// Must be empty for GET and HEAD.
    std::string body;
    /// Overrides ClientOptions::timeout for this call; zero means no total limit (the
    /// low-speed abort still applies).
    std::optional<std::chrono::milliseconds> timeout;
    /// Turn a 4xx/5xx answer into an Error of kind HttpStatus instead of a Response.
    bool expect_success = false;
};

}  // namespace gate::http
