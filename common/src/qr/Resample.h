#pragma once
// Resampling for the decode passes: a bilinear enlargement gives a small symbol (2 px per
// module or less) enough pixels for ZXing's finder; a box reduction averages out moire and
// sensor noise that break a large symbol's modules into speckle.

#include "gate/qr/GrayImage.h"

namespace gate::qr {

/// `in` enlarged by an integer `factor` (2..4), bilinear.
void upscale(GrayView in, int factor, GrayImage& out);

/// `in` reduced by an integer `factor` (2..4), each output pixel the mean of its block.
void downscale_box(GrayView in, int factor, GrayImage& out);

}  // namespace gate::qr
