// Parsing a JSON document without exceptions, saying where it broke.
#include "gate/json/Parse.h"

#include <doctest/doctest.h>

using namespace gate::jsonio;

TEST_CASE("a document parses") {
    auto doc = parse(R"({"a": [1, 2]})");
    REQUIRE(doc.ok());
    CHECK((*doc)["a"][1] == 2);
}

TEST_CASE("broken JSON says line and column") {
    auto doc = parse("{\n  \"a\": 1,\n  \"b\": ]\n}");
    REQUIRE_FALSE(doc.ok());
    CHECK(doc.error().line == 3);
    CHECK(doc.error().column == 8);
    CHECK(doc.error().message().starts_with("line 3, column 8: syntax error"));
}

TEST_CASE("comments only when asked for, and invalid UTF-8 never") {
    CHECK_FALSE(parse("{/* c */}").ok());
    CHECK(parse("{/* c */}", {.allow_comments = true}).ok());
    CHECK_FALSE(parse("\"\xFF\"").ok());
    CHECK_FALSE(parse("").ok());
    CHECK_FALSE(parse("{} trailing").ok());
}
