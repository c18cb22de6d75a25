#include "gate/Result.h"

#include <doctest/doctest.h>
TEST_CASE("result holds value or error") {
    gate::Result<int, std::string> r = 3;
    CHECK(r.ok());
    gate::Result<int, std::string> e = gate::fail(std::string("x"));
    CHECK(!e.ok());
}
