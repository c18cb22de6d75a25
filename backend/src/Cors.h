#pragma once
// CORS: lets pages served from the origins in server.cors_origins call the API from a
// browser. A preflight (OPTIONS with Access-Control-Request-Method) is answered here; every
// other answer to an allowed origin says so in its headers. Other origins get no CORS
// headers, so browsers keep their pages from reading the answers (the API itself does not
// change: its tokens travel in Authorization, never in cookies a browser adds by itself).

#include <optional>
#include <string>
#include <vector>

#include "gate/backend/Http.h"

namespace gate::backend {

/// The answer to `request` if it is a CORS preflight, else nullopt.
std::optional<Response> cors_preflight(const Request& request,
                                       const std::vector<std::string>& origins);

/// Adds the CORS headers to `response` when `origin` (the request's Origin) is allowed.
void add_cors_headers(const std::string& origin, const std::vector<std::string>& origins,
                      Response& response);

}  // namespace gate::backend
