#include "gate/backend/RateLimiter.h"

#include <algorithm>
#include <cmath>

namespace gate::backend {

namespace {

constexpr std::int64_t kSweepEveryMs = 60000;

int seconds(double wait_ms) {
    return std::max(1, static_cast<int>(std::ceil(wait_ms / 1000.0)));
}

}  // namespace

std::optional<int> RateLimiter::take(const std::string& key, const RateRule& rule) {
    if (rule.per_minute <= 0) return std::nullopt;
    const std::int64_t now = clock_.now_ms();
    return shared_ ? take_shared(key, rule, now) : take_in_memory(key, rule, now);
}

std::optional<int> RateLimiter::take_shared(const std::string& key, const RateRule& rule,
                                            std::int64_t now) {
    // Full buckets carry no information; one process a minute drops them (whichever
    // wins the exchange; two at once would only delete twice).
    if (auto last = last_shared_sweep_.load();
        now - last > kSweepEveryMs && last_shared_sweep_.compare_exchange_strong(last, now))
        (void)shared_->prune_rate_buckets(now);
    auto wait = shared_->take_rate_token(key, rule.per_minute, rule.burst, now);
    if (!wait.ok() || *wait == 0) return std::nullopt;
    return seconds(static_cast<double>(*wait));
}

std::optional<int> RateLimiter::take_in_memory(const std::string& key, const RateRule& rule,
                                               std::int64_t now) {
    const double rate_per_ms = static_cast<double>(rule.per_minute) / 60000.0;
    const double capacity = static_cast<double>(std::max<std::int64_t>(1, rule.burst));
    const auto full_at = now + static_cast<std::int64_t>(std::ceil(capacity / rate_per_ms));
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ > kSweepEveryMs) {
        std::erase_if(buckets_, [&](const auto& kv) { return kv.second.full_at <= now; });
        last_sweep_ = now;
    }
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity, now, full_at});
    Bucket& b = it->second;
    if (!fresh) {
        b.tokens = std::min(
            capacity,
            b.tokens + static_cast<double>(std::max<std::int64_t>(0, now - b.at)) * rate_per_ms);
        b.at = std::max(b.at, now);
        b.full_at = full_at;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return std::nullopt;
    }
    return seconds((1.0 - b.tokens) / rate_per_ms);
}

}  // namespace gate::backend
