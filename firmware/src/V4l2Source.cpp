// A V4L2 camera as a frame source: mmap streaming with four buffers, GREY, NV12 or YUYV.
// The newest frame wins: the driver fills the free buffers while the decoder works, and
// next() takes every frame that is ready and keeps only the latest, handing the older ones
// straight back, so the decoder never works through a backlog of stale frames.
// Only the conversion (LumaConversion.cpp) can be tested without a device; here every
// failure says which device and step failed and what to try.
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "gate/scanner/FrameSource.h"
#include "gate/scanner/LumaConversion.h"

namespace gate::scanner {
namespace {

int xioctl(int fd, unsigned long request, void* arg) {
    int r;
    do {
        r = ::ioctl(fd, request, arg);
    } while (r == -1 && errno == EINTR);
    return r;
}

std::string errno_text() {
    return std::strerror(errno);
}

struct MappedBuffer {
    void* start = nullptr;
    std::size_t length = 0;
};

class V4l2Source final : public FrameSource {
  public:
    explicit V4l2Source(std::string device) : device_(std::move(device)) {}

    ~V4l2Source() override {
        if (fd_ < 0) return;
        if (streaming_) {
            v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            xioctl(fd_, VIDIOC_STREAMOFF, &type);
        }
        for (auto& b : buffers_)
            if (b.start != nullptr) ::munmap(b.start, b.length);
        ::close(fd_);
    }
    V4l2Source(const V4l2Source&) = delete;
    V4l2Source& operator=(const V4l2Source&) = delete;

    Status<SourceError> start(int width, int height) {
        fd_ = ::open(device_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0)
            return problem("cannot open: " + errno_text() +
                           " (is the camera connected? list cameras with `ls /dev/video*`, or "
                           "scan images with --source DIR)");
        v4l2_capability cap{};
        if (xioctl(fd_, VIDIOC_QUERYCAP, &cap) < 0)
            return problem("is not a V4L2 device: " + errno_text());
        if ((cap.capabilities & V4L2_CAP_VIDEO_CAPTURE) == 0 ||
            (cap.capabilities & V4L2_CAP_STREAMING) == 0)
            return problem("cannot capture video by streaming (try another /dev/videoN)");

        // Prefer formats that need no conversion.
        bool chosen = false;
        for (auto [fourcc, format] : {std::pair{V4L2_PIX_FMT_GREY, PixelFormat::Grey},
                                      std::pair{V4L2_PIX_FMT_NV12, PixelFormat::Nv12},
                                      std::pair{V4L2_PIX_FMT_YUYV, PixelFormat::Yuyv}}) {
            v4l2_format fmt{};
            fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            fmt.fmt.pix.width = static_cast<__u32>(width);
            fmt.fmt.pix.height = static_cast<__u32>(height);
            fmt.fmt.pix.pixelformat = fourcc;
            fmt.fmt.pix.field = V4L2_FIELD_NONE;
            if (xioctl(fd_, VIDIOC_S_FMT, &fmt) == 0 && fmt.fmt.pix.pixelformat == fourcc) {
                format_ = format;
                width_ = static_cast<int>(fmt.fmt.pix.width);
                height_ = static_cast<int>(fmt.fmt.pix.height);
                bytes_per_line_ = static_cast<int>(fmt.fmt.pix.bytesperline);
                if (bytes_per_line_ == 0)
                    bytes_per_line_ = format == PixelFormat::Yuyv ? width_ * 2 : width_;
                chosen = true;
                break;
            }
        }
        if (!chosen)
            return problem("refuses GREY, NV12 and YUYV at " + std::to_string(width) + "x" +
                           std::to_string(height) +
                           " (check `v4l2-ctl --list-formats-ext`, or feed frames with y8:WxH)");

        v4l2_requestbuffers req{};
        req.count = 4;
        req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        req.memory = V4L2_MEMORY_MMAP;
        if (xioctl(fd_, VIDIOC_REQBUFS, &req) < 0 || req.count < 2)
            return problem("cannot get capture buffers: " + errno_text());
        buffers_.resize(req.count);
        for (__u32 i = 0; i < req.count; ++i) {
            v4l2_buffer buf{};
            buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            buf.memory = V4L2_MEMORY_MMAP;
            buf.index = i;
            if (xioctl(fd_, VIDIOC_QUERYBUF, &buf) < 0)
                return problem("cannot query buffer: " + errno_text());
            void* start =
                ::mmap(nullptr, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, buf.m.offset);
            if (start == MAP_FAILED) return problem("cannot map buffer: " + errno_text());
            buffers_[i] = {start, buf.length};
            if (xioctl(fd_, VIDIOC_QBUF, &buf) < 0)
                return problem("cannot queue buffer: " + errno_text());
        }
        v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(fd_, VIDIOC_STREAMON, &type) < 0)
            return problem("cannot start streaming: " + errno_text());
        streaming_ = true;
        return {};
    }

