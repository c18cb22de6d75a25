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

    // Integral images of p and p^2, one extra row and column of zeros.
    const auto iw = static_cast<std::size_t>(w) + 1;
    std::vector<std::uint64_t> sum(iw * (static_cast<std::size_t>(h) + 1), 0);
    std::vector<std::uint64_t> sq(sum.size(), 0);
    for (int y = 0; y < h; ++y) {
        const std::uint8_t* row = in.data + static_cast<std::ptrdiff_t>(y) * in.stride;
        std::uint64_t run = 0, run_sq = 0;
        const std::size_t above = static_cast<std::size_t>(y) * iw;
        const std::size_t here = above + iw;
        for (int x = 0; x < w; ++x) {
            const std::uint64_t p = row[x];
            run += p;
            run_sq += p * p;
            const auto i = static_cast<std::size_t>(x) + 1;
            sum[here + i] = sum[above + i] + run;
            sq[here + i] = sq[above + i] + run_sq;
        }
    }

    // A floor on the spread keeps sensor noise in flat areas from being stretched into
    // structure that a detector would chase.
    constexpr double kFloor = 8.0;
    for (int y = 0; y < h; ++y) {
        const int y0 = std::max(0, y - radius), y1 = std::min(h, y + radius + 1);
        const std::uint8_t* row = in.data + static_cast<std::ptrdiff_t>(y) * in.stride;
        std::uint8_t* dst = out.pixels.data() + static_cast<std::ptrdiff_t>(y) * w;
        const std::size_t top = static_cast<std::size_t>(y0) * iw;
        const std::size_t bottom = static_cast<std::size_t>(y1) * iw;
        for (int x = 0; x < w; ++x) {
            const auto x0 = static_cast<std::size_t>(std::max(0, x - radius));
            const auto x1 = static_cast<std::size_t>(std::min(w, x + radius + 1));
            const auto n = static_cast<double>((x1 - x0) * static_cast<std::size_t>(y1 - y0));
            const auto s = static_cast<double>(sum[bottom + x1] - sum[bottom + x0] -
                                               sum[top + x1] + sum[top + x0]);
            const auto s2 = static_cast<double>(sq[bottom + x1] - sq[bottom + x0] - sq[top + x1] +
                                                sq[top + x0]);
            const double mean = s / n;
            const double sd = std::sqrt(std::max(0.0, s2 / n - mean * mean));
            const double v = 128.0 + 64.0 * (row[x] - mean) / (sd + kFloor);
            dst[x] = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
        }
    }
}

}  // namespace gate::qr
