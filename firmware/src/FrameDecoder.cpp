#include "gate/scanner/FrameDecoder.h"

#include <algorithm>

namespace gate::scanner {
namespace {

qr::PipelineOptions pipeline_options(const DecoderOptions& options) {
    qr::PipelineOptions out;
    if (!options.fallback) out.passes = {qr::DecodePass::Plain};
    out.budget = options.budget;
    out.time_limit = options.time_limit;
    out.time_guard = options.time_guard;
    return out;
}

}  // namespace

FrameDecoder::FrameDecoder(DecoderOptions options, CodeAcceptor accept)
    : options_(options), accept_(std::move(accept)), pipeline_(pipeline_options(options_)) {}

Result<std::optional<FrameRead>, qr::Error> FrameDecoder::read(qr::GrayView frame) {
    qr::GrayView view = frame;
    view_x_ = view_y_ = 0;
    if (options_.roi) {  // a view into the frame: no copy
        const Roi& r = *options_.roi;
        const int x0 = std::clamp(r.x, 0, frame.width), y0 = std::clamp(r.y, 0, frame.height);
        const int x1 = std::clamp(r.x + r.width, x0, frame.width);
        const int y1 = std::clamp(r.y + r.height, y0, frame.height);
        if (x1 - x0 > 0 && y1 - y0 > 0) {
            view.data = frame.data + static_cast<std::ptrdiff_t>(y0) * frame.stride + x0;
            view.width = x1 - x0;
            view.height = y1 - y0;
            view_x_ = x0;
            view_y_ = y0;
        }
    }
    const int n = std::clamp(options_.downscale, 1, 8);
    view_scale_ = 1;
    if (n > 1 && view.width >= n && view.height >= n) {
        const int w = view.width / n, h = view.height / n;
        scratch_.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
        for (int y = 0; y < h; ++y) {
            const std::uint8_t* in = view.data + static_cast<std::ptrdiff_t>(y * n) * view.stride;
            std::uint8_t* out = scratch_.data() + static_cast<std::ptrdiff_t>(y) * w;
            for (int x = 0; x < w; ++x)
                out[x] = in[x * n];
        }
        view = {scratch_.data(), w, h, w};
        view_scale_ = n;
    }

    const std::optional<qr::Region> hint =
        options_.track ? tracker_.region() : std::optional<qr::Region>{};
    auto found = pipeline_.read(view, accept_, hint);
    if (!found) return fail(found.error());
    const bool genuine = found->accepted.has_value();
    const auto& decoded = genuine ? found->accepted : found->first_read;
    if (!decoded) {
        tracker_.missed();
        return std::optional<FrameRead>{};
    }
    // A code read but refused is still where the holder holds it: track it too.
    tracker_.seen(decoded->corners, view.width, view.height);
    FrameRead out;
    out.text = decoded->text;
    out.genuine = genuine || !accept_;
    out.pass = genuine ? *found->accepted_by : *found->first_read_by;
    out.from_tracked_region = genuine ? found->accepted_in_hint : found->first_read_in_hint;
    return std::optional<FrameRead>{std::move(out)};
}

Result<std::optional<std::string>, qr::Error> FrameDecoder::decode(qr::GrayView frame) {
    auto got = read(frame);
    if (!got) return fail(got.error());
    if (!*got) return std::optional<std::string>{};
    return std::optional<std::string>{std::move((*got)->text)};
}

std::optional<Roi> FrameDecoder::tracked_region() const {
    const auto region = tracker_.region();
    if (!region) return std::nullopt;
    return Roi{view_x_ + region->x * view_scale_, view_y_ + region->y * view_scale_,
               region->width * view_scale_, region->height * view_scale_};
}

}  // namespace gate::scanner
