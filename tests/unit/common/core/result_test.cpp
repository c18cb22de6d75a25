#include "gate/Result.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using gate::fail;
using gate::Result;
using gate::Status;

namespace {

Result<int, std::string> parse_digit(char c) {
    if (c < '0' || c > '9') return fail(std::string("not a digit: ") + c);
    return c - '0';
}

Status<std::string> check_positive(int v) {
    if (v <= 0) return fail(std::string("not positive"));
    return {};
}

}  // namespace

TEST_CASE("a result holds either its value or its error") {
    auto ok = parse_digit('7');
    REQUIRE(ok.ok());
    CHECK(static_cast<bool>(ok));
    CHECK(*ok == 7);
    CHECK(ok.value_or(-1) == 7);

    auto bad = parse_digit('x');
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == "not a digit: x");
    CHECK(bad.value_or(-1) == -1);
}

TEST_CASE("a result can carry a move-only value out") {
    Result<std::unique_ptr<int>, int> r = std::make_unique<int>(5);
    REQUIRE(r.ok());
    std::unique_ptr<int> p = std::move(r).value();
    CHECK(*p == 5);
}

TEST_CASE("a result of a struct gives member access through the arrow") {
    struct Point {
        int x, y;
    };
    Result<Point, int> r = Point{1, 2};
    CHECK(r->y == 2);
    r->y = 3;
    CHECK(r.value().y == 3);
}

TEST_CASE("a status is success by default and carries an error when failed") {
    CHECK(check_positive(1).ok());
    CHECK(Status<std::string>::success().ok());
    auto s = check_positive(0);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error() == "not positive");
}
