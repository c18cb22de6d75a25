#include "qr/Invert.h"

#include <cstddef>

namespace gate::qr {

void invert(GrayView in, GrayImage& out) {
    out.width = in.width;
    out.height = in.height;
    out.pixels.resize(static_cast<std::size_t>(in.width) * static_cast<std::size_t>(in.height));
    for (int y = 0; y < in.height; ++y) {
        const std::uint8_t* row = in.data + static_cast<std::ptrdiff_t>(y) * in.stride;
        std::uint8_t* dst = out.pixels.data() + static_cast<std::ptrdiff_t>(y) * in.width;
        for (int x = 0; x < in.width; ++x)
            dst[x] = static_cast<std::uint8_t>(255 - row[x]);
    }
}

}  // namespace gate::qr
