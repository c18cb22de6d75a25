#pragma once
// The HTTP exchange as plain data: what a handler receives and returns. The transport
// (Server) fills these from Beast messages; tests build them directly, without a socket.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "gate/http/Headers.h"
#include "gate/http/Method.h"

namespace gate::backend {

using http::Method;
using http::to_string;

using Params = std::map<std::string, std::string, std::less<>>;

struct Request {
    Method method = Method::Get;
    std::string path;  ///< decoded path, without the query string
    Params query;      ///< decoded query parameters (the last of a repeated name wins)
    http::Headers headers;
    std::string body;
    std::string remote;  ///< peer address, for per-client limits and logs
    Params params;       ///< path parameters, filled by the router

    std::optional<std::string> header(std::string_view name) const { return headers.get(name); }
    /// The token of "Authorization: Bearer <token>", if the request carries one.
    std::optional<std::string> bearer() const;
    /// A path parameter the matched route declares ("" if absent).
    std::string_view param(std::string_view name) const;
    /// A query parameter, if present.
    std::optional<std::string_view> query_value(std::string_view name) const;
};

/// Builds a Request from a request target ("/api/v1/events?limit=5"); a malformed
/// percent escape is kept literally rather than guessed.
Request make_request(Method method, std::string_view target, std::string body = {},
                     http::Headers headers = {});

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    http::Headers headers;  ///< extra fields (Retry-After, Allow, Cache-Control ...)

    /// The body as JSON (for tests); a non-JSON body yields a discarded value.
    nlohmann::json json() const;
};

Response json_response(int status, const nlohmann::json& body);

/// Percent-decodes `text`; '+' becomes a space when `plus_is_space`.
std::string percent_decode(std::string_view text, bool plus_is_space);
/// Percent-encodes everything but unreserved characters (RFC 3986).
std::string percent_encode(std::string_view text);

}  // namespace gate::backend
