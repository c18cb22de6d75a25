#pragma once
// The handheld's full-screen terminal display: a big ACCEPT or REJECT, the reason in plain
// words, tier, counters, and the link state (online/offline, queue depth) from the sync
// status. render_screen() is pure (state in, text out) so tests read what staff would see;
// LiveScreen draws it for `scan --display` from a Gate; plain_line() is the one-line form.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "gate/domain/SyncMessages.h"
#include "gate/scanner/Gate.h"

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

/// The screen as `gate` stands: its assignment, link state, queue depth and counters, no
/// verdict (READY).
ScreenState screen_for(Gate& gate, domain::Direction direction, bool bell);

/// One verdict as one plain line (`scan` without --display or --json, `check` without
/// --json): ACCEPT/REJECT, reason code and words, ticket, tier, source label, error.
std::string plain_line(const ScanOutcome& outcome, std::string_view label);

/// The live screen of `scan --display`: READY at first, then every verdict with its bell,
/// and between scans a redraw only when the link state or queue depth changed. Borrows the
/// gate and the stream.
class LiveScreen {
  public:
    LiveScreen(Gate& gate, domain::Direction direction, bool bell, std::ostream& out);

    /// Draws the screen as it stands (the last verdict, if any).
    void draw();
    /// Draws a committed verdict and sounds its bell.
    void show(const ScanOutcome& outcome);
    /// Between scans: redraws if gate-syncd changed the link state or the queue depth.
    void redraw_if_link_changed();

  private:
    void draw_state(ScreenState state, std::string_view bell);

    Gate& gate_;
    domain::Direction direction_;
    bool bell_;
    std::ostream& out_;
    std::optional<ScreenState::Verdict> last_;
    std::pair<bool, std::int64_t> drawn_link_{};  ///< online, queue depth as last drawn
};

}  // namespace gate::scanner
