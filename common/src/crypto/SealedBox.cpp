#include "gate/crypto/SealedBox.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "gate/crypto/Sodium.h"

namespace gate::crypto {

static_assert(crypto_box_SEALBYTES == kSealedBoxOverhead);

namespace {

/// Wipes a converted secret on every path out.
struct WipedKey {
    std::array<std::uint8_t, crypto_box_SECRETKEYBYTES> bytes{};
    ~WipedKey() { sodium_memzero(bytes.data(), bytes.size()); }
};

}  // namespace

Bytes seal_for(const PublicKey& recipient, ByteView plaintext) {
    ensure_sodium();
    std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> x25519{};
    if (crypto_sign_ed25519_pk_to_curve25519(x25519.data(), recipient.bytes.data()) != 0)
        throw std::invalid_argument("seal_for: the recipient is not a valid Ed25519 public key");
    Bytes out(plaintext.size() + kSealedBoxOverhead);
    crypto_box_seal(out.data(), plaintext.data(), plaintext.size(), x25519.data());
    return out;
}

Result<Bytes, std::string> open_sealed(const KeyPair& recipient, ByteView sealed) {
    ensure_sodium();
    if (sealed.size() < kSealedBoxOverhead)
        return fail(std::string("sealed box too short: ") + std::to_string(sealed.size()) +
                    " bytes, at least " + std::to_string(kSealedBoxOverhead) + " expected");
    std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> x25519_public{};
    WipedKey x25519_secret;
    if (crypto_sign_ed25519_pk_to_curve25519(x25519_public.data(),
                                             recipient.public_key().bytes.data()) != 0 ||
        crypto_sign_ed25519_sk_to_curve25519(x25519_secret.bytes.data(),
                                             recipient.secret().data()) != 0) {
        return fail(std::string("this key pair cannot open sealed boxes"));
    }
    Bytes out(sealed.size() - kSealedBoxOverhead);
    if (crypto_box_seal_open(out.data(), sealed.data(), sealed.size(), x25519_public.data(),
                             x25519_secret.bytes.data()) != 0) {
        return fail(std::string("sealed box does not open: sealed for another key, or altered"));
    }
    return out;
}

}  // namespace gate::crypto
