#pragma once
// A negative of the image: light codes on dark ground (phone dark mode, inverted prints) read
// as ordinary ones. ZXing 1.4 has no tryInvert of its own.

#include "gate/qr/GrayImage.h"

namespace gate::qr {

/// Writes 255 - p for every pixel of `in` into `out` (resized, rows packed).
void invert(GrayView in, GrayImage& out);

}  // namespace gate::qr
