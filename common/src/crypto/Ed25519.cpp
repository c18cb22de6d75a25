#include "gate/crypto/Ed25519.h"

#include <sodium.h>

#include <algorithm>

#include "gate/codec/Base58.h"
#include "gate/crypto/Sodium.h"

namespace gate::crypto {

static_assert(crypto_sign_PUBLICKEYBYTES == PublicKey::kSize);
static_assert(crypto_sign_BYTES == Signature::kSize);
static_assert(crypto_sign_SECRETKEYBYTES == KeyPair::kSecretSize);
static_assert(crypto_sign_SEEDBYTES == KeyPair::kSeedSize);

std::string_view to_string(KeyError e) noexcept {
    switch (e) {
        case KeyError::InvalidEncoding:
            return "invalid key encoding";
        case KeyError::InvalidSecret:
            return "secret key does not match its public key";
    }
    return "unknown key error";
}

namespace {

template <class T>
Result<T, KeyError> fixed_from_bytes(ByteView data) {
    T out;
    if (data.size() != out.bytes.size()) return fail(KeyError::InvalidEncoding);
    std::copy(data.begin(), data.end(), out.bytes.begin());
    return out;
}

template <class T>
Result<T, KeyError> fixed_from_base58(std::string_view text) {
    // A 64-byte value needs at most 88 characters; refuse anything longer early.
    if (text.size() > 90) return fail(KeyError::InvalidEncoding);
    auto raw = codec::base58_decode(text);
    if (!raw) return fail(KeyError::InvalidEncoding);
    return fixed_from_bytes<T>(*raw);
}

}  // namespace

std::string PublicKey::to_base58() const {
    return codec::base58_encode(bytes);
}
Result<PublicKey, KeyError> PublicKey::from_base58(std::string_view text) {
    return fixed_from_base58<PublicKey>(text);
}
Result<PublicKey, KeyError> PublicKey::from_bytes(ByteView data) {
    return fixed_from_bytes<PublicKey>(data);
}

std::string Signature::to_base58() const {
    return codec::base58_encode(bytes);
}
Result<Signature, KeyError> Signature::from_base58(std::string_view text) {
    return fixed_from_base58<Signature>(text);
}
Result<Signature, KeyError> Signature::from_bytes(ByteView data) {
    return fixed_from_bytes<Signature>(data);
}

KeyPair KeyPair::generate() {
    ensure_sodium();
    KeyPair kp;
    crypto_sign_keypair(kp.public_.bytes.data(), kp.secret_.data());
    return kp;
}

KeyPair KeyPair::from_seed(std::span<const std::uint8_t, kSeedSize> seed) {
    ensure_sodium();
    KeyPair kp;
    crypto_sign_seed_keypair(kp.public_.bytes.data(), kp.secret_.data(), seed.data());
    return kp;
}

Result<KeyPair, KeyError> KeyPair::from_secret(ByteView secret) {
    if (secret.size() != kSecretSize) return fail(KeyError::InvalidEncoding);
    KeyPair kp = from_seed(secret.first<kSeedSize>());
    // The file's public half must be the seed's: a mismatch means corruption or
    // a spliced key, and signing with it would produce unverifiable signatures.
    if (sodium_memcmp(kp.secret_.data(), secret.data(), kSecretSize) != 0) {
        return fail(KeyError::InvalidSecret);
    }
    return kp;
}

KeyPair::KeyPair(KeyPair&& other) noexcept : secret_(other.secret_), public_(other.public_) {
    sodium_memzero(other.secret_.data(), other.secret_.size());
}

KeyPair& KeyPair::operator=(KeyPair&& other) noexcept {
    if (this != &other) {
        secret_ = other.secret_;
        public_ = other.public_;
        sodium_memzero(other.secret_.data(), other.secret_.size());
    }
    return *this;
}

KeyPair::~KeyPair() {
    sodium_memzero(secret_.data(), secret_.size());
}

Signature KeyPair::sign(ByteView message) const {
    Signature sig;
    crypto_sign_detached(sig.bytes.data(), nullptr, message.data(), message.size(), secret_.data());
    return sig;
}

bool verify(const PublicKey& key, ByteView message, const Signature& signature) noexcept {
    ensure_sodium();
    return crypto_sign_verify_detached(signature.bytes.data(), message.data(), message.size(),
                                       key.bytes.data()) == 0;
}

bool is_usable_public_key(const PublicKey& key) noexcept {
    ensure_sodium();
    return crypto_core_ed25519_is_valid_point(key.bytes.data()) == 1;
}

}  // namespace gate::crypto
