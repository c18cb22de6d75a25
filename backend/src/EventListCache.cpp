#include "EventListCache.h"

#include <algorithm>
#include <vector>

#include "gate/backend/Model.h"

namespace gate::backend {

namespace {
// Optional fields are written with a marker for "absent", so that no two filters share a
// key (an absent venue is not the venue "").
void add(std::string& key, const std::optional<std::string>& value) {
    if (!value) {
        key += "-|";
        return;
    }
    key.append("+").append(std::to_string(value->size())).append(":").append(*value).append("|");
}
void add(std::string& key, const std::optional<std::int64_t>& value) {
    if (!value) {
        key += "-|";
        return;
    }
    key.append("+").append(std::to_string(*value)).append("|");
}
}  // namespace

std::string EventListCache::key(const EventFilter& f) {
    std::string key = f.when + "|";
    add(key, f.status);
    add(key, f.venue);
    add(key, f.name_contains);
    add(key, f.organizer_id);
    add(key, f.starts_after);
    add(key, f.starts_before);
    key += std::to_string(f.limit) + "|" + std::to_string(f.offset);
    return key;
}

std::optional<EventListCache::Entry> EventListCache::find(const std::string& key,
                                                          std::int64_t version,
                                                          std::int64_t now) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.version != version) return std::nullopt;
    if (now < it->second.built_at || now - it->second.built_at >= kMaxAgeMs) return std::nullopt;
    return it->second;
}

void EventListCache::put(const std::string& key, Entry entry) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kMaxEntries && !entries_.contains(key)) {
        // Drop the older half: a burst of distinct filters cannot grow memory without bound.
        std::vector<std::int64_t> times;
        for (const auto& [k, e] : entries_)
            times.push_back(e.built_at);
        std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2),
                         times.end());
        const std::int64_t median = times[times.size() / 2];
        std::erase_if(entries_, [&](const auto& kv) { return kv.second.built_at <= median; });
    }
    entries_[key] = std::move(entry);
}

}  // namespace gate::backend
