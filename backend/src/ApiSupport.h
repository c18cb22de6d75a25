#pragma once
// Helpers the route files share: authentication, roles, ids, hashing and JSON views.

#include <charconv>
#include <optional>
#include <string>

#include "gate/backend/Api.h"
#include "gate/backend/ApiError.h"
#include "gate/backend/JsonBody.h"

namespace gate::backend {

/// A handler body that returns either a response or an error.
template <class Fn>
Handler handler(Fn fn) {
    return [fn = std::move(fn)](Request& request) -> Response {
        ApiResult<Response> result = fn(request);
        if (!result.ok()) return error_response(result.error());
        return std::move(result).value();
    };
}

/// Hex of SHA-256: how tokens, nonces and codes are stored (never in the clear).
std::string hash_hex(std::string_view secret);

/// The caller behind the bearer token; 401 when there is none or it expired.
ApiResult<Principal> authenticate(Services& s, const Request& request);
/// Like authenticate, and 403 unless the caller has one of the roles.
ApiResult<Principal> require_role(Services& s, const Request& request,
                                  const std::vector<Role>& roles);

/// A positive decimal id from a path parameter; 404 for anything else.
ApiResult<std::int64_t> path_id(const Request& request, std::string_view name,
                                std::string_view what);

/// 429 with Retry-After when `key` is over `rule`.
ApiStatus check_rate(Services& s, const std::string& key, const RateRule& rule);

nlohmann::json event_json(const Event& event);
nlohmann::json ticket_json(const Ticket& ticket, const Services& s);

std::optional<std::int64_t> parse_int(std::string_view text);

}  // namespace gate::backend
