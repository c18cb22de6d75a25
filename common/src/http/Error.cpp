#include "gate/http/Error.h"

namespace gate::http {

bool Error::retryable() const noexcept {
    switch (kind) {
        case Kind::Network:
        case Kind::Timeout:
            return true;
        case Kind::HttpStatus:
            // 429 asks us to come back later; 5xx is the server's trouble, not ours.
            return status == 429 || (status >= 500 && status <= 599);
        case Kind::InvalidRequest:
        case Kind::Tls:
        case Kind::TooLarge:
        case Kind::BadResponse:
            return false;
    }
    return false;
}

std::string_view to_string(Error::Kind kind) noexcept {
    switch (kind) {
        case Error::Kind::InvalidRequest:
            return "invalid request";
        case Error::Kind::Network:
            return "network";
        case Error::Kind::Timeout:
            return "timeout";
        case Error::Kind::Tls:
            return "tls";
        case Error::Kind::TooLarge:
            return "too large";
        case Error::Kind::BadResponse:
            return "bad response";
        case Error::Kind::HttpStatus:
            return "http status";
    }
    return "unknown";
}

std::string to_string(const Error& error) {
    std::string out(to_string(error.kind));
    out += ": ";
    out += error.message;
    return out;
}

}  // namespace gate::http
