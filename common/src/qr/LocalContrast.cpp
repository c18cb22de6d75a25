#include "qr/LocalContrast.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gate::qr {

void normalise_local_contrast(GrayView in, GrayImage& out, int radius) {
    const int w = in.width, h = in.height;
    if (radius <= 0) radius = std::max(4, std::min(w, h) / 20);
    out.width = w;
    out.height = h;
    out.pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    auto row_of = [&](int y) { return in.data + static_cast<std::ptrdiff_t>(y) * in.stride; };

    // Column sums of p and p^2 over the rows [y - radius, y + radius], slid down one row at a
    // time; each output row then slides a window along them. O(1) per pixel.
    const auto width = static_cast<std::size_t>(w);
    std::vector<std::uint32_t> col(width, 0), col_sq(width, 0);
    auto add_row = [&](int y, bool add) {
        const std::uint8_t* row = row_of(y);
        for (std::size_t x = 0; x < width; ++x) {
            const std::uint32_t p = row[x];
            if (add) {
                col[x] += p;
                col_sq[x] += p * p;
            } else {
                col[x] -= p;
                col_sq[x] -= p * p;
            }
        }
    };
    for (int y = 0; y < std::min(h, radius); ++y)
        add_row(y, true);

    // A floor on the spread keeps sensor noise in flat areas from being stretched into
    // structure that a detector would chase.
    constexpr float kFloor = 8.0F;
    for (int y = 0; y < h; ++y) {
        if (y + radius < h) add_row(y + radius, true);
        if (y - radius - 1 >= 0) add_row(y - radius - 1, false);
        const int rows = std::min(h, y + radius + 1) - std::max(0, y - radius);
        const std::uint8_t* row = row_of(y);
        std::uint8_t* dst = out.pixels.data() + static_cast<std::ptrdiff_t>(y) * w;
        std::uint64_t s = 0, s2 = 0;
        for (int x = 0; x < std::min(w, radius); ++x) {
            s += col[static_cast<std::size_t>(x)];
            s2 += col_sq[static_cast<std::size_t>(x)];
        }
        for (int x = 0; x < w; ++x) {
            if (x + radius < w) {
                s += col[static_cast<std::size_t>(x + radius)];
                s2 += col_sq[static_cast<std::size_t>(x + radius)];
            }
            if (x - radius - 1 >= 0) {
                s -= col[static_cast<std::size_t>(x - radius - 1)];
                s2 -= col_sq[static_cast<std::size_t>(x - radius - 1)];
            }
            const int cols = std::min(w, x + radius + 1) - std::max(0, x - radius);
            const float inv_n = 1.0F / static_cast<float>(rows * cols);
            const float mean = static_cast<float>(s) * inv_n;
            const float var = static_cast<float>(s2) * inv_n - mean * mean;
            const float sd = std::sqrt(std::max(0.0F, var));
            const float v = 128.0F + 64.0F * (static_cast<float>(row[x]) - mean) / (sd + kFloor);
            dst[x] = static_cast<std::uint8_t>(std::clamp(v, 0.0F, 255.0F) + 0.5F);
        }
    }
}

}  // namespace gate::qr
