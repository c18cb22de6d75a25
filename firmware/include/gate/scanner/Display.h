#pragma once
// The handheld's full-screen terminal display: a big ACCEPT or REJECT, the reason in plain
// words, tier, counters, and the link state (online/offline, queue depth) from the sync
// status. render_screen() is pure (state in, text out) so tests read what staff would see.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "gate/domain/SyncMessages.h"

namespace gate::scanner {

struct ScreenState {
    std::string gate;
    std::string event_name;
    domain::Direction direction = domain::Direction::In;

    struct Verdict {
        bool accepted = false;
        std::string reason;  ///< the reason code
        std::optional<std::uint8_t> tier;
        std::optional<std::uint64_t> ticket_id;
    };
    std::optional<Verdict> last;  ///< empty before the first scan: the screen says READY

    std::int64_t accepted = 0;
    std::int64_t rejected = 0;
    bool online = false;
    std::int64_t queue_depth = 0;
    bool bell = true;
};

struct ScreenStyle {
    bool color = true;  ///< ANSI colours and screen clearing; off for logs and tests
    int width = 64;
};

/// The whole screen as text (with ANSI escapes when style.color).
std::string render_screen(const ScreenState& state, const ScreenStyle& style = {});

/// What to write after a verdict to sound the terminal bell: one beep to admit, three to
/// refuse (heard without looking), nothing when muted.
std::string_view bell_for(bool accepted, bool enabled) noexcept;

}  // namespace gate::scanner
