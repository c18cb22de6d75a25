// The router and the HTTP value types: dispatch, path parameters, 404/405, failures as JSON.
#include "gate/backend/Router.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "gate/backend/ApiError.h"

using namespace gate::backend;

namespace {
Router sample_router() {
    Router router;
    router.add(Method::Get, "/api/v1/events/{id}", [](Request& r) {
        return json_response(200, {{"id", std::string(r.param("id"))}});
    });
    router.add(Method::Post, "/api/v1/events/{id}",
               [](Request&) { return json_response(201, {}); });
    router.add(Method::Get, "/boom", [](Request&) -> Response { throw std::runtime_error("bug"); });
    return router;
}
}  // namespace

TEST_CASE("a route with a parameter receives the path segment") {
    auto response = sample_router().handle(make_request(Method::Get, "/api/v1/events/42"));
    CHECK(response.status == 200);
    CHECK(response.json()["id"] == "42");
}

TEST_CASE("an unknown path is a JSON 404") {
    auto response = sample_router().handle(make_request(Method::Get, "/api/v1/nothing"));
    CHECK(response.status == 404);
    CHECK(response.json()["error"]["code"] == "not_found");
}

TEST_CASE("a known path with another method is 405 naming the allowed methods") {
    auto response = sample_router().handle(make_request(Method::Delete, "/api/v1/events/1"));
    CHECK(response.status == 405);
    CHECK(response.json()["error"]["code"] == "method_not_allowed");
    CHECK(response.headers.get("Allow") == "GET, POST");
}

TEST_CASE("a handler that throws becomes a JSON 500 without details") {
    auto response = sample_router().handle(make_request(Method::Get, "/boom"));
    CHECK(response.status == 500);
    CHECK(response.json()["error"]["code"] == "internal");
    CHECK(response.body.find("bug") == std::string::npos);
}

TEST_CASE("HEAD is served by the GET route without a body") {
    auto response = sample_router().handle(make_request(Method::Head, "/api/v1/events/7"));
    CHECK(response.status == 200);
    CHECK(response.body.empty());
}

TEST_CASE("request targets are split into a decoded path and query") {
    auto r = make_request(Method::Get, "/api/v1/events?q=rock%20%26+roll&limit=5&bad=%zz");
    CHECK(r.path == "/api/v1/events");
    CHECK(r.query_value("q") == "rock & roll");
    CHECK(r.query_value("limit") == "5");
    CHECK(r.query_value("bad") == "%zz");
    CHECK_FALSE(r.query_value("offset").has_value());
}

TEST_CASE("the bearer token is read case-insensitively and only from Bearer") {
    auto r = make_request(Method::Get, "/", {}, {{"authorization", "bearer abc"}});
    CHECK(r.bearer() == "abc");
    auto basic = make_request(Method::Get, "/", {}, {{"Authorization", "Basic abc"}});
    CHECK_FALSE(basic.bearer().has_value());
}

TEST_CASE("errors render as {error: {code, message}} with Retry-After when set") {
    ApiError limited{429, "rate_limited", "slow down", {}, 7};
    auto response = error_response(limited);
    CHECK(response.status == 429);
    CHECK(response.json()["error"]["code"] == "rate_limited");
    CHECK(response.json()["error"]["message"] == "slow down");
    CHECK(response.headers.get("Retry-After") == "7");
}
