#pragma once
// Conditional GET (RFC 9110): an answer carries an ETag, a strong validator made from its
// body, and a request whose If-None-Match names it gets 304 with no body: a client that
// polls a list it already has pays for neither the body nor its transfer.

#include <string>
#include <string_view>

#include "gate/backend/Http.h"

namespace gate::backend {

/// A quoted tag that changes whenever `body` does.
std::string etag_of(std::string_view body);

/// Whether the request's If-None-Match names `etag` (weakly compared) or is "*".
bool client_has(const Request& request, const std::string& etag);

/// 200 with `body`, or 304 when the client has it; both carry the ETag and
/// `cache_control`.
Response conditional_answer(const Request& request, const std::string& etag, std::string body,
                            std::string_view cache_control, std::string content_type);

}  // namespace gate::backend
