// Raw 8-bit luma frames on a pipe or file, one after another with no header, e.g. from
//   ffmpeg -f v4l2 -i /dev/video0 -pix_fmt gray -f rawvideo - | gate-scanner scan --source
//   y8:640x480
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "gate/scanner/FrameSource.h"

namespace gate::scanner {
namespace {

class Y8StreamSource final : public FrameSource {
  public:
    Y8StreamSource(int fd, int width, int height, bool owns_fd)
        : fd_(fd),
          width_(width),
          height_(height),
          owns_fd_(owns_fd),
          buffer_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height)) {}

    ~Y8StreamSource() override {
        if (owns_fd_) ::close(fd_);
    }
    Y8StreamSource(const Y8StreamSource&) = delete;
    Y8StreamSource& operator=(const Y8StreamSource&) = delete;

    Result<std::optional<Frame>, SourceError> next() override {
        std::size_t filled = 0;
        while (filled < buffer_.size()) {
            const ssize_t n = ::read(fd_, buffer_.data() + filled, buffer_.size() - filled);
            if (n < 0) {
                // SIGINT/SIGTERM while waiting for a new frame ends the stream (the handlers
                // are installed without SA_RESTART); inside a frame, keep reading.
                if (errno == EINTR && filled == 0) return std::optional<Frame>{};
                if (errno == EINTR) continue;
                return fail(
                    SourceError{std::string("reading Y8 frames failed: ") + std::strerror(errno)});
            }
            if (n == 0) break;
            filled += static_cast<std::size_t>(n);
        }
        if (filled == 0) return std::optional<Frame>{};  // clean end between frames
        if (filled < buffer_.size())
            return fail(SourceError{"Y8 stream ended inside frame " + std::to_string(count_ + 1) +
                                    " (" + std::to_string(filled) + " of " +
                                    std::to_string(buffer_.size()) +
                                    " bytes): check the frame size given in y8:WxH"});
        ++count_;
        return std::optional<Frame>{Frame{qr::GrayView{buffer_.data(), width_, height_, width_},
                                          "frame " + std::to_string(count_)}};
    }

    std::string describe() const override {
        return "Y8 stream " + std::to_string(width_) + "x" + std::to_string(height_);
    }

  private:
    int fd_;
    int width_;
    int height_;
    bool owns_fd_;
    std::vector<std::uint8_t> buffer_;
    std::size_t count_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> open_y8_stream(int fd, int width, int height, bool owns_fd) {
    return std::make_unique<Y8StreamSource>(fd, width, height, owns_fd);
}

}  // namespace gate::scanner
