#pragma once
// "Did you mean": the known name closest to a mistyped one, so a typo in a config file is
// reported together with the key the venue probably meant.

#include <span>
#include <string>
#include <string_view>

namespace gate::config::detail {

/// The candidate a small edit away from `name` (or of which `name` is the last part,
/// "interval_ms" for "sync.interval_ms"); empty when none is close enough.
std::string closest_name(std::string_view name, std::span<const std::string> candidates);

}  // namespace gate::config::detail
