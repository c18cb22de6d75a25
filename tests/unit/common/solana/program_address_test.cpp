// The curve test and PDA / associated-token-account derivation, pinned with the
// runtime's published vectors (solana-program's create_program_address tests).
#include <doctest/doctest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "gate/codec/Hex.h"
#include "gate/crypto/Hash.h"
#include "gate/crypto/Random.h"
#include "gate/crypto/Sodium.h"
#include "gate/solana/Curve.h"
#include "gate/solana/ProgramAddress.h"
#include "gate/solana/Programs.h"

using namespace gate;
using namespace gate::solana;

namespace {

std::array<std::uint8_t, 32> bytes32(std::string_view hex) {
    const Bytes b = codec::hex_decode(hex).value();
    std::array<std::uint8_t, 32> out{};
    std::copy(b.begin(), b.end(), out.begin());
    return out;
}

const Pubkey kLoader = pubkey("BPFLoaderUpgradeab1e11111111111111111111111");

std::string pda(std::vector<ByteView> seeds) {
    auto r = create_program_address(seeds, kLoader);
    return r ? r->to_base58() : "error: " + r.error().message;
}

}  // namespace

TEST_CASE("create_program_address matches the runtime's published vectors") {
    const Bytes one{1};
    const Bytes zero{0};
    const Pubkey seed_key = pubkey("SeedPubey1111111111111111111111111111111111");
    CHECK(pda({as_bytes(""), one}) == "BwqrghZA2htAcqq8dzP1WDAhTXYTYWj7CHxF5j7TDBAe");
    CHECK(pda({as_bytes("\xe2\x98\x89"), zero}) == "13yWmRpaTR4r5nAktwLqMpRNr28tnVUZw26rTvPSSB19");
    CHECK(pda({as_bytes("Talking"), as_bytes("Squirrels")}) ==
          "2fnQrngrQT4SeLcdToJAD96phoEjNL2man2kfRLCASVk");
    CHECK(pda({ByteView(seed_key.bytes), one}) == "976ymqVnfE32QFe6NfGDctSvVa36LWnvYxhU6G2232YL");
    CHECK(pda({as_bytes("Talking")}) != pda({as_bytes("Talking"), as_bytes("Squirrels")}));
}

TEST_CASE("seed limits: 16 seeds of at most 32 bytes") {
    const Bytes max_seed(32, 0);
    const Bytes long_seed(33, 127);
    CHECK(create_program_address(std::vector<ByteView>{max_seed}, kLoader));
    const auto too_long =
        create_program_address(std::vector<ByteView>{as_bytes("short"), long_seed}, kLoader);
    REQUIRE_FALSE(too_long);
    CHECK(too_long.error().kind == Error::Kind::InvalidInput);
    CHECK(too_long.error().message.find("seed 1") != std::string::npos);

    std::vector<Bytes> storage;
    for (std::uint8_t i = 1; i <= 17; ++i)
        storage.push_back(Bytes{i});
    std::vector<ByteView> seeds(storage.begin(), storage.end());
    CHECK_FALSE(create_program_address(seeds, kLoader));  // 17 seeds
    seeds.pop_back();
    CHECK(create_program_address(seeds, kLoader));      // 16 seeds
    CHECK_FALSE(find_program_address(seeds, kLoader));  // 16 + the bump is too many
}

TEST_CASE("find_program_address returns the first off-curve bump from 255 down") {
    const auto found = find_program_address({as_bytes("ticket"), as_bytes("42")}, kLoader);
    REQUIRE(found);
    const Bytes bump{found->bump};
    const auto again = create_program_address(
        std::vector<ByteView>{as_bytes("ticket"), as_bytes("42"), bump}, kLoader);
    REQUIRE(again);
    CHECK(*again == found->address);
    // Every higher bump gives an on-curve hash, so create_program_address refuses it.
    for (unsigned b = 255; b > found->bump; --b) {
        const Bytes higher{static_cast<std::uint8_t>(b)};
        CHECK_FALSE(create_program_address(
            std::vector<ByteView>{as_bytes("ticket"), as_bytes("42"), higher}, kLoader));
    }
}

TEST_CASE("the curve test accepts small-order points that libsodium's check rejects") {
    crypto::ensure_sodium();
    // Encodings of torsion points (y = 1, y = -1, y = 0 with either sign) and of y = p,
    // a non-canonical 0. The validators' decompression accepts them all; libsodium's
    // crypto_core_ed25519_is_valid_point does not, which is why PDA code must not use it.
    const char* torsion[] = {
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };
    for (const char* hex : torsion) {
        CAPTURE(hex);
        const auto b = bytes32(hex);
        CHECK(is_on_curve(b));
        CHECK(crypto_core_ed25519_is_valid_point(b.data()) == 0);
    }
    // The base point (y = 4/5) is on the curve; y = 2 is not (x^2 is not a square).
    CHECK(is_on_curve(bytes32("5866666666666666666666666666666666666666666666666666666666666666")));
    CHECK_FALSE(
        is_on_curve(bytes32("0200000000000000000000000000000000000000000000000000000000000000")));
}

TEST_CASE("the curve test agrees with libsodium wherever libsodium accepts") {
    crypto::ensure_sodium();
    int ours = 0;
    int theirs = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::string seed = "sample-" + std::to_string(i);
        const auto h = crypto::sha256(as_bytes(seed));
        const bool on = is_on_curve(h);
        const bool sodium_valid = crypto_core_ed25519_is_valid_point(h.data()) != 0;
        if (sodium_valid) CHECK(on);  // libsodium's set is a subset of ours
        ours += on ? 1 : 0;
        theirs += sodium_valid ? 1 : 0;
    }
    // About half of all 32-byte strings decompress; a broken test drifts far from that.
    CHECK(ours > 400);
    CHECK(ours < 600);
    CHECK(theirs <= ours);
    // Every real public key is on the curve.
    for (int i = 0; i < 50; ++i)
        CHECK(is_on_curve(crypto::KeyPair::generate().public_key().bytes));
}

TEST_CASE("associated token addresses depend on wallet, mint and token program") {
    const Pubkey wallet = pubkey("SeedPubey1111111111111111111111111111111111");
    const Pubkey mint = pubkey("BPFLoaderUpgradeab1e11111111111111111111111");
    const Pubkey a = associated_token_address(wallet, mint);
    CHECK(a == associated_token_address(wallet, mint, program::token_2022()));
    CHECK(a != associated_token_address(wallet, mint, program::token()));
    CHECK(a != associated_token_address(mint, wallet));
    CHECK_FALSE(is_on_curve(a.bytes));
}
