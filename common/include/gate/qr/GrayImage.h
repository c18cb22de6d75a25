#pragma once
// 8-bit grayscale rasters (0 = black, 255 = white): GrayView borrows one, such as the Y plane
// of a camera frame; GrayImage owns one, such as a rendered code or a loaded file.

#include <cstdint>
#include <vector>

namespace gate::qr {

/// A borrowed row-major raster; `stride` is the distance in bytes between row starts.
struct GrayView {
    const std::uint8_t* data = nullptr;
    int width = 0;
    int height = 0;
    int stride = 0;
};

/// An owned row-major raster without row padding: pixels.size() == width * height.
struct GrayImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;

    GrayView view() const noexcept { return {pixels.data(), width, height, width}; }
};

}  // namespace gate::qr
