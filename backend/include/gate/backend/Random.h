#pragma once
// Time and randomness come in through these small interfaces, so tests can fix the clock
// and the tokens; production uses the system clock and the OS random source.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gate::backend {

class Clock {
  public:
    virtual ~Clock() = default;
    /// Unix time in milliseconds (UTC).
    virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
  public:
    std::int64_t now_ms() const override;
};

/// A clock that moves only when told to (tests).
class ManualClock final : public Clock {
  public:
    explicit ManualClock(std::int64_t start_ms) : now_(start_ms) {}
    std::int64_t now_ms() const override { return now_.load(); }
    void set(std::int64_t ms) { now_.store(ms); }
    void advance(std::int64_t ms) { now_.fetch_add(ms); }

  private:
    std::atomic<std::int64_t> now_;
};

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
