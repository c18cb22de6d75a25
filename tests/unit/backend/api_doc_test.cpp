// Keeps docs/api.md honest: every route the router serves has a "### METHOD /path"
// heading, and every such heading names a route that exists.
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
