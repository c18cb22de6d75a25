#pragma once
// Local contrast normalisation: every pixel is restated relative to the mean and spread of
// its neighbourhood, so a code under glare, in a shadow or printed grey on grey comes out
// with full black and white modules before ZXing binarises it.

#include "gate/qr/GrayImage.h"

namespace gate::qr {

/// out = 128 + 64 * (p - local mean) / (local standard deviation + floor), clamped, over a
/// square window of (2 * radius + 1) px; `radius` 0 picks one from the image size (about a
/// twentieth of its shorter side). Flat areas stay mid-grey: there is nothing to stretch.
void normalise_local_contrast(GrayView in, GrayImage& out, int radius = 0);

}  // namespace gate::qr
