// One table of names per enum: written by nlohmann's ADL hook, read back only exactly.
#include <doctest/doctest.h>

#include "gate/json/WireEnum.h"

namespace demo {
enum class Color { Red, DarkBlue };
GATE_WIRE_ENUM(Color, {{Color::Red, "red"}, {Color::DarkBlue, "dark_blue"}})
}  // namespace demo

using demo::Color;
using namespace gate::jsonio;

TEST_CASE("names come from the one table, both ways") {
    CHECK(to_string(Color::DarkBlue) == "dark_blue");
    CHECK(from_string<Color>("red") == Color::Red);
    CHECK(allowed_names<Color>() == "red, dark_blue");
}

TEST_CASE("nothing but the exact name is read") {
    CHECK_FALSE(from_string<Color>("Red").has_value());
    CHECK_FALSE(from_string<Color>(" red").has_value());
    CHECK_FALSE(from_string<Color>("").has_value());
    CHECK_FALSE(from_string<Color>("0").has_value());
}

TEST_CASE("nlohmann writes the name, in records and arrays alike") {
    nlohmann::json j = Color::DarkBlue;
    CHECK(j == "dark_blue");
    nlohmann::json list = std::vector<Color>{Color::Red, Color::DarkBlue};
    CHECK(list.dump() == R"(["red","dark_blue"])");
    CHECK(to_string(static_cast<Color>(7)).empty());  // a cast integer has no name
}
