#pragma once
// Measures a decoded symbol's QR version from the image, because ZXing 1.4 does not report it.

#include <array>
#include <optional>

#include "gate/qr/Decode.h"
#include "gate/qr/GrayImage.h"

namespace gate::qr {

/// Tries every version's module grid over the symbol's outer corners and keeps the one whose
/// finder patterns, separators and timing patterns the pixels match; empty when none matches
/// well enough (heavy perspective, blur, corners off).
std::optional<int> measure_version(GrayView image, const std::array<Point, 4>& corners);

}  // namespace gate::qr
