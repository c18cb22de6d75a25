#include "gate/syncd/Backoff.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "gate/crypto/Random.h"

namespace gate::syncd {

Backoff::Backoff(BackoffPolicy policy, std::function<std::uint64_t(std::uint64_t)> uniform)
    : policy_(policy), uniform_(std::move(uniform)) {
    if (policy_.initial.count() <= 0 || policy_.max < policy_.initial ||
        !(policy_.multiplier >= 1.0)) {
        throw std::invalid_argument(
            "backoff: need 0 < initial <= max and a multiplier of at least 1");
    }
    if (!uniform_) {
        uniform_ = [](std::uint64_t n) {
            // Delays fit 32 bits (49 days in ms); draw without modulo bias.
            const auto bound = static_cast<std::uint32_t>(std::min<std::uint64_t>(n, 0xfffffffe));
            return std::uint64_t{crypto::random_below(bound + 1)};
        };
    }
}

std::chrono::milliseconds Backoff::ceiling() const noexcept {
    const double grown = static_cast<double>(policy_.initial.count()) *
                         std::pow(policy_.multiplier, static_cast<double>(failures_));
    const double capped = std::min(grown, static_cast<double>(policy_.max.count()));
    return std::chrono::milliseconds(static_cast<std::int64_t>(capped));
}

std::chrono::milliseconds Backoff::next_delay() {
    const auto cap = ceiling();
    if (failures_ < 64) ++failures_;  // the cap is reached long before; stop counting
    // Full jitter: anywhere in [initial/2, cap], never zero, so retries spread out.
    const auto floor = policy_.initial.count() / 2;
    const auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(cap.count() - floor, 0));
    return std::chrono::milliseconds(floor + static_cast<std::int64_t>(uniform_(span)));
}

}  // namespace gate::syncd
