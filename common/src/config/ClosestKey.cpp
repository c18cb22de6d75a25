#include "config/ClosestKey.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace gate::config::detail {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string closest_name(std::string_view name, std::span<const std::string> candidates) {
    // Allow about one typo per four characters, and always at least two.
    const std::size_t limit = std::max<std::size_t>(2, name.size() / 4);
    std::size_t best = std::numeric_limits<std::size_t>::max();
    std::string best_name;
    for (const std::string& candidate : candidates) {
        std::size_t d = edit_distance(name, candidate);
        if (d <= limit && d < best) {
            best = d;
            best_name = candidate;
        }
    }
    if (!best_name.empty()) return best_name;
    // A key written at the wrong level: "interval_ms" meant "sync.interval_ms".
    for (const std::string& candidate : candidates) {
        if (candidate.size() > name.size() + 1 && candidate.ends_with(name) &&
            candidate[candidate.size() - name.size() - 1] == '.') {
            return candidate;
        }
    }
    return {};
}

}  // namespace gate::config::detail
