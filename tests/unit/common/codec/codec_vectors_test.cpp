// Known-answer vectors from the codecs' specifications: RFC 4648 (base64url),
// RFC 9285 (base45), draft-msporny-base58 and Solana's well-known program ids.
#include <doctest/doctest.h>

#include <string>

#include "gate/codec/Base45.h"
#include "gate/codec/Base58.h"
#include "gate/codec/Base64Url.h"
#include "gate/codec/Hex.h"

using namespace gate;
using namespace gate::codec;

namespace {

Bytes bytes_of(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

std::string text_of(const Bytes& b) {
    return std::string(b.begin(), b.end());
}

}  // namespace

TEST_CASE("hex encodes lower case and decodes either case") {
    const Bytes data{0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    CHECK(hex_encode(data) == "00017f80abff");
    auto lower = hex_decode("00017f80abff");
    REQUIRE(lower.ok());
    CHECK(*lower == data);
    auto upper = hex_decode("00017F80ABFF");
    REQUIRE(upper.ok());
    CHECK(*upper == data);
    CHECK(hex_encode({}).empty());
    CHECK(hex_decode("")->empty());
}

TEST_CASE("hex rejects odd length and foreign characters with the offset") {
    auto odd = hex_decode("abc");
    REQUIRE_FALSE(odd.ok());
    CHECK(odd.error() == CodecError{CodecErrorKind::InvalidLength, 3});
    auto bad = hex_decode("0g");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == CodecError{CodecErrorKind::InvalidCharacter, 1});
    CHECK(bad.error().message() == "invalid character at offset 1");
    CHECK_FALSE(hex_decode(" 00").ok());
}

TEST_CASE("base64url matches the RFC 4648 test vectors without padding") {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        CAPTURE(plain);
        CHECK(base64url_encode(bytes_of(plain)) == encoded);
        auto back = base64url_decode(encoded);
        REQUIRE(back.ok());
        CHECK(text_of(*back) == plain);
    }
}

TEST_CASE("base64url uses the URL-safe alphabet") {
    const Bytes data{0xfb, 0xff, 0xbf};
    CHECK(base64url_encode(data) == "-_-_");
    CHECK(*base64url_decode("-_-_") == data);
}

TEST_CASE("base64url decoding is strict") {
    SUBCASE("padding is not accepted") {
        CHECK(base64url_decode("Zg==").error().kind == CodecErrorKind::InvalidCharacter);
    }
    SUBCASE("standard-alphabet characters are not accepted") {
        CHECK(base64url_decode("+/+/").error() == CodecError{CodecErrorKind::InvalidCharacter, 0});
    }
    SUBCASE("a lone trailing character is an invalid length") {
        CHECK(base64url_decode("Zm9vY").error().kind == CodecErrorKind::InvalidLength);
    }
    SUBCASE("non-zero unused bits are non-canonical") {
        // "Zh" would decode to "f" too, but the encoder only ever writes "Zg".
        CHECK(base64url_decode("Zh").error().kind == CodecErrorKind::NonCanonical);
    }
}

TEST_CASE("base58 matches the draft-msporny-base58 vectors") {
    CHECK(base58_encode(bytes_of("Hello World!")) == "2NEpo7TZRRrLZSi2U");
    CHECK(base58_encode(bytes_of("The quick brown fox jumps over the lazy dog.")) ==
          "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
    const Bytes leading_zeros{0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd};
    CHECK(base58_encode(leading_zeros) == "11233QC4");
    CHECK(*base58_decode("11233QC4") == leading_zeros);
    CHECK(text_of(*base58_decode("2NEpo7TZRRrLZSi2U")) == "Hello World!");
}

TEST_CASE("base58 round-trips Solana program ids") {
    // The system program is 32 zero bytes; every zero byte becomes a '1'.
    const Bytes zeros(32, 0);
    CHECK(base58_encode(zeros) == std::string(32, '1'));
    CHECK(*base58_decode(std::string(32, '1')) == zeros);

    // The SPL Token program id, a well-known 32-byte key.
    auto token = base58_decode("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    REQUIRE(token.ok());
    CHECK(token->size() == 32);
    CHECK(hex_encode(*token) == "06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9");
    CHECK(base58_encode(*token) == "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
}

TEST_CASE("base58 rejects characters outside the alphabet") {
    // 0, O, I and l are left out of the alphabet because they look alike.
    for (const char* bad : {"0", "O", "I", "l", "abc+", "ab c"}) {
        CAPTURE(bad);
        auto r = base58_decode(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == CodecErrorKind::InvalidCharacter);
    }
    CHECK(base58_decode("abcl").error().position == 3);
    CHECK(base58_decode("")->empty());
}

TEST_CASE("base45 matches the RFC 9285 examples") {
    const std::pair<const char*, const char*> vectors[] = {
        {"AB", "BB8"},
        {"Hello!!", "%69 VD92EX0"},
        {"base-45", "UJCLQE7W581"},
        {"ietf!", "QED8WEX0"},
        {"", ""},
    };
    for (const auto& [plain, encoded] : vectors) {
        CAPTURE(plain);
        CHECK(base45_encode(bytes_of(plain)) == encoded);
        auto back = base45_decode(encoded);
        REQUIRE(back.ok());
        CHECK(text_of(*back) == plain);
    }
    CHECK(base45_encoded_size(7) == 11);
    CHECK(base45_encoded_size(98) == 147);
}

TEST_CASE("base45 covers the extremes of each group") {
    const Bytes ff{0xff, 0xff};
    CHECK(base45_encode(ff) == "FGW");  // 65535 = 15 + 36*45 + 32*45^2
    CHECK(*base45_decode("FGW") == ff);
    const Bytes single{0xff};
    CHECK(base45_encode(single) == "U5");  // 255 = 30 + 5*45
    CHECK(*base45_decode("U5") == single);
}

TEST_CASE("base45 rejects malformed text") {
    SUBCASE("a group value above 65535") {
        // "GGW" = 16 + 16*45 + 32*45^2 = 65536.
        auto r = base45_decode("GGW");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == CodecError{CodecErrorKind::ValueOutOfRange, 0});
    }
    SUBCASE("a trailing pair above 255") {
        CHECK(base45_decode("BB8V5").error() == CodecError{CodecErrorKind::ValueOutOfRange, 3});
    }
    SUBCASE("a length of 3n+1") {
        CHECK(base45_decode("BB8B").error().kind == CodecErrorKind::InvalidLength);
    }
    SUBCASE("lower case and other characters outside the alphabet") {
        CHECK(base45_decode("bb8").error() == CodecError{CodecErrorKind::InvalidCharacter, 0});
        CHECK(base45_decode("BB#").error() == CodecError{CodecErrorKind::InvalidCharacter, 2});
    }
}

TEST_CASE("every codec round-trips every byte value and length") {
    Bytes data;
    for (int len = 0; len <= 300; ++len) {
        CAPTURE(len);
        REQUIRE(*hex_decode(hex_encode(data)) == data);
        REQUIRE(*base64url_decode(base64url_encode(data)) == data);
        REQUIRE(*base58_decode(base58_encode(data)) == data);
        REQUIRE(*base45_decode(base45_encode(data)) == data);
        // Mix zeros in so leading-zero handling is exercised at every length.
        data.push_back(static_cast<std::uint8_t>(len % 7 == 0 ? 0 : (len * 151) & 0xff));
    }
}
