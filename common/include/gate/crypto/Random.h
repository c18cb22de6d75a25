#pragma once
// Secure randomness (the OS source, through libsodium) for keys, nonces and tokens.

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace gate::crypto {

void random_fill(std::span<std::uint8_t> out);

template <std::size_t N>
std::array<std::uint8_t, N> random_array() {
    std::array<std::uint8_t, N> a;
    random_fill(a);
    return a;
}

/// Uniform in [0, upper_bound), without modulo bias. upper_bound must be > 0.
std::uint32_t random_below(std::uint32_t upper_bound);

/// `bytes` random bytes as unpadded base64url: tokens, nonces, claim codes.
std::string random_token(std::size_t bytes = 32);

}  // namespace gate::crypto
