#pragma once
// EventListCache: the rendered answers of GET /api/v1/events, so that a list that did not
// change since it was last built costs one indexed read (the events' version, which a
// trigger bumps on every change to an event or a tier, from any process) and no query or
// JSON rendering; requests that arrive together share that read (CoalescedRead.h). An
// answer is kept at most a second: "upcoming" and "current" depend on the clock, so an
// event may show as upcoming for up to a second after it started.
// Bounded: when full, the oldest half goes. Thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "CoalescedRead.h"
#include "gate/backend/Store.h"

namespace gate::backend {

class EventListCache {
  public:
    struct Entry {
        std::int64_t version = 0;   ///< the events' version read before the list was built
        std::int64_t built_at = 0;  ///< clock time it was built
        std::shared_ptr<const std::string> body;
        std::string etag;
    };

    static constexpr std::int64_t kMaxAgeMs = 1000;
    static constexpr std::size_t kMaxEntries = 512;

    /// The key of a filter: every field but the clock.
    static std::string key(const EventFilter& filter);

    /// The answer for `key` if it was built at `version` less than kMaxAgeMs before `now`.
    std::optional<Entry> find(const std::string& key, std::int64_t version, std::int64_t now) const;
    void put(const std::string& key, Entry entry);

    /// The events' version from `store`, one read shared by the requests that ask at once.
    StoreResult<std::int64_t> version(Store& store) {
        return version_reads_.get([&] { return store.events_version(); });
    }

  private:
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    CoalescedRead<StoreResult<std::int64_t>> version_reads_;
};

}  // namespace gate::backend
