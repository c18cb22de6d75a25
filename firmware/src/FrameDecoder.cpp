#include "gate/scanner/FrameDecoder.h"

#include <algorithm>

namespace gate::scanner {

Result<std::optional<std::string>, qr::Error> FrameDecoder::decode(qr::GrayView frame) {
    qr::GrayView view = frame;
    if (options_.roi) {  // a view into the frame: no copy
        const Roi& r = *options_.roi;
        const int x0 = std::clamp(r.x, 0, frame.width), y0 = std::clamp(r.y, 0, frame.height);
        const int x1 = std::clamp(r.x + r.width, x0, frame.width);
        const int y1 = std::clamp(r.y + r.height, y0, frame.height);
        if (x1 - x0 > 0 && y1 - y0 > 0) {
            view.data = frame.data + static_cast<std::ptrdiff_t>(y0) * frame.stride + x0;
            view.width = x1 - x0;
            view.height = y1 - y0;
        }
    }
    const int n = std::clamp(options_.downscale, 1, 8);
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
    }
    qr::DecodeOptions options;
    options.try_harder = options_.try_harder;
    options.try_downscale = options_.try_downscale;
    options.max_symbols = 1;
    auto found = qr::decode(view, options);
    if (!found) {
        if (found.error().code == qr::ErrorCode::NotFound) return std::optional<std::string>{};
        return fail(found.error());
    }
    return std::optional<std::string>{std::move(found->front().text)};
}

}  // namespace gate::scanner
