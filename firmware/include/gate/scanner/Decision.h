#pragma once
// The gate's verdict on one scanned code: a pure function of the code (parsed, signature
// checked), what the cache knows about its ticket, the device's assignment and the time.
// Rules run in DESIGN.md's order; the first that refuses gives the reason (docs/scanner.md).

#include <cstdint>
#include <optional>
#include <string_view>

#include "gate/device/DeviceStore.h"
#include "gate/device/SyncMessages.h"
#include "gate/scanner/CodeCheck.h"

namespace gate::scanner {

struct DecisionContext {
    /// Current time as the server would see it: device clock plus last known offset.
    std::int64_t now_ms = 0;
    /// How far outside a ticket's validity window a scan may be and still pass, for
    /// device clocks that drift while offline.
    std::int64_t clock_tolerance_ms = 5 * 60 * 1000;
    /// Entry lane or exit lane.
    device::Direction direction = device::Direction::In;
};

struct Decision {
    bool accepted = false;
    std::string_view reason;  ///< stable reason code; "ok" when accepted
    /// The tier the gate goes by (the cache's when it has a row, else the code's); empty
    /// when the code is not genuine.
    std::optional<std::uint8_t> tier;
};

/// Decides one scan. `cached` is the cache's state for the code's ticket (empty when the
/// code did not parse or the ticket has no row).
Decision decide(const CodeCheck& code, const device::TicketState& cached,
                const device::Assignment& assignment, const DecisionContext& context) noexcept;

}  // namespace gate::scanner
