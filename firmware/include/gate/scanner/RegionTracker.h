#pragma once
// Where the next frame should be looked at first: a code seen in one frame is, a frame later,
// almost always where it was. The tracker keeps the box around the last code's corners, with
// a margin for the hand's movement, for a few frames after the code was last seen.

#include <array>
#include <optional>

#include "gate/qr/Decode.h"
#include "gate/qr/DecodePipeline.h"

namespace gate::scanner {

class RegionTracker {
  public:
    /// `keep_frames`: frames the region is offered without a new sighting; `margin`: added on
    /// every side, as a share of the box's larger side.
    explicit RegionTracker(int keep_frames = 15, double margin = 0.5)
        : keep_frames_(keep_frames), margin_(margin) {}

    /// A code was read with these corners, in an image of width x height.
    void seen(const std::array<qr::Point, 4>& corners, int width, int height);
    /// A frame went by without a code.
    void missed();
    void reset();

    /// The region to try first, clipped to the image; none when no code was seen lately.
    std::optional<qr::Region> region() const;

  private:
    int keep_frames_;
    double margin_;
    std::optional<qr::Region> region_;
    int frames_left_ = 0;
};

}  // namespace gate::scanner
