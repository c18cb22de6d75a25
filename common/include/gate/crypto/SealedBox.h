#pragma once
// Anonymous public-key encryption to an Ed25519 key holder: the backend hands a gate device
// a secret (the event validator key) that only that device's own key pair can open. The
// recipient's Ed25519 key is converted to X25519 and libsodium's sealed box does the rest
// (ephemeral sender key, XSalsa20-Poly1305), so no sender key has to be managed.

#include <string>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"

namespace gate::crypto {

/// Bytes seal_for adds to a plaintext (ephemeral public key + tag).
inline constexpr std::size_t kSealedBoxOverhead = 32 + 16;

/// Seals `plaintext` so that only the key pair whose public half is `recipient` opens it.
/// Throws std::invalid_argument when `recipient` is not a usable Ed25519 point.
Bytes seal_for(const PublicKey& recipient, ByteView plaintext);

/// Opens what seal_for sealed for `recipient`'s public key. The error says in plain words
/// why not (too short, or not sealed for this key / tampered with).
Result<Bytes, std::string> open_sealed(const KeyPair& recipient, ByteView sealed);

}  // namespace gate::crypto
