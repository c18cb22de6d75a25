#pragma once
// Unsharp masking: a code slightly out of focus, or so small that the lens smears its
// modules together, gets its edges back before ZXing binarises it.

#include "gate/qr/GrayImage.h"

namespace gate::qr {

/// out = p + amount * (p - box mean over (2 * radius + 1)^2), clamped.
void sharpen(GrayView in, GrayImage& out, int radius = 2, float amount = 1.0F);

}  // namespace gate::qr
