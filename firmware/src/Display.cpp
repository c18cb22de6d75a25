#include "gate/scanner/Display.h"

#include <array>
#include <sstream>

#include "gate/domain/Reason.h"

namespace gate::scanner {
namespace {

// A 5-line block font for the few words the screen spells; 5 columns per glyph.
constexpr int kRows = 5;
struct Glyph {
    char c;
    std::array<std::string_view, kRows> rows;
};
constexpr std::array<Glyph, 9> kFont = {{
    {'A', {" ### ", "#   #", "#####", "#   #", "#   #"}},
    {'C', {" ####", "#    ", "#    ", "#    ", " ####"}},
    {'D', {"#### ", "#   #", "#   #", "#   #", "#### "}},
    {'E', {"#####", "#    ", "#### ", "#    ", "#####"}},
    {'J', {"  ###", "    #", "    #", "#   #", " ### "}},
    {'P', {"#### ", "#   #", "#### ", "#    ", "#    "}},
    {'R', {"#### ", "#   #", "#### ", "#  # ", "#   #"}},
    {'T', {"#####", "  #  ", "  #  ", "  #  ", "  #  "}},
    {'Y', {"#   #", " # # ", "  #  ", "  #  ", "  #  "}},
}};

std::array<std::string, kRows> banner(std::string_view word) {
    std::array<std::string, kRows> rows;
    for (char c : word) {
        for (const auto& g : kFont) {
            if (g.c != c) continue;
            for (int r = 0; r < kRows; ++r) {
                for (char pixel : g.rows[static_cast<std::size_t>(r)])
                    rows[static_cast<std::size_t>(r)] += pixel == '#' ? "\u2588" : " ";
                rows[static_cast<std::size_t>(r)] += "  ";
            }
        }
    }
    return rows;
}

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width) text.append(width - text.size(), ' ');
    return text;
}

}  // namespace

std::string render_screen(const ScreenState& s, const ScreenStyle& style) {
    const auto width = static_cast<std::size_t>(style.width);
    const std::string reset = style.color ? "\x1b[0m" : "";
    std::ostringstream out;
    if (style.color) out << "\x1b[2J\x1b[H";  // clear, cursor home

    const std::string lane = s.direction == domain::Direction::Out ? "EXIT" : "ENTRY";
    const std::string link = s.online ? "ONLINE" : "OFFLINE";
    std::string head =
        " " + s.gate + " | " + lane + (s.event_name.empty() ? "" : " | " + s.event_name);
    const std::string right = link + "  queue " + std::to_string(s.queue_depth) + " ";
    if (head.size() + right.size() < width) head.append(width - head.size() - right.size(), ' ');
    out << (style.color ? "\x1b[1m" : "") << head
        << (style.color ? (s.online ? "\x1b[32m" : "\x1b[33m") : "") << right << reset << "\n";
    out << std::string(width, '-') << "\n";

    std::string word = "READY";
    std::string colour = style.color ? "\x1b[1;97;44m" : "";  // blue: waiting
    if (s.last) {
        word = s.last->accepted ? "ACCEPT" : "REJECT";
        if (style.color) colour = s.last->accepted ? "\x1b[1;97;42m" : "\x1b[1;97;41m";
    }
    out << colour << std::string(width, ' ') << reset << "\n";
    for (const auto& row : banner(word)) {
        // Block characters are 3 bytes of UTF-8 but one column wide: count lead bytes.
        std::size_t visible = 0;
        for (char c : row)
            visible += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
        const std::size_t left = visible < width ? (width - visible) / 2 : 0;
        const std::size_t rest = visible + left < width ? width - visible - left : 0;
        out << colour << std::string(left, ' ') << row << std::string(rest, ' ') << reset << "\n";
    }
    out << colour << std::string(width, ' ') << reset << "\n\n";

    if (s.last) {
        out << "  " << (style.color ? "\x1b[1m" : "") << domain::reason::plain_words(s.last->reason)
            << reset << "\n";
        std::string detail = "  ";
        if (s.last->tier) detail += "tier " + std::to_string(*s.last->tier) + "   ";
        if (s.last->ticket_id) detail += "ticket " + std::to_string(*s.last->ticket_id) + "   ";
        detail += "(" + s.last->reason + ")";
        out << detail << "\n";
    } else {
        out << "  Show the ticket QR to the camera\n\n";
    }
    out << "\n" << std::string(width, '-') << "\n";
    out << pad(" admitted " + std::to_string(s.accepted) + "   refused " +
                   std::to_string(s.rejected),
               width > 12 ? width - 12 : 0)
        << (s.bell ? "  bell on" : "  bell off") << "\n";
    return out.str();
}

std::string_view bell_for(bool accepted, bool enabled) noexcept {
    if (!enabled) return "";
    return accepted ? "\a" : "\a\a\a";
}

ScreenState screen_for(Gate& gate, domain::Direction direction, bool bell) {
    ScreenState s;
    if (const auto& a = gate.assignment()) {
        s.gate = a->gate;
        s.event_name = a->event.name;
    }
    s.direction = direction;
    const auto& status = gate.sync_status();
    s.online = status.online;
    s.queue_depth = status.queue_depth;
    s.accepted = gate.counters().accepted;
    s.rejected = gate.counters().rejected;
    s.bell = bell;
    return s;
}

std::string plain_line(const ScanOutcome& o, std::string_view label) {
    std::ostringstream out;
    out << (o.accepted() ? "ACCEPT " : "REJECT ") << o.decision.reason << "  "
        << domain::reason::plain_words(o.decision.reason);
    if (o.record.ticket_id) out << "  ticket " << *o.record.ticket_id;
    if (o.decision.tier) out << "  tier " << unsigned{*o.decision.tier};
    if (!label.empty()) out << "  [" << label << "]";
    if (!o.error.empty()) out << "  (" << o.error << ")";
    out << "\n";
    return out.str();
}

LiveScreen::LiveScreen(Gate& gate, domain::Direction direction, bool bell, std::ostream& out)
    : gate_(gate), direction_(direction), bell_(bell), out_(out) {}

void LiveScreen::draw_state(ScreenState state, std::string_view bell) {
    state.last = last_;
    drawn_link_ = {state.online, state.queue_depth};
    out_ << render_screen(state) << bell << std::flush;
}

void LiveScreen::draw() {
    draw_state(screen_for(gate_, direction_, bell_), "");
}

void LiveScreen::show(const ScanOutcome& outcome) {
    last_ = ScreenState::Verdict{outcome.accepted(), std::string(outcome.decision.reason),
                                 outcome.decision.tier, outcome.record.ticket_id};
    draw_state(screen_for(gate_, direction_, bell_), bell_for(outcome.accepted(), bell_));
}

void LiveScreen::redraw_if_link_changed() {
    const auto& status = gate_.sync_status();
    if (std::pair{status.online, status.queue_depth} == drawn_link_) return;
    draw();
}

}  // namespace gate::scanner
