#pragma once
// Response: what the server answered. Any status the server sent, 4xx and 5xx included,
// arrives here; only expect_success() makes those an Error.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "gate/Result.h"
#include "gate/http/Error.h"
#include "gate/http/Headers.h"

namespace gate::http {

struct Response {
    int status = 0;
    Headers headers;
    std::string body;
    /// Wall time of the whole exchange, connection set-up included.
    std::chrono::milliseconds elapsed{0};
    /// The request URL without credentials or query string, for messages.
    std::string url;

    bool success() const noexcept { return status >= 200 && status < 300; }

    /// The body parsed as JSON; a parse failure is a BadResponse error, never an exception.
    Result<nlohmann::json, Error> json() const;
};

/// Passes a 2xx response through and turns any other status into an HttpStatus error,
/// so `expect_success(client.get(url))` reads as "this must have worked".
Result<Response, Error> expect_success(Result<Response, Error> result);

}  // namespace gate::http
