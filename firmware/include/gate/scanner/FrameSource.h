#pragma once
// Where camera frames come from: image files, a directory of them played in order, raw Y8
// frames on a pipe (a GStreamer or ffmpeg pipeline), or a V4L2 camera. The decode loop reads
// every source through this one interface and never knows which it has.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gate/Result.h"
#include "gate/qr/GrayImage.h"

namespace gate::scanner {

/// One frame's luma plane. The view stays valid until the source's next call to next().
struct Frame {
    qr::GrayView luma;
    std::string label;  ///< file name, or "frame N"
};

struct SourceError {
    std::string message;  ///< says what failed and what to do about it
};

class FrameSource {
  public:
    virtual ~FrameSource() = default;
    /// The next frame; an empty optional at the end of the source.
    virtual Result<std::optional<Frame>, SourceError> next() = 0;
    /// What the source reads, for messages ("directory tickets/ (12 images)").
    virtual std::string describe() const = 0;
};

/// Opens a source from its command-line spec:
///   PATH or file:PATH          one image (PNG, JPEG, PGM, BMP)
///   PATH or dir:PATH           every image in a directory, in file-name order
///   y8:WxH[:PATH]              raw 8-bit luma frames of W x H from PATH (default stdin)
///   v4l2:DEVICE[:WxH]          a V4L2 camera (GREY, NV12 or YUYV), default 640x480
Result<std::unique_ptr<FrameSource>, SourceError> open_source(std::string_view spec);

/// The individual sources, for tests and callers that build them directly.
Result<std::unique_ptr<FrameSource>, SourceError> open_image_files(std::string_view path);
/// Reads frames of width x height bytes from `fd` (not closed unless `owns_fd`).
std::unique_ptr<FrameSource> open_y8_stream(int fd, int width, int height, bool owns_fd = false);
Result<std::unique_ptr<FrameSource>, SourceError> open_v4l2(const std::string& device, int width,
                                                            int height);

}  // namespace gate::scanner
