#pragma once
// Finds and decodes QR codes (QR only, no other symbologies) in a grayscale frame.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "gate/Result.h"
#include "gate/qr/Error.h"
#include "gate/qr/ErrorCorrection.h"
#include "gate/qr/GrayImage.h"

namespace gate::qr {

/// How ZXing turns gray pixels into black and white modules.
enum class Binarizer {
    LocalAverage,     // threshold from each 8x8 block's neighbourhood (ZXing's default)
    GlobalHistogram,  // one threshold per row from the histogram: helps blur and soft edges
    FixedThreshold,   // everything below 128 is black: helps with sharp, high-contrast images
};

struct DecodeOptions {
    bool try_harder = false;    // denser search: finds small or damaged codes, costs time
    bool try_rotate = false;    // passed to ZXing; QR detection already handles any rotation
    bool try_downscale = true;  // also search a downscaled copy of large frames
    bool pure = false;          // the image is one unrotated code and its quiet zone only
    int max_symbols = 4;        // stop after this many codes, 1..255
    Binarizer binarizer = Binarizer::LocalAverage;
};

struct Point {
    int x = 0;
    int y = 0;
};

struct Decoded {
    std::string text;  // UTF-8
    // From the symbol's timing pattern; empty when the image is too distorted to measure.
    std::optional<int> version;
    std::optional<ErrorCorrection> ec;
    // Outer corners in pixels: top-left, top-right, bottom-right, bottom-left of the symbol
    // in its own orientation, so a rotated code has its top-left wherever it landed.
    std::array<Point, 4> corners{};
};

/// All readable QR codes in `image`, in the order ZXing found them. An image without any
/// gives ErrorCode::NotFound; a malformed view gives ErrorCode::InvalidImage.
Result<std::vector<Decoded>, Error> decode(GrayView image, const DecodeOptions& options = {});

}  // namespace gate::qr
