// Known-answer tests from RFC 8032 (Ed25519), FIPS 180-2 (SHA-256) and
// RFC 7693 (BLAKE2b), plus the behaviour around them.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

#include "gate/codec/Hex.h"
#include "gate/crypto/Ed25519.h"
#include "gate/crypto/Hash.h"
#include "gate/crypto/Random.h"
#include "gate/crypto/SecretBox.h"

using namespace gate;
using namespace gate::crypto;

namespace {

Bytes unhex(std::string_view h) {
    return codec::hex_decode(h).value();
}

KeyPair from_seed_hex(std::string_view h) {
    const Bytes seed = unhex(h);
    return KeyPair::from_seed(std::span<const std::uint8_t, 32>(seed.data(), 32));
}

}  // namespace

TEST_CASE("Ed25519 matches the RFC 8032 test vectors") {
    SUBCASE("test 1: empty message") {
        const auto kp =
            from_seed_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        CHECK(codec::hex_encode(kp.public_key().bytes) ==
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        const auto sig = kp.sign({});
        CHECK(codec::hex_encode(sig.bytes) ==
              "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61"
              "e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        CHECK(verify(kp.public_key(), {}, sig));
    }
    SUBCASE("test 2: one-byte message") {
        const auto kp =
            from_seed_hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        CHECK(codec::hex_encode(kp.public_key().bytes) ==
              "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        const Bytes msg{0x72};
        const auto sig = kp.sign(msg);
        CHECK(codec::hex_encode(sig.bytes) ==
              "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458"
              "f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
        CHECK(verify(kp.public_key(), msg, sig));
    }
}

TEST_CASE("a signature fails for another message, another key or a flipped bit") {
    const auto kp = KeyPair::generate();
    const auto other = KeyPair::generate();
    const auto msg = as_bytes("admit one");
    const auto sig = kp.sign(msg);
    REQUIRE(verify(kp.public_key(), msg, sig));
    CHECK_FALSE(verify(kp.public_key(), as_bytes("admit two"), sig));
    CHECK_FALSE(verify(other.public_key(), msg, sig));
    for (std::size_t bit = 0; bit < 512; bit += 37) {
        auto bad = sig;
        bad.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        CAPTURE(bit);
        CHECK_FALSE(verify(kp.public_key(), msg, bad));
    }
}

TEST_CASE("the 64-byte secret is seed followed by public key") {
    const auto kp = KeyPair::generate();
    const auto secret = kp.secret();
    CHECK(std::equal(secret.begin() + 32, secret.end(), kp.public_key().bytes.begin()));

    auto again = KeyPair::from_secret(secret);
    REQUIRE(again.ok());
    CHECK(again->public_key() == kp.public_key());

    Bytes spliced(secret.begin(), secret.end());
    spliced[40] ^= 1;  // public half no longer belongs to the seed
    auto bad = KeyPair::from_secret(spliced);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == KeyError::InvalidSecret);
    CHECK(KeyPair::from_secret(Bytes(63, 1)).error() == KeyError::InvalidEncoding);
}

TEST_CASE("keys and signatures round-trip through base58") {
    const auto kp = KeyPair::generate();
    const std::string text = kp.public_key().to_base58();
    CHECK(text.size() >= 32);
    CHECK(text.size() <= 44);
    CHECK(*PublicKey::from_base58(text) == kp.public_key());

    const auto sig = kp.sign(as_bytes("x"));
    CHECK(*Signature::from_base58(sig.to_base58()) == sig);

    CHECK(PublicKey::from_base58("0OIl").error() == KeyError::InvalidEncoding);
    CHECK(PublicKey::from_base58("2NEpo7TZRRrLZSi2U").error() == KeyError::InvalidEncoding);
    CHECK(PublicKey::from_base58(std::string(200, '2')).error() == KeyError::InvalidEncoding);
}

TEST_CASE("moving a key pair wipes the source") {
    auto kp = KeyPair::generate();
    const auto pub = kp.public_key();
    KeyPair moved = std::move(kp);
    CHECK(moved.public_key() == pub);
    const auto s = kp.secret();  // NOLINT(bugprone-use-after-move): checking the wipe
    CHECK(std::all_of(s.begin(), s.end(), [](std::uint8_t b) { return b == 0; }));
}

TEST_CASE("SHA-256 matches FIPS 180-2 vectors, one-shot and incremental") {
    CHECK(codec::hex_encode(sha256({})) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(codec::hex_encode(sha256(as_bytes("abc"))) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    const auto expected = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    CHECK(codec::hex_encode(sha256(as_bytes(two_blocks))) == expected);
    Sha256 h;
    h.update(as_bytes(two_blocks.substr(0, 5))).update(as_bytes(two_blocks.substr(5)));
    CHECK(codec::hex_encode(h.finish()) == expected);
}

TEST_CASE("BLAKE2b matches RFC 7693 and the reference digests") {
    CHECK(codec::hex_encode(blake2b(as_bytes("abc"), 64)) ==
          "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5d"
          "e4533cc9518d38aa8dbf1925ab92386edd4009923");
    CHECK(codec::hex_encode(blake2b({}, 32)) ==
          "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    const Bytes key(32, 7);
    CHECK(blake2b(as_bytes("abc"), 32, key) != blake2b(as_bytes("abc"), 32));
    CHECK_THROWS_AS((void)blake2b(as_bytes("abc"), 8), std::invalid_argument);
    CHECK_THROWS_AS((void)blake2b(as_bytes("abc"), 32, Bytes(3, 1)), std::invalid_argument);
}

TEST_CASE("secretbox opens what it sealed and refuses tampering") {
    const auto key = SecretKey::generate();
    const auto secret = as_bytes("device token 1234");
    const Bytes sealed = secretbox_seal(key, secret);
    CHECK(sealed.size() == secret.size() + kSecretBoxOverhead);

    auto opened = secretbox_open(key, sealed);
    REQUIRE(opened.ok());
    CHECK(std::equal(opened->begin(), opened->end(), secret.begin(), secret.end()));

    // A fresh nonce each time: sealing twice never yields the same bytes.
    CHECK(secretbox_seal(key, secret) != sealed);

    SUBCASE("a flipped ciphertext bit") {
        Bytes bad = sealed;
        bad.back() ^= 0x01;
        CHECK(secretbox_open(key, bad).error() == OpenError::Forged);
    }
    SUBCASE("another key") {
        CHECK(secretbox_open(SecretKey::generate(), sealed).error() == OpenError::Forged);
    }
    SUBCASE("truncated input") {
        CHECK(secretbox_open(key, ByteView(sealed).first(kSecretBoxOverhead - 1)).error() ==
              OpenError::TooShort);
    }
    SUBCASE("an empty plaintext") {
        CHECK(secretbox_open(key, secretbox_seal(key, {}))->empty());
    }
}

TEST_CASE("secure random produces distinct tokens and bounded numbers") {
    std::set<std::string> tokens;
    for (int i = 0; i < 100; ++i)
        tokens.insert(random_token(16));
    CHECK(tokens.size() == 100);
    CHECK(random_token(32).size() == 43);  // 32 bytes = 43 unpadded base64url characters

    std::set<std::uint32_t> seen;
    for (int i = 0; i < 2000; ++i) {
        const auto v = random_below(10);
        REQUIRE(v < 10);
        seen.insert(v);
    }
    CHECK(seen.size() == 10);
    CHECK_THROWS_AS((void)random_below(0), std::invalid_argument);
}
