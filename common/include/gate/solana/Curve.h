#pragma once
// The "is this address on the Ed25519 curve" test that program-derived addresses must
// fail. It is the validators' test (curve25519-dalek's CompressedEdwardsY::decompress):
// the 32 bytes name a curve point when y (the low 255 bits, reduced mod 2^255-19) gives
// an x^2 = (y^2 - 1) / (d y^2 + 1) that is a square. Small-order and mixed-order points
// count as on the curve; libsodium's crypto_core_ed25519_is_valid_point rejects them
// and would therefore give wrong PDA bumps.

#include <cstdint>
#include <span>

namespace gate::solana {

bool is_on_curve(std::span<const std::uint8_t, 32> bytes) noexcept;

}  // namespace gate::solana
