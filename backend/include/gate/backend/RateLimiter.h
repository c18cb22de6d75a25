#pragma once
// RateLimiter: token buckets keyed by who is asking ("mint:user:17", "sign-in:ip:10.0.0.3").
// A refused call learns how many seconds to wait (Retry-After). Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "gate/backend/Random.h"
#include "gate/backend/Settings.h"

namespace gate::backend {

class RateLimiter {
  public:
    explicit RateLimiter(const Clock& clock) : clock_(clock) {}

    /// Takes one token from `key`'s bucket; nullopt when allowed, else seconds to wait.
    std::optional<int> take(const std::string& key, const RateRule& rule);

  private:
    struct Bucket {
        double tokens = 0;
        std::int64_t at = 0;
    };
    const Clock& clock_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::int64_t last_sweep_ = 0;
};

}  // namespace gate::backend
