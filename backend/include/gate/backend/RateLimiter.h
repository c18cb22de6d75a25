#pragma once
// RateLimiter: token buckets keyed by who is asking ("mint:user:17", "sign-in:ip:10.0.0.3").
// A refused call learns how many seconds to wait (Retry-After). Thread-safe.
//
// Buckets live in this process's memory, or in the database (limits.store = database, the
// default on PostgreSQL) so that every ticket-api process on it draws from the same bucket
// and a limit holds in total behind a load balancer, not once per process.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "gate/backend/Random.h"
#include "gate/backend/Settings.h"
#include "gate/backend/Store.h"

namespace gate::backend {

class RateLimiter {
  public:
    /// Buckets in memory.
    explicit RateLimiter(const Clock& clock) : clock_(clock) {}
    /// Buckets in `shared`'s database. A database that fails lets the call through (the
    /// call's own work fails the same way and says so).
    RateLimiter(const Clock& clock, Store& shared) : clock_(clock), shared_(&shared) {}

    /// Takes one token from `key`'s bucket; nullopt when allowed, else seconds to wait.
    std::optional<int> take(const std::string& key, const RateRule& rule);

    /// Whether the buckets are shared through the database.
    bool shared() const noexcept { return shared_ != nullptr; }

  private:
    std::optional<int> take_in_memory(const std::string& key, const RateRule& rule,
                                      std::int64_t now);
    std::optional<int> take_shared(const std::string& key, const RateRule& rule, std::int64_t now);

    struct Bucket {
        double tokens = 0;
        std::int64_t at = 0;
        std::int64_t full_at = 0;  ///< refilled by then at the latest: the bucket can go
    };
    const Clock& clock_;
    Store* shared_ = nullptr;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::int64_t last_sweep_ = 0;
    std::atomic<std::int64_t> last_shared_sweep_{0};
};

}  // namespace gate::backend
