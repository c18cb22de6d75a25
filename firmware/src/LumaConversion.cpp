#include "gate/scanner/LumaConversion.h"

namespace gate::scanner {

Result<qr::GrayView, ConversionError> luma_of(PixelFormat format,
                                              std::span<const std::uint8_t> buffer, int width,
                                              int height, int bytes_per_line,
                                              std::vector<std::uint8_t>& scratch) {
    if (width <= 0 || height <= 0) return fail(ConversionError{"frame size is not positive"});
    const int min_line = format == PixelFormat::Yuyv ? width * 2 : width;
    if (bytes_per_line < min_line)
        return fail(ConversionError{"line stride is shorter than a line of pixels"});
    if (format == PixelFormat::Yuyv && width % 2 != 0)
        return fail(ConversionError{"YUYV needs an even width"});
    // The last line need not be padded to the full stride.
    const auto needed =
        static_cast<std::size_t>(bytes_per_line) * static_cast<std::size_t>(height - 1) +
        static_cast<std::size_t>(min_line);
    if (buffer.size() < needed) return fail(ConversionError{"buffer is smaller than the frame"});

    switch (format) {
        case PixelFormat::Grey:
        case PixelFormat::Nv12:  // the Y plane comes first; chroma is ignored
            return qr::GrayView{buffer.data(), width, height, bytes_per_line};
        case PixelFormat::Yuyv: {
            const auto w = static_cast<std::size_t>(width);
            scratch.resize(w * static_cast<std::size_t>(height));
            for (std::size_t y = 0; y < static_cast<std::size_t>(height); ++y) {
                const std::uint8_t* in =
                    buffer.data() + y * static_cast<std::size_t>(bytes_per_line);
                std::uint8_t* out = scratch.data() + y * w;
                for (std::size_t x = 0; x < w; ++x)
                    out[x] = in[2 * x];
            }
            return qr::GrayView{scratch.data(), width, height, width};
        }
    }
    return fail(ConversionError{"unknown pixel format"});
}

}  // namespace gate::scanner
