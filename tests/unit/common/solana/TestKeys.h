#pragma once
// Deterministic key pairs for the Solana tests: key(n) is the key pair whose 32-byte
// seed is n repeated, so vectors built in Node (tests/chain/make-vectors.mjs) agree.

#include <array>
#include <cstdint>

#include "gate/crypto/Ed25519.h"

namespace gate::test {

inline crypto::KeyPair key(std::uint8_t n) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(n);
    return crypto::KeyPair::from_seed(seed);
}

}  // namespace gate::test
