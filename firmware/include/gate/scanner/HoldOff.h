#pragma once
// HoldOff: a code held in front of the camera is decoded many times a second but is one
// scan. The same text counts again only after it has been out of sight for the hold-off
// time; a different text counts at once (the next holder in the lane).

#include <chrono>
#include <string>
#include <string_view>

namespace gate::scanner {

class HoldOff {
  public:
    using Clock = std::chrono::steady_clock;

    explicit HoldOff(std::chrono::milliseconds window) : window_(window) {}

    /// Call for every decoded code; true when this sighting is a new scan.
    bool is_new(std::string_view text, Clock::time_point now);

    std::chrono::milliseconds window() const noexcept { return window_; }

  private:
    std::chrono::milliseconds window_;
    std::string last_text_;
    Clock::time_point last_seen_{};
    bool has_last_ = false;
};

}  // namespace gate::scanner
