// Error classification: what gate-syncd retries and what it gives up on.
#include "gate/http/Error.h"

#include <doctest/doctest.h>

using gate::http::Error;
using Kind = Error::Kind;

TEST_CASE("retryable covers transient failures only") {
    CHECK(Error{Kind::Network, "", 0}.retryable());
    CHECK(Error{Kind::Timeout, "", 0}.retryable());
    CHECK(Error{Kind::HttpStatus, "", 500}.retryable());
    CHECK(Error{Kind::HttpStatus, "", 503}.retryable());
    CHECK(Error{Kind::HttpStatus, "", 429}.retryable());

    CHECK_FALSE(Error{Kind::HttpStatus, "", 400}.retryable());
    CHECK_FALSE(Error{Kind::HttpStatus, "", 401}.retryable());
    CHECK_FALSE(Error{Kind::HttpStatus, "", 404}.retryable());
    CHECK_FALSE(Error{Kind::HttpStatus, "", 409}.retryable());
    CHECK_FALSE(Error{Kind::InvalidRequest, "", 0}.retryable());
    CHECK_FALSE(Error{Kind::Tls, "", 0}.retryable());
    CHECK_FALSE(Error{Kind::TooLarge, "", 0}.retryable());
    CHECK_FALSE(Error{Kind::BadResponse, "", 200}.retryable());
}

TEST_CASE("to_string names the kind and keeps the message") {
    const Error error{Kind::Timeout, "GET http://h/x: timed out", 0};
    CHECK(gate::http::to_string(error) == "timeout: GET http://h/x: timed out");
    CHECK(gate::http::to_string(Kind::InvalidRequest) == "invalid request");
    CHECK(gate::http::to_string(Kind::HttpStatus) == "http status");
}
