#pragma once
// Ed25519 keys and signatures as Solana uses them: a 32-byte public key (base58
// on the wire) and a 64-byte secret (the 32-byte seed followed by the public key).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "gate/Bytes.h"
#include "gate/Result.h"

namespace gate::crypto {

enum class KeyError {
    InvalidEncoding,  ///< not base58, or the wrong number of bytes
    InvalidSecret,    ///< a 64-byte secret whose second half is not the seed's public key
};

std::string_view to_string(KeyError e) noexcept;

struct PublicKey {
    static constexpr std::size_t kSize = 32;
    std::array<std::uint8_t, kSize> bytes{};

    std::string to_base58() const;
    static Result<PublicKey, KeyError> from_base58(std::string_view text);
    static Result<PublicKey, KeyError> from_bytes(ByteView data);

    bool operator==(const PublicKey&) const = default;
    auto operator<=>(const PublicKey&) const = default;
};

struct Signature {
    static constexpr std::size_t kSize = 64;
    std::array<std::uint8_t, kSize> bytes{};

    std::string to_base58() const;
    static Result<Signature, KeyError> from_base58(std::string_view text);
    static Result<Signature, KeyError> from_bytes(ByteView data);

    bool operator==(const Signature&) const = default;
};

/// An Ed25519 key pair. Owns secret material: move-only, wiped on destruction.
class KeyPair {
  public:
    static constexpr std::size_t kSeedSize = 32;
    static constexpr std::size_t kSecretSize = 64;

    /// A fresh key pair from the system's secure random source.
    static KeyPair generate();
    /// The key pair a 32-byte seed determines (RFC 8032).
    static KeyPair from_seed(std::span<const std::uint8_t, kSeedSize> seed);
    /// A 64-byte secret (seed || public key), as in Solana key files. Refuses a
    /// secret whose public half does not belong to its seed.
    static Result<KeyPair, KeyError> from_secret(ByteView secret);

    KeyPair(KeyPair&& other) noexcept;
    KeyPair& operator=(KeyPair&& other) noexcept;
    KeyPair(const KeyPair&) = delete;
    KeyPair& operator=(const KeyPair&) = delete;
    ~KeyPair();

    const PublicKey& public_key() const noexcept { return public_; }
    /// The 64-byte secret; handle with care (write it only to 0600 files).
    std::span<const std::uint8_t, kSecretSize> secret() const noexcept { return secret_; }

    Signature sign(ByteView message) const;

  private:
    KeyPair() = default;
    std::array<std::uint8_t, kSecretSize> secret_{};
    PublicKey public_{};
};

/// True when `signature` is `key`'s signature over `message`. Rejects
/// non-canonical signatures and small-order keys (libsodium's strict checks).
bool verify(const PublicKey& key, ByteView message, const Signature& signature) noexcept;

/// True when `key` is a point a signature can verify under: on the curve, canonical, in the
/// main subgroup and not of small order. For keys other people send (a phone's holder
/// key); Solana addresses off the curve (program-derived) are fine as addresses but fail.
bool is_usable_public_key(const PublicKey& key) noexcept;

}  // namespace gate::crypto
