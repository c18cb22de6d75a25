#pragma once
// Randomness comes in through this small interface, so tests can fix the tokens; production
// uses the OS random source. (Time comes in the same way, through gate::Clock.)

#include <cstddef>
#include <string>

#include "gate/Clock.h"

namespace gate::backend {

class Random {
  public:
    virtual ~Random() = default;
    /// `bytes` secret random bytes as unpadded base64url (tokens, nonces, claim codes).
    virtual std::string token(std::size_t bytes) = 0;
};

/// The OS source through libsodium (gate::crypto::random_token).
class SecureRandom final : public Random {
  public:
    std::string token(std::size_t bytes) override;
};

}  // namespace gate::backend
