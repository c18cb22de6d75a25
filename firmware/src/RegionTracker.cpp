#include "gate/scanner/RegionTracker.h"

#include <algorithm>
#include <cmath>

namespace gate::scanner {

void RegionTracker::seen(const std::array<qr::Point, 4>& corners, int width, int height) {
    int x0 = corners[0].x, x1 = corners[0].x, y0 = corners[0].y, y1 = corners[0].y;
    for (const auto& p : corners) {
        x0 = std::min(x0, p.x);
        x1 = std::max(x1, p.x);
        y0 = std::min(y0, p.y);
        y1 = std::max(y1, p.y);
    }
    // The margin covers the hand's movement between frames and the quiet zone ZXing needs
    // around the symbol; never less than 16 px.
    const int side = std::max(x1 - x0, y1 - y0);
    const int m = std::max(16, static_cast<int>(std::lround(side * margin_)));
    x0 = std::clamp(x0 - m, 0, width);
    y0 = std::clamp(y0 - m, 0, height);
    x1 = std::clamp(x1 + m, 0, width);
    y1 = std::clamp(y1 + m, 0, height);
    if (x1 <= x0 || y1 <= y0) {
        reset();
        return;
    }
    region_ = qr::Region{x0, y0, x1 - x0, y1 - y0};
    frames_left_ = keep_frames_;
}

void RegionTracker::missed() {
    if (frames_left_ > 0 && --frames_left_ == 0) region_.reset();
}

void RegionTracker::reset() {
    region_.reset();
    frames_left_ = 0;
}

std::optional<qr::Region> RegionTracker::region() const {
    return region_;
}

}  // namespace gate::scanner
