#pragma once
// Camera pixel formats to the luma plane the QR decoder reads. GREY and NV12 already hold
// a luma plane (a view, no copy); YUYV interleaves it with chroma (one copy of every other
// byte). Kept apart from the V4L2 ioctls so it is tested on captured-format buffers.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "gate/Result.h"
#include "gate/qr/GrayImage.h"

namespace gate::scanner {

enum class PixelFormat {
    Grey,  ///< V4L2_PIX_FMT_GREY: 1 byte of luma per pixel
    Yuyv,  ///< V4L2_PIX_FMT_YUYV: Y0 U Y1 V per two pixels
    Nv12,  ///< V4L2_PIX_FMT_NV12: a luma plane, then interleaved chroma at half size
};

struct ConversionError {
    std::string_view message;
};

/// The luma plane of one captured buffer. `bytes_per_line` is the driver's line stride
/// (for YUYV, in bytes of the packed line). `scratch` holds converted pixels when a copy is
/// needed; the view points into `buffer` or `scratch`.
Result<qr::GrayView, ConversionError> luma_of(PixelFormat format,
                                              std::span<const std::uint8_t> buffer, int width,
                                              int height, int bytes_per_line,
                                              std::vector<std::uint8_t>& scratch);

}  // namespace gate::scanner
