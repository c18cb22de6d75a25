#pragma once
// Authenticated symmetric encryption (XSalsa20-Poly1305) for secrets at rest,
// such as tokens cached on a device. The sealed form carries its own random nonce.

#include <array>
#include <cstdint>

#include "gate/Bytes.h"
#include "gate/Result.h"

namespace gate::crypto {

/// A 32-byte symmetric key. Wiped on destruction.
class SecretKey {
  public:
    static constexpr std::size_t kSize = 32;
    static SecretKey generate();
    static SecretKey from_bytes(std::span<const std::uint8_t, kSize> bytes);
    SecretKey(const SecretKey&) = default;
    SecretKey& operator=(const SecretKey&) = default;
    ~SecretKey();
    std::span<const std::uint8_t, kSize> bytes() const noexcept { return key_; }

  private:
    SecretKey() = default;
    std::array<std::uint8_t, kSize> key_{};
};

enum class OpenError {
    TooShort,  ///< shorter than nonce + tag
    Forged,    ///< the tag does not match: tampered with, or another key
};

/// nonce (24 bytes) || tag (16 bytes) || ciphertext.
Bytes secretbox_seal(const SecretKey& key, ByteView plaintext);
Result<Bytes, OpenError> secretbox_open(const SecretKey& key, ByteView sealed);

/// Bytes secretbox_seal adds to a plaintext.
inline constexpr std::size_t kSecretBoxOverhead = 24 + 16;

}  // namespace gate::crypto
