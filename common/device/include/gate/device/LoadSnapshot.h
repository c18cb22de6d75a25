#pragma once
// Loading a whole cache from the backend: one snapshot fetch, the cache replaced with it and
// the clock offset measured on the way. Provisioning does it once; gate-syncd whenever it has
// no cursor or its cursor expired.

#include <cstddef>
#include <cstdint>

#include "gate/Result.h"
#include "gate/device/BackendLink.h"
#include "gate/device/TicketCache.h"

namespace gate::device {

struct LoadedSnapshot {
    domain::Assignment assignment;  ///< as the snapshot delivered it
    std::size_t tickets = 0;
    std::int64_t clock_offset_ms = 0;  ///< server minus device, from this exchange
    std::int64_t received_at_ms = 0;   ///< device time the answer arrived
};

/// Fetches the snapshot and applies it to `cache` (one transaction). Records no sync
/// status: the caller says whether the whole exchange went well.
Result<LoadedSnapshot, LinkError> load_snapshot(BackendLink& link, TicketCache cache);

}  // namespace gate::device
