// Headers: case-insensitive names, replace versus append.
#include "gate/http/Headers.h"

#include <doctest/doctest.h>

using gate::http::Headers;

TEST_CASE("header names compare case-insensitively") {
    Headers headers{{"Content-Type", "application/json"}};
    CHECK(headers.get("content-type") == "application/json");
    CHECK(headers.get("CONTENT-TYPE") == "application/json");
    CHECK(headers.contains("Content-type"));
    CHECK_FALSE(headers.get("Content-Length").has_value());
    CHECK_FALSE(headers.contains("Content-Typ"));
}

TEST_CASE("add appends, set replaces every field of the name, remove drops them") {
    Headers headers;
    headers.add("Set-Cookie", "a=1");
    headers.add("set-cookie", "b=2");
    CHECK(headers.size() == 2);
    CHECK(headers.get("Set-Cookie") == "a=1");

    headers.set("SET-COOKIE", "c=3");
    CHECK(headers.size() == 1);
    CHECK(headers.get("set-cookie") == "c=3");

    headers.remove("Set-cookie");
    CHECK(headers.empty());
}

TEST_CASE("headers keep their insertion order") {
    Headers headers{{"A", "1"}, {"B", "2"}, {"C", "3"}};
    std::string order;
    for (const auto& [name, value] : headers)
        order += name + value;
    CHECK(order == "A1B2C3");
}
