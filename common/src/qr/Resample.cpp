#include "qr/Resample.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace gate::qr {

void upscale(GrayView in, int factor, GrayImage& out) {
    const int w = in.width * factor, h = in.height * factor;
    out.width = w;
    out.height = h;
    out.pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    // Sample at pixel centres: source coordinate (x + 0.5) / factor - 0.5, in 1/(2 factor)
    // steps, kept in integers.
    const int twice = 2 * factor;
    for (int y = 0; y < h; ++y) {
        const int sy2 = std::max(0, 2 * y + 1 - factor);  // source y * twice
        const int y0 = std::min(in.height - 1, sy2 / twice);
        const int y1 = std::min(in.height - 1, y0 + 1);
        const int fy = sy2 - y0 * twice;  // 0..twice-1
        const std::uint8_t* r0 = in.data + static_cast<std::ptrdiff_t>(y0) * in.stride;
        const std::uint8_t* r1 = in.data + static_cast<std::ptrdiff_t>(y1) * in.stride;
        std::uint8_t* dst = out.pixels.data() + static_cast<std::ptrdiff_t>(y) * w;
        for (int x = 0; x < w; ++x) {
            const int sx2 = std::max(0, 2 * x + 1 - factor);
            const int x0 = std::min(in.width - 1, sx2 / twice);
            const int x1 = std::min(in.width - 1, x0 + 1);
            const int fx = sx2 - x0 * twice;
            const int top = r0[x0] * (twice - fx) + r0[x1] * fx;
            const int bottom = r1[x0] * (twice - fx) + r1[x1] * fx;
            const int v = top * (twice - fy) + bottom * fy;
            dst[x] = static_cast<std::uint8_t>((v + twice * twice / 2) / (twice * twice));
        }
    }
}

void downscale_box(GrayView in, int factor, GrayImage& out) {
    const int w = std::max(1, in.width / factor), h = std::max(1, in.height / factor);
    out.width = w;
    out.height = h;
    out.pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    const int area = factor * factor;
    for (int y = 0; y < h; ++y) {
        std::uint8_t* dst = out.pixels.data() + static_cast<std::ptrdiff_t>(y) * w;
        for (int x = 0; x < w; ++x) {
            int total = 0;
            for (int dy = 0; dy < factor; ++dy) {
                const int sy = std::min(in.height - 1, y * factor + dy);
                const std::uint8_t* row = in.data + static_cast<std::ptrdiff_t>(sy) * in.stride;
                for (int dx = 0; dx < factor; ++dx)
                    total += row[std::min(in.width - 1, x * factor + dx)];
            }
            dst[x] = static_cast<std::uint8_t>((total + area / 2) / area);
        }
    }
}

}  // namespace gate::qr
