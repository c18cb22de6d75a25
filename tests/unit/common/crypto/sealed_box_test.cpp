// Sealed boxes to an Ed25519 key holder: the round trip, and every way opening must fail.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "gate/crypto/SealedBox.h"

using namespace gate;
using namespace gate::crypto;

TEST_CASE("a sealed box opens with the recipient's key pair and gives the plaintext back") {
    const auto device = KeyPair::generate();
    const auto validator = KeyPair::generate();
    const ByteView secret{validator.secret().data(), validator.secret().size()};
    const Bytes sealed = seal_for(device.public_key(), secret);
    CHECK(sealed.size() == secret.size() + kSealedBoxOverhead);
    auto opened = open_sealed(device, sealed);
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error()));
    CHECK(Bytes(secret.begin(), secret.end()) == *opened);
    // The opened bytes are a usable Solana secret again.
    auto back = KeyPair::from_secret(*opened);
    REQUIRE(back);
    CHECK(back->public_key() == validator.public_key());
}

TEST_CASE("sealing twice gives different boxes (a fresh ephemeral key each time)") {
    const auto device = KeyPair::generate();
    const Bytes text{1, 2, 3};
    CHECK(seal_for(device.public_key(), text) != seal_for(device.public_key(), text));
    CHECK(open_sealed(device, seal_for(device.public_key(), Bytes{})).value().empty());
}

TEST_CASE("a box sealed for another key does not open") {
    const auto device = KeyPair::generate();
    const auto other = KeyPair::generate();
    const Bytes sealed = seal_for(device.public_key(), as_bytes("validator secret"));
    auto opened = open_sealed(other, sealed);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().find("does not open") != std::string::npos);
}

TEST_CASE("an altered or truncated box is refused with a reason") {
    const auto device = KeyPair::generate();
    Bytes sealed = seal_for(device.public_key(), as_bytes("validator secret"));
    for (std::size_t i = 0; i < sealed.size(); i += 7) {
        Bytes altered = sealed;
        altered[i] ^= 0x01;
        CHECK_FALSE(open_sealed(device, altered));
    }
    auto short_box = open_sealed(device, ByteView{sealed.data(), kSealedBoxOverhead - 1});
    REQUIRE_FALSE(short_box);
    CHECK(short_box.error().find("too short") != std::string::npos);
}

TEST_CASE("sealing to a key that is not a curve point is refused") {
    PublicKey bogus;
    bogus.bytes.fill(0xff);  // y >= p: does not decode
    CHECK_THROWS_AS(seal_for(bogus, as_bytes("x")), std::invalid_argument);
}
