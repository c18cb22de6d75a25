#pragma once
// A check-in list: which tiers a gate admits and how often (docs/domain.md, "Check-in lists").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/domain/WireNames.h"

namespace gate::domain {

/// Re-entry rule of a check-in list.
enum class Reentry {
    Single,          ///< "single": one entry, ever
    Multi,           ///< "multi": any number of entries, exits not needed
    EntryAfterExit,  ///< "entry_after_exit": in, out, in ... alternating
};
GATE_WIRE_ENUM(Reentry, {{Reentry::Single, "single"},
                         {Reentry::Multi, "multi"},
                         {Reentry::EntryAfterExit, "entry_after_exit"}})

struct CheckinList {
    std::int64_t id = 0;
    std::string name;
    std::vector<std::uint8_t> tiers;  ///< tiers admitted at this gate; empty = all tiers
    Reentry reentry = Reentry::Single;
    /// A correctly signed code whose ticket has no row (sold after a device's last sync)
    /// gets in. The one default for lists made by the backend and read by devices.
    bool accept_unknown_tickets = true;

    bool operator==(const CheckinList&) const = default;
};

}  // namespace gate::domain
