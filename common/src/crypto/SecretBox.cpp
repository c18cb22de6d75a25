#include "gate/crypto/SecretBox.h"

#include <sodium.h>

#include "gate/crypto/Sodium.h"

namespace gate::crypto {

static_assert(crypto_secretbox_KEYBYTES == SecretKey::kSize);
static_assert(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES == kSecretBoxOverhead);

SecretKey SecretKey::generate() {
    ensure_sodium();
    SecretKey k;
    crypto_secretbox_keygen(k.key_.data());
    return k;
}

SecretKey SecretKey::from_bytes(std::span<const std::uint8_t, kSize> bytes) {
    SecretKey k;
    std::copy(bytes.begin(), bytes.end(), k.key_.begin());
    return k;
}

SecretKey::~SecretKey() {
    sodium_memzero(key_.data(), key_.size());
}

Bytes secretbox_seal(const SecretKey& key, ByteView plaintext) {
    ensure_sodium();
    Bytes out(kSecretBoxOverhead + plaintext.size());
    std::uint8_t* nonce = out.data();
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES, plaintext.data(),
                          plaintext.size(), nonce, key.bytes().data());
    return out;
}

Result<Bytes, OpenError> secretbox_open(const SecretKey& key, ByteView sealed) {
    ensure_sodium();
    if (sealed.size() < kSecretBoxOverhead) return fail(OpenError::TooShort);
    Bytes out(sealed.size() - kSecretBoxOverhead);
    const std::uint8_t* nonce = sealed.data();
    if (crypto_secretbox_open_easy(out.data(), sealed.data() + crypto_secretbox_NONCEBYTES,
                                   sealed.size() - crypto_secretbox_NONCEBYTES, nonce,
                                   key.bytes().data()) != 0) {
        return fail(OpenError::Forged);
    }
    return out;
}

}  // namespace gate::crypto
