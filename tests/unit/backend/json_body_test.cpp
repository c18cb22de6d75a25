// Field-by-field validation of request bodies.
#include <doctest/doctest.h>

#include "gate/backend/JsonBody.h"

using namespace gate::backend;

TEST_CASE("malformed JSON and non-objects are refused before any field") {
    auto bad = JsonBody::parse("{\"name\": ");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "malformed_json");
    auto array = JsonBody::parse("[1, 2]");
    REQUIRE_FALSE(array.ok());
    CHECK(array.error().code == "not_an_object");
}

TEST_CASE("every failing field is reported in one answer") {
    auto body = JsonBody::parse(R"({"name": 5, "venue": "", "capacity": 0, "price": 1.5})");
    REQUIRE(body.ok());
    CHECK_FALSE(body->text("name", Need::Required, 100).has_value());
    CHECK_FALSE(body->text("venue", Need::Required, 100).has_value());
    CHECK_FALSE(body->integer("capacity", Need::Required, 1, 100000).has_value());
    CHECK_FALSE(body->integer("price", Need::Required, 0, 100).has_value());
    CHECK_FALSE(body->text("missing", Need::Required, 10).has_value());
    CHECK_FALSE(body->text("optional", Need::Optional, 10).has_value());
    auto done = body->finish();
    REQUIRE_FALSE(done.ok());
    const auto& e = done.error();
    CHECK(e.status == 400);
    CHECK(e.code == "validation_failed");
    REQUIRE(e.fields.size() == 5);
    CHECK(e.fields[0].field == "name");
    CHECK(e.fields[0].code == "wrong_type");
    CHECK(e.fields[1].code == "too_short");
    CHECK(e.fields[2].code == "out_of_range");
    CHECK(e.fields[3].code == "wrong_type");
    CHECK(e.fields[4].code == "missing");
}

TEST_CASE("text length counts characters, not bytes, and refuses invalid UTF-8") {
    std::string hundred_umlauts;
    for (int i = 0; i < 100; ++i)
        hundred_umlauts += "\xC3\xBC";
    auto body = JsonBody::parse(
        nlohmann::json{{"ok", hundred_umlauts}, {"long", hundred_umlauts + "x"}}.dump());
    REQUIRE(body.ok());
    CHECK(body->text("ok", Need::Required, 100) == hundred_umlauts);
    CHECK_FALSE(body->text("long", Need::Required, 100).has_value());
    CHECK(body->finish().error().fields.at(0).code == "too_long");
}

TEST_CASE("huge integers are out of range, not wrapped") {
    auto body = JsonBody::parse(R"({"n": 18446744073709551615, "m": -1})");
    REQUIRE(body.ok());
    CHECK_FALSE(body->integer("n", Need::Required, 0, 100).has_value());
    CHECK_FALSE(body->integer("m", Need::Required, 0, 100).has_value());
    CHECK(body->finish().error().fields.size() == 2);
}
