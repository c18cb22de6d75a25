#include "gate/scanner/HoldOff.h"

namespace gate::scanner {

bool HoldOff::is_new(std::string_view text, Clock::time_point now) {
    const bool same_code_in_view = has_last_ && text == last_text_ && now - last_seen_ < window_;
    if (!same_code_in_view) last_text_ = std::string(text);
    has_last_ = true;
    last_seen_ = now;  // held in view: the window starts again at every sighting
    return !same_code_in_view;
}

}  // namespace gate::scanner
