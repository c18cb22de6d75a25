#include "gate/device/LoadSnapshot.h"

#include "gate/device/ClockOffset.h"

namespace gate::device {

Result<LoadedSnapshot, LinkError> load_snapshot(BackendLink& link, TicketCache cache) {
    auto fetched = link.snapshot();
    if (!fetched) return fail(fetched.error());
    const auto& snapshot = fetched->value;
    if (auto applied = cache.apply_snapshot(snapshot); !applied)
        return fail(database_error(applied.error()));
    return LoadedSnapshot{
        snapshot.assignment, snapshot.tickets.size(),
        clock_offset(snapshot.server_time, fetched->sent_at_ms, fetched->received_at_ms),
        fetched->received_at_ms};
}

}  // namespace gate::device
