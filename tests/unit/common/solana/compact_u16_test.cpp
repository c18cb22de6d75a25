// compact-u16 against the runtime's own short_vec test table.
#include <doctest/doctest.h>

#include <string>

#include "gate/codec/Hex.h"
#include "gate/solana/CompactU16.h"

using namespace gate;
using namespace gate::solana;

TEST_CASE("compact-u16 encodes the runtime's reference values") {
    const std::pair<std::uint16_t, const char*> table[] = {
        {0x0000, "00"},   {0x007f, "7f"},     {0x0080, "8001"},
        {0x00ff, "ff01"}, {0x0100, "8002"},   {0x07ff, "ff0f"},
        {0x3fff, "ff7f"}, {0x4000, "808001"}, {0xffff, "ffff03"},
    };
    for (const auto& entry : table) {
        const std::uint16_t value = entry.first;
        const std::string hex = entry.second;
        CAPTURE(value);
        Bytes out;
        append_compact_u16(out, value);
        CHECK(codec::hex_encode(out) == hex);
        CHECK(compact_u16_size(value) == out.size());
        const auto back = read_compact_u16(out);
        REQUIRE(back);
        CHECK(back->value == value);
        CHECK(back->size == out.size());
    }
}

TEST_CASE("compact-u16 decoding stops at the first byte without the continuation bit") {
    const Bytes in{0x05, 0xff, 0xff};
    const auto v = read_compact_u16(in);
    REQUIRE(v);
    CHECK(v->value == 5);
    CHECK(v->size == 1);
}

TEST_CASE("compact-u16 rejects truncated, oversized and non-canonical input") {
    SUBCASE("empty") {
        CHECK_FALSE(read_compact_u16({}));
    }
    SUBCASE("truncated") {
        const Bytes in{0x80};
        const auto v = read_compact_u16(in);
        REQUIRE_FALSE(v);
        CHECK(v.error().kind == Error::Kind::Malformed);
    }
    SUBCASE("above 65535") {
        const Bytes in{0x80, 0x80, 0x04};
        CHECK_FALSE(read_compact_u16(in));
    }
    SUBCASE("four bytes") {
        const Bytes in{0x80, 0x80, 0x80, 0x00};
        CHECK_FALSE(read_compact_u16(in));
    }
    SUBCASE("alias with a trailing zero byte") {
        const Bytes two{0x80, 0x00};
        const Bytes three{0x80, 0x80, 0x00};
        CHECK_FALSE(read_compact_u16(two));
        CHECK_FALSE(read_compact_u16(three));
    }
}
