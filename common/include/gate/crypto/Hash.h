#pragma once
// SHA-256 (Solana addresses and PDAs) and BLAKE2b (key ids, fingerprints).

#include <sodium/crypto_hash_sha256.h>

#include <array>
#include <cstdint>

#include "gate/Bytes.h"

namespace gate::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(ByteView data);

/// Incremental SHA-256 for data that arrives in pieces (PDA seeds).
class Sha256 {
  public:
    Sha256();
    Sha256& update(ByteView data);
    Sha256Digest finish();

  private:
    crypto_hash_sha256_state state_{};
};

/// BLAKE2b with an output of 16..64 bytes, optionally keyed (key of 16..64 bytes).
Bytes blake2b(ByteView data, std::size_t out_size = 32, ByteView key = {});

}  // namespace gate::crypto
