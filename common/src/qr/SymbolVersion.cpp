#include "qr/SymbolVersion.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gate::qr {
namespace {

// A projective map of the unit square onto the symbol's quadrilateral, so module centres
// land right under perspective as well as under plain scaling and rotation.
class SquareToQuad {
  public:
    explicit SquareToQuad(const std::array<Point, 4>& q) {
        const double x0 = q[0].x, y0 = q[0].y, x1 = q[1].x, y1 = q[1].y;
        const double x2 = q[2].x, y2 = q[2].y, x3 = q[3].x, y3 = q[3].y;
        const double dx1 = x1 - x2, dx2 = x3 - x2, dx3 = x0 - x1 + x2 - x3;
        const double dy1 = y1 - y2, dy2 = y3 - y2, dy3 = y0 - y1 + y2 - y3;
        const double den = dx1 * dy2 - dx2 * dy1;
        if (std::abs(den) > 1e-9) {
            g_ = (dx3 * dy2 - dx2 * dy3) / den;
            h_ = (dx1 * dy3 - dx3 * dy1) / den;
        }
        a_ = x1 - x0 + g_ * x1;
        b_ = x3 - x0 + h_ * x3;
        c_ = x0;
        d_ = y1 - y0 + g_ * y1;
        e_ = y3 - y0 + h_ * y3;
        f_ = y0;
    }

    void map(double u, double v, double& x, double& y) const {
        const double w = g_ * u + h_ * v + 1.0;
        x = (a_ * u + b_ * v + c_) / w;
        y = (d_ * u + e_ * v + f_) / w;
    }

  private:
    double a_ = 0, b_ = 0, c_ = 0, d_ = 0, e_ = 0, f_ = 0, g_ = 0, h_ = 0;
};

class Sampler {
  public:
    Sampler(GrayView image, const std::array<Point, 4>& corners) : image_(image), map_(corners) {}

    std::uint8_t at_unit(double u, double v) const {
        double x = 0;
        double y = 0;
        map_.map(u, v, x, y);
        if (!std::isfinite(x) || !std::isfinite(y)) return 255;
        const int px = std::clamp(static_cast<int>(std::floor(x)), 0, image_.width - 1);
        const int py = std::clamp(static_cast<int>(std::floor(y)), 0, image_.height - 1);
        return image_.data[static_cast<std::ptrdiff_t>(py) * image_.stride + px];
    }

  private:
    GrayView image_;
    SquareToQuad map_;
};

// Threshold between the symbol's dark and light modules. Percentiles rather than min/max
// so that sensor noise or a few specks do not drag it.
std::optional<int> dark_light_threshold(const Sampler& sampler) {
    constexpr int kGrid = 32;
    std::vector<std::uint8_t> values;
    values.reserve(kGrid * kGrid);
    for (int j = 0; j < kGrid; ++j)
        for (int i = 0; i < kGrid; ++i)
            values.push_back(sampler.at_unit((i + 0.5) / kGrid, (j + 0.5) / kGrid));
    std::sort(values.begin(), values.end());
    const int lo = values[values.size() / 10];
    const int hi = values[values.size() * 9 / 10];
    if (hi - lo < 32) return std::nullopt;
    return (lo + hi) / 2;
}

// Whether module (mx, my) is dark in the function patterns every version shares, or
// nothing when the module carries data.
struct Expectation {
    bool known = false;
    bool dark = false;
};

Expectation expected_module(int mx, int my, int dim) {
    auto finder = [](int lx, int ly) -> Expectation {
        if (lx == 7 || ly == 7) return {true, false};  // separator
        const int ring = std::max(std::abs(lx - 3), std::abs(ly - 3));
        return {true, ring != 2};
    };
    if (mx <= 7 && my <= 7) return finder(mx, my);
    if (mx >= dim - 8 && my <= 7) return finder(dim - 1 - mx, my);
    if (mx <= 7 && my >= dim - 8) return finder(mx, dim - 1 - my);
    if (my == 6 && mx >= 8 && mx <= dim - 9) return {true, mx % 2 == 0};
    if (mx == 6 && my >= 8 && my <= dim - 9) return {true, my % 2 == 0};
    return {};
}

double match_ratio(const Sampler& sampler, int threshold, int dim) {
    int matched = 0;
    int total = 0;
    auto check = [&](int mx, int my) {
        const Expectation want = expected_module(mx, my, dim);
        if (!want.known) return;
        const bool dark = sampler.at_unit((mx + 0.5) / dim, (my + 0.5) / dim) < threshold;
        matched += dark == want.dark ? 1 : 0;
        ++total;
    };
    for (int a = 0; a < 8; ++a) {
        for (int b = 0; b < 8; ++b) {
            check(a, b);
            check(dim - 1 - a, b);
            check(a, dim - 1 - b);
        }
    }
    for (int k = 8; k <= dim - 9; ++k) {
        check(k, 6);
        check(6, k);
    }
    return total == 0 ? 0.0 : static_cast<double>(matched) / total;
}

}  // namespace

std::optional<int> measure_version(GrayView image, const std::array<Point, 4>& corners) {
    if (image.data == nullptr || image.width <= 0 || image.height <= 0) return std::nullopt;
    const Sampler sampler(image, corners);
    const auto threshold = dark_light_threshold(sampler);
    if (!threshold) return std::nullopt;

    // A wrong grid matches the timing patterns about half the time and misplaces finder
    // rings, so the right version stands well clear of its neighbours.
    constexpr double kMinRatio = 0.9;
    int best_version = 0;
    double best_ratio = 0.0;
    for (int version = 1; version <= 40; ++version) {
        const double ratio = match_ratio(sampler, *threshold, 17 + 4 * version);
        if (ratio > best_ratio) {
            best_ratio = ratio;
            best_version = version;
        }
    }
    if (best_ratio < kMinRatio) return std::nullopt;
    return best_version;
}

}  // namespace gate::qr
