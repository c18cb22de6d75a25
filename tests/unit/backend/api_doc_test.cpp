// Keeps the API's descriptions honest: every route the router serves has a
// "### METHOD /path" heading in docs/api.md and an operation in the OpenAPI document it
// serves (docs/openapi.json), and neither describes a route that does not exist.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "BackendFixture.h"

using namespace gate::test;

TEST_CASE("docs/api.md lists exactly the routes the router serves") {
    Backend b;
    std::set<std::string> served;
    for (const auto& route : b.app->router().routes())
        served.insert(std::string(gate::backend::to_string(route.method)) + " " + route.pattern);

    std::ifstream file(GATE_API_DOC);
    REQUIRE(file.good());
    std::set<std::string> documented;
    const std::regex heading(R"(^### (GET|POST|PUT|PATCH|DELETE) (/\S*)\s*$)");
    std::string line;
    while (std::getline(file, line)) {
        std::smatch m;
        if (std::regex_match(line, m, heading)) documented.insert(m[1].str() + " " + m[2].str());
    }
    for (const auto& route : served) {
        CAPTURE(route);
        CHECK_MESSAGE(documented.count(route) == 1, "route missing from docs/api.md");
    }
    for (const auto& route : documented) {
        CAPTURE(route);
        CHECK_MESSAGE(served.count(route) == 1,
                      "docs/api.md documents a route that does not exist");
    }
    CHECK(served.size() >= 25);
}

namespace {
std::set<std::string> served_routes(const Backend& b) {
    std::set<std::string> served;
    for (const auto& route : b.app->router().routes())
        served.insert(std::string(gate::backend::to_string(route.method)) + " " + route.pattern);
    return served;
}
}  // namespace

TEST_CASE("the OpenAPI document ticket-api serves describes exactly the routes it serves") {
    Backend b;
    auto r = b.call(Method::Get, "/api/v1/openapi.json");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/json");
    const json spec = json::parse(r.body);
    CHECK(spec["openapi"].get<std::string>().rfind("3.1", 0) == 0);
    std::set<std::string> described;
    for (const auto& [path, item] : spec["paths"].items())
        for (const auto& [key, operation] : item.items()) {
            std::string method = key;
            for (auto& c : method)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (gate::http::method_from(method)) described.insert(method + " " + path);
        }
    const auto served = served_routes(b);
    for (const auto& route : served) {
        CAPTURE(route);
        CHECK_MESSAGE(described.count(route) == 1, "route missing from docs/openapi.json");
    }
    for (const auto& route : described) {
        CAPTURE(route);
        CHECK_MESSAGE(served.count(route) == 1,
                      "docs/openapi.json describes a route that does not exist");
    }
}

TEST_CASE("the OpenAPI document carries an ETag, and a client that has it gets a 304") {
    Backend b;
    auto first = b.call(Method::Get, "/api/v1/openapi.json");
    REQUIRE(first.status == 200);
    const auto etag = first.headers.get("ETag");
    REQUIRE(etag.has_value());
    CHECK(etag->front() == '"');
    auto again = b.call_with(Method::Get, "/api/v1/openapi.json", "", {{"If-None-Match", *etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.headers.get("ETag") == etag);
    auto listed = b.call_with(Method::Get, "/api/v1/openapi.json", "",
                              {{"If-None-Match", "\"old\", W/" + *etag}});
    CHECK(listed.status == 304);
    auto stale =
        b.call_with(Method::Get, "/api/v1/openapi.json", "", {{"If-None-Match", "\"old\""}});
    CHECK(stale.status == 200);
    CHECK(stale.body == first.body);
}
