#pragma once
// http::Error: why an outbound HTTP call produced no usable response, classified so
// callers (gate-syncd above all) can decide between retrying with backoff and giving up.

#include <string>
#include <string_view>

namespace gate::http {

struct Error {
    enum class Kind {
        InvalidRequest,  // bad URL, scheme other than http/https, bad header: fix the caller
        Network,         // DNS failure, connection refused or reset, peer hung up
        Timeout,         // connect, total or low-speed limit hit
        Tls,             // handshake failed or the certificate did not verify
        TooLarge,        // response exceeded ClientOptions::max_response_bytes
        BadResponse,     // the server answered, but not with something usable (e.g. bad JSON)
        HttpStatus,      // a 4xx/5xx that the caller asked to treat as an error
    };

    Kind kind = Kind::Network;
    /// Says what failed and where (method and URL). Never holds the Authorization header,
    /// URL credentials or the query string.
    std::string message;
    /// HTTP status if a response arrived, 0 otherwise.
    int status = 0;

    /// True when the same request may succeed later: network trouble, timeouts, 5xx and 429.
    bool retryable() const noexcept;
};

std::string_view to_string(Error::Kind kind) noexcept;
/// One line for logs, e.g. "timeout: GET https://api.example/v1/entries: ...".
std::string to_string(const Error& error);

}  // namespace gate::http
