#include "qr/Sharpen.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gate::qr {

void sharpen(GrayView in, GrayImage& out, int radius, float amount) {
    const int w = in.width, h = in.height;
    out.width = w;
    out.height = h;
    out.pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    auto row_of = [&](int y) { return in.data + static_cast<std::ptrdiff_t>(y) * in.stride; };
    // Column sums over the rows [y - radius, y + radius], slid down a row at a time.
    std::vector<std::uint32_t> col(static_cast<std::size_t>(w), 0);
    auto add_row = [&](int y, bool add) {
        const std::uint8_t* row = row_of(y);
        for (std::size_t x = 0; x < col.size(); ++x)
            col[x] = add ? col[x] + row[x] : col[x] - row[x];
    };
    for (int y = 0; y < std::min(h, radius); ++y)
        add_row(y, true);
    for (int y = 0; y < h; ++y) {
        if (y + radius < h) add_row(y + radius, true);
        if (y - radius - 1 >= 0) add_row(y - radius - 1, false);
        const int rows = std::min(h, y + radius + 1) - std::max(0, y - radius);
        const std::uint8_t* row = row_of(y);
        std::uint8_t* dst = out.pixels.data() + static_cast<std::ptrdiff_t>(y) * w;
        std::uint32_t s = 0;
        for (int x = 0; x < std::min(w, radius); ++x)
            s += col[static_cast<std::size_t>(x)];
        for (int x = 0; x < w; ++x) {
            if (x + radius < w) s += col[static_cast<std::size_t>(x + radius)];
            if (x - radius - 1 >= 0) s -= col[static_cast<std::size_t>(x - radius - 1)];
            const int cols = std::min(w, x + radius + 1) - std::max(0, x - radius);
            const float mean = static_cast<float>(s) / static_cast<float>(rows * cols);
            const float p = row[x];
            const float v = p + amount * (p - mean);
            dst[x] = static_cast<std::uint8_t>(std::clamp(v, 0.0F, 255.0F) + 0.5F);
        }
    }
}

}  // namespace gate::qr
