#include "gate/backend/RateLimiter.h"

#include <algorithm>
#include <cmath>

namespace gate::backend {

std::optional<int> RateLimiter::take(const std::string& key, const RateRule& rule) {
    if (rule.per_minute <= 0) return std::nullopt;
    const std::int64_t now = clock_.now_ms();
    const double rate_per_ms = static_cast<double>(rule.per_minute) / 60000.0;
    const double capacity = static_cast<double>(std::max<std::int64_t>(1, rule.burst));
    std::lock_guard lock(mutex_);
    // Full buckets carry no information; dropping them now and then bounds memory.
    if (now - last_sweep_ > 60000) {
        std::erase_if(buckets_, [&](const auto& kv) {
            return kv.second.tokens + static_cast<double>(now - kv.second.at) * rate_per_ms >=
                   capacity;
        });
        last_sweep_ = now;
    }
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity, now});
    Bucket& b = it->second;
    if (!fresh) {
        b.tokens = std::min(
            capacity,
            b.tokens + static_cast<double>(std::max<std::int64_t>(0, now - b.at)) * rate_per_ms);
        b.at = now;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return std::nullopt;
    }
    const double wait_ms = (1.0 - b.tokens) / rate_per_ms;
    return std::max(1, static_cast<int>(std::ceil(wait_ms / 1000.0)));
}

}  // namespace gate::backend
