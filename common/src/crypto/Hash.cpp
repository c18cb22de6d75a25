#include "gate/crypto/Hash.h"

#include <sodium.h>

#include <stdexcept>

#include "gate/crypto/Sodium.h"

namespace gate::crypto {

Sha256Digest sha256(ByteView data) {
    ensure_sodium();
    Sha256Digest out;
    crypto_hash_sha256(out.data(), data.data(), data.size());
    return out;
}

Sha256::Sha256() {
    ensure_sodium();
    crypto_hash_sha256_init(&state_);
}

Sha256& Sha256::update(ByteView data) {
    crypto_hash_sha256_update(&state_, data.data(), data.size());
    return *this;
}

Sha256Digest Sha256::finish() {
    Sha256Digest out;
    crypto_hash_sha256_final(&state_, out.data());
    return out;
}

Bytes blake2b(ByteView data, std::size_t out_size, ByteView key) {
    // Sizes are programming choices, never input: a wrong one is a bug.
    if (out_size < crypto_generichash_BYTES_MIN || out_size > crypto_generichash_BYTES_MAX) {
        throw std::invalid_argument("blake2b: output size must be 16..64 bytes");
    }
    if (!key.empty() && (key.size() < crypto_generichash_KEYBYTES_MIN ||
                         key.size() > crypto_generichash_KEYBYTES_MAX)) {
        throw std::invalid_argument("blake2b: key size must be 16..64 bytes");
    }
    ensure_sodium();
    Bytes out(out_size);
    crypto_generichash(out.data(), out.size(), data.data(), data.size(),
                       key.empty() ? nullptr : key.data(), key.size());
    return out;
}

}  // namespace gate::crypto
