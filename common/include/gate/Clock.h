#pragma once
// Clock: the one way every part reads the wall clock (Unix milliseconds, UTC). Production
// code takes a `const Clock&` and is handed system_clock(); tests hand it a ManualClock and
// move time themselves, so no test sleeps to see an expiry.

#include <atomic>
#include <cstdint>

namespace gate {

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

/// The process's system clock, for the default arguments and the wiring in main().
const Clock& system_clock() noexcept;

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

}  // namespace gate
