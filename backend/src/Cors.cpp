#include "Cors.h"

#include <algorithm>

#include "ApiSupport.h"

namespace gate::backend {

namespace {

bool allowed(const std::string& origin, const std::vector<std::string>& origins) {
    return std::any_of(origins.begin(), origins.end(),
                       [&](const std::string& o) { return o == "*" || o == origin; });
}

}  // namespace

std::optional<Response> cors_preflight(const Request& request,
                                       const std::vector<std::string>& origins) {
    if (request.method != Method::Options || !request.header("Origin") ||
        !request.header("Access-Control-Request-Method"))
        return std::nullopt;
    const auto origin = request.header("Origin");
    if (!allowed(*origin, origins))
        return error_response(ApiError{403, "cors_origin_not_allowed",
                                       "this origin may not call the API from a browser "
                                       "(server.cors_origins)"});
    Response response;
    response.status = 204;
    response.content_type.clear();
    response.headers.set("Access-Control-Allow-Origin", *origin);
    response.headers.set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE");
    response.headers.set("Access-Control-Allow-Headers",
                         "Authorization, Content-Type, Idempotency-Key, If-None-Match");
    response.headers.set("Access-Control-Max-Age", "600");
    response.headers.set("Vary", "Origin");
    return response;
}

void add_cors_headers(const std::string& origin, const std::vector<std::string>& origins,
                      Response& response) {
    if (!allowed(origin, origins)) return;
    response.headers.set("Access-Control-Allow-Origin", origin);
    response.headers.set("Access-Control-Expose-Headers",
                         "Retry-After, Idempotent-Replayed, ETag, Location");
    response.headers.set("Vary", "Origin");
}

}  // namespace gate::backend
