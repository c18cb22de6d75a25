#pragma once
// When to try again after a failed sync: capped exponential backoff with full
// jitter, so a dead network is not hammered and a recovering backend is not
// flooded by every device retrying in step.

#include <chrono>
#include <cstdint>
#include <functional>

namespace gate::syncd {

struct BackoffPolicy {
    std::chrono::milliseconds initial{500};
    std::chrono::milliseconds max{60'000};
    double multiplier = 2.0;
};

class Backoff {
  public:
    /// `uniform(n)` returns a uniform integer in [0, n]; the default uses the
    /// system's secure random source. Tests pass a deterministic one.
    explicit Backoff(BackoffPolicy policy,
                     std::function<std::uint64_t(std::uint64_t)> uniform = {});

    /// The wait before the next attempt, after one more failure.
    std::chrono::milliseconds next_delay();
    /// A success: the next failure starts from the initial delay again.
    void reset() noexcept { failures_ = 0; }
    std::uint32_t failures() const noexcept { return failures_; }
    /// The cap the next delay is drawn under (without jitter).
    std::chrono::milliseconds ceiling() const noexcept;

  private:
    BackoffPolicy policy_;
    std::function<std::uint64_t(std::uint64_t)> uniform_;
    std::uint32_t failures_ = 0;
};

}  // namespace gate::syncd
