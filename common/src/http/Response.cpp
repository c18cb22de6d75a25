#include "gate/http/Response.h"

#include "Text.h"

namespace gate::http {

Result<nlohmann::json, Error> Response::json() const {
    try {
        return nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception& e) {
        // e.what() names the byte offset, which is what one needs to find the fault.
        return fail(Error{Error::Kind::BadResponse,
                          "response from " + url + " (HTTP " + std::to_string(status) +
                              ") is not valid JSON: " + detail::printable_excerpt(e.what(), 200),
                          status});
    }
}

Result<Response, Error> expect_success(Result<Response, Error> result) {
    if (!result.ok() || result->success()) return result;
    const Response& response = *result;
    std::string message = response.url + " answered HTTP " + std::to_string(response.status);
    if (!response.body.empty()) {
        message += ": ";
        message += detail::printable_excerpt(response.body, 200);
    }
    return fail(Error{Error::Kind::HttpStatus, std::move(message), response.status});
}

}  // namespace gate::http