    Result<std::optional<Frame>, SourceError> next() override {
        if (held_) {  // hand the previous buffer back to the driver
            if (xioctl(fd_, VIDIOC_QBUF, &*held_) < 0)
                return fail(SourceError{device_ + ": cannot requeue buffer: " + errno_text()});
            held_.reset();
        }
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, 2000);
        if (ready == 0)
            return fail(SourceError{device_ + ": no frame for 2 s (camera unplugged or stalled)"});
        if (ready < 0 && errno == EINTR) return std::optional<Frame>{};  // SIGINT/SIGTERM: stop
        if (ready < 0) return fail(SourceError{device_ + ": poll failed: " + errno_text()});
        v4l2_buffer buf{};
        buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buf.memory = V4L2_MEMORY_MMAP;
        if (xioctl(fd_, VIDIOC_DQBUF, &buf) < 0)
            return fail(SourceError{device_ + ": cannot dequeue a frame: " + errno_text()});
        // Newer frames already waiting (the decoder was busy): skip to the newest. The fd
        // is non-blocking, so DQBUF says EAGAIN once none is left.
        for (;;) {
            v4l2_buffer newer{};
            newer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            newer.memory = V4L2_MEMORY_MMAP;
            if (xioctl(fd_, VIDIOC_DQBUF, &newer) < 0) break;
            if (xioctl(fd_, VIDIOC_QBUF, &buf) < 0)
                return fail(SourceError{device_ + ": cannot requeue buffer: " + errno_text()});
            buf = newer;
            ++skipped_;
        }
        held_ = buf;
        const auto& mapped = buffers_[buf.index];
        std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(mapped.start),
                                            std::min<std::size_t>(buf.bytesused, mapped.length));
        auto luma = luma_of(format_, bytes, width_, height_, bytes_per_line_, scratch_);
        if (!luma)
            return fail(SourceError{device_ + ": bad frame: " + std::string(luma.error().message)});
        ++count_;
        return std::optional<Frame>{Frame{*luma, "frame " + std::to_string(count_)}};
    }

    std::string describe() const override {
        std::string out =
            "camera " + device_ + " " + std::to_string(width_) + "x" + std::to_string(height_);
        if (skipped_ > 0) out += " (" + std::to_string(skipped_) + " older frames skipped)";
        return out;
    }

  private:
    Status<SourceError> problem(const std::string& what) {
        return fail(SourceError{device_ + ": " + what});
    }

    std::string device_;
    int fd_ = -1;
    bool streaming_ = false;
    PixelFormat format_ = PixelFormat::Grey;
    int width_ = 0;
    int height_ = 0;
    int bytes_per_line_ = 0;
    std::vector<MappedBuffer> buffers_;
    std::optional<v4l2_buffer> held_;
    std::vector<std::uint8_t> scratch_;
    std::size_t count_ = 0;
    std::size_t skipped_ = 0;  // frames dropped because a newer one was ready
};

}  // namespace

Result<std::unique_ptr<FrameSource>, SourceError> open_v4l2(const std::string& device, int width,
                                                            int height) {
    auto source = std::make_unique<V4l2Source>(device);
    if (auto started = source->start(width, height); !started) return fail(started.error());
    return std::unique_ptr<FrameSource>(std::move(source));
}

}  // namespace gate::scanner
