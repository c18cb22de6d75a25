#include "qr/DecodePasses.h"

#include <algorithm>
#include <cmath>

#include "qr/Invert.h"
#include "qr/LocalContrast.h"
#include "qr/Resample.h"
#include "qr/Sharpen.h"

namespace gate::qr {
namespace {

// An enlargement is for small symbols; past this a 2x copy costs more than it can find.
constexpr int kUpscaleMaxSide = 640;
// A reduction is for large symbols; below this the modules would merge.
constexpr int kDownscaleMinSide = 200;

double area(const Decoded& d) {
    // Shoelace formula over the four corners.
    double twice = 0;
    for (std::size_t i = 0; i < d.corners.size(); ++i) {
        const Point& a = d.corners[i];
        const Point& b = d.corners[(i + 1) % d.corners.size()];
        twice += static_cast<double>(a.x) * b.y - static_cast<double>(b.x) * a.y;
    }
    return std::abs(twice) / 2;
}

std::vector<Decoded> zxing(GrayView view, DecodeOptions options) {
    auto found = decode(view, options);
    if (!found) return {};
    // The largest symbol first: the one held up to the camera, not a small code printed
    // beside it (or inside it).
    std::stable_sort(found->begin(), found->end(),
                     [](const Decoded& a, const Decoded& b) { return area(a) > area(b); });
    return std::move(found).value();
}

// Corners found in a resampled copy, back in the view's pixels.
std::vector<Decoded> rescaled(std::vector<Decoded> found, double factor) {
    for (auto& d : found)
        for (auto& p : d.corners)
            p = {static_cast<int>(std::lround(p.x * factor)),
                 static_cast<int>(std::lround(p.y * factor))};
    return found;
}

}  // namespace

bool pass_applies(DecodePass pass, GrayView view) noexcept {
    const int shorter = std::min(view.width, view.height);
    switch (pass) {
        case DecodePass::Upscaled:
            return std::max(view.width, view.height) <= kUpscaleMaxSide;
        case DecodePass::Downscaled:
            return shorter >= kDownscaleMinSide;
        default:
            return true;
    }
}

std::vector<Decoded> run_pass(DecodePass pass, GrayView view, int max_symbols,
                              DecodePipeline::Workspace& workspace) {
    DecodeOptions options;
    options.max_symbols = max_symbols;
    GrayImage& filtered = workspace.filtered;
    switch (pass) {
        case DecodePass::Plain:
            return zxing(view, options);
        case DecodePass::GlobalHistogram:
            options.binarizer = Binarizer::GlobalHistogram;
            return zxing(view, options);
        case DecodePass::Inverted:
            invert(view, filtered);
            return zxing(filtered.view(), options);
        case DecodePass::LocalContrast:
            // The normalised image is centred on 128: a fixed threshold is the local one.
            normalise_local_contrast(view, filtered);
            options.binarizer = Binarizer::FixedThreshold;
            return zxing(filtered.view(), options);
        case DecodePass::Downscaled:
            downscale_box(view, 2, filtered);
            options.try_downscale = false;  // already reduced
            return rescaled(zxing(filtered.view(), options), 2.0);
        case DecodePass::Upscaled:
            upscale(view, 2, filtered);
            options.try_downscale = false;  // would undo the enlargement
            return rescaled(zxing(filtered.view(), options), 0.5);
        case DecodePass::Zbar:
            return workspace.zbar.read(view);
        case DecodePass::Sharpened:
            sharpen(view, filtered);
            return zxing(filtered.view(), options);
        case DecodePass::TryHarder:
            options.try_harder = true;
            return zxing(view, options);
    }
    return {};
}

}  // namespace gate::qr
