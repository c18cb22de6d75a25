// Every frame source but live V4L2: image files, directories, raw Y8 on a pipe, and the
// V4L2 pixel-format conversion on captured-format buffers.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "ScannerFixture.h"
#include "gate/qr/Png.h"
#include "gate/scanner/FrameDecoder.h"
#include "gate/scanner/FrameSource.h"
#include "gate/scanner/LumaConversion.h"

using namespace gate;
using namespace gate::scanner;

namespace {

std::string decode_text(qr::GrayView view) {
    FrameDecoder decoder;
    auto text = decoder.decode(view);
    REQUIRE(text.ok());
    return text->value_or("");
}

void write_png(const std::filesystem::path& path, const std::string& text) {
    auto qr = qr::render(text);
    REQUIRE(qr.ok());
    REQUIRE(qr::write_png(qr->image, path).ok());
}

}  // namespace

TEST_CASE("an image file is one frame, then the end") {
    test::TempDir dir;
    write_png(dir / "one.png", "TK1:HELLO");
    auto source = open_source((dir / "one.png").string());
    REQUIRE(source.ok());
    auto frame = (*source)->next();
    REQUIRE(frame.ok());
    REQUIRE(frame->has_value());
    CHECK((*frame)->label == "one.png");
    CHECK(decode_text((*frame)->luma) == "TK1:HELLO");
    CHECK_FALSE((*source)->next()->has_value());
}

TEST_CASE("a directory plays its images in file-name order and skips other files") {
    test::TempDir dir;
    write_png(dir / "b.png", "SECOND");
    write_png(dir / "a.png", "FIRST");
    write_png(dir / "c.PNG", "THIRD");
    std::ofstream(dir / "notes.txt") << "not an image";
    auto source = open_source("dir:" + dir.path().string());
    REQUIRE(source.ok());
    CHECK((*source)->describe().find("(3 images)") != std::string::npos);
    std::vector<std::string> texts;
    while (true) {
        auto frame = (*source)->next();
        REQUIRE(frame.ok());
        if (!frame->has_value()) break;
        texts.push_back(decode_text((*frame)->luma));
    }
    CHECK(texts == std::vector<std::string>{"FIRST", "SECOND", "THIRD"});
}

TEST_CASE("bad image sources say what is wrong") {
    test::TempDir dir;
    CHECK(open_source((dir / "missing").string()).error().message.find("does not exist") !=
          std::string::npos);
    std::filesystem::create_directory(dir / "empty");
    CHECK(open_source((dir / "empty").string()).error().message.find("holds no") !=
          std::string::npos);
    std::ofstream(dir / "broken.png") << "not really a png";
    auto source = open_source((dir / "broken.png").string());
    REQUIRE(source.ok());
    auto frame = (*source)->next();
    REQUIRE_FALSE(frame.ok());
    CHECK(frame.error().message.find("broken.png") != std::string::npos);
}

TEST_CASE("raw Y8 frames arrive through a pipe, frame by frame, until it closes") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const auto first = test::frame_with("TK1:ONE", 320, 240);
    const auto second = test::frame_with("TK1:TWO", 320, 240, 60, 30);
    std::thread writer([&] {
        // Written in odd-sized pieces, as a pipeline would.
        std::vector<std::uint8_t> all(first);
        all.insert(all.end(), second.begin(), second.end());
        for (std::size_t at = 0; at < all.size();) {
            const auto n = std::min<std::size_t>(7777, all.size() - at);
            REQUIRE(::write(fds[1], all.data() + at, n) == static_cast<ssize_t>(n));
            at += n;
        }
        ::close(fds[1]);
    });
    auto source = open_y8_stream(fds[0], 320, 240, true);
    auto f1 = source->next();
    REQUIRE(f1.ok());
    REQUIRE(f1->has_value());
    CHECK(decode_text((*f1)->luma) == "TK1:ONE");
    auto f2 = source->next();
    REQUIRE(f2->has_value());
    CHECK((*f2)->label == "frame 2");
    CHECK(decode_text((*f2)->luma) == "TK1:TWO");
    CHECK_FALSE(source->next()->has_value());
    writer.join();
}

TEST_CASE("a Y8 stream that ends inside a frame is an error naming the size") {
    test::TempDir dir;
    std::ofstream(dir / "short.y8", std::ios::binary) << std::string(100, 'x');
    auto source = open_source("y8:10x20:" + (dir / "short.y8").string());
    REQUIRE(source.ok());
    auto frame = (*source)->next();
    REQUIRE_FALSE(frame.ok());
    CHECK(frame.error().message.find("100 of 200 bytes") != std::string::npos);
}

TEST_CASE("source specs are checked, and a missing camera says what to do") {
    CHECK(open_source("y8:640").error().message.find("y8:WIDTHxHEIGHT") != std::string::npos);
    CHECK(open_source("y8:0x480").error().message.find("y8:WIDTHxHEIGHT") != std::string::npos);
    CHECK(open_source("v4l2:/dev/video0:big").error().message.find("v4l2:/dev/videoN:WxH") !=
          std::string::npos);
    const auto missing = open_source("v4l2:/dev/video-gate-test-none").error().message;
    CHECK(missing.find("/dev/video-gate-test-none: cannot open") != std::string::npos);
    CHECK(missing.find("ls /dev/video*") != std::string::npos);
    CHECK(open_source("").error().message.find("no source") != std::string::npos);
}

TEST_CASE("GREY and NV12 buffers are read in place, padding and chroma ignored") {
    const int w = 320, h = 240, stride = 384;
    const auto luma = test::frame_with("TK1:GREY", w, h);
    std::vector<std::uint8_t> buffer(static_cast<std::size_t>(stride * h + stride * h / 2), 0x80);
    for (int y = 0; y < h; ++y)
        std::copy_n(luma.begin() + y * w, w, buffer.begin() + y * stride);
    std::vector<std::uint8_t> scratch;
    for (auto format : {PixelFormat::Grey, PixelFormat::Nv12}) {
        auto view = luma_of(format, buffer, w, h, stride, scratch);
        REQUIRE(view.ok());
        CHECK(view->data == buffer.data());  // no copy
        CHECK(view->stride == stride);
        CHECK(decode_text(*view) == "TK1:GREY");
    }
    CHECK(scratch.empty());
}

TEST_CASE("YUYV buffers give their Y bytes as luma") {
    const int w = 320, h = 240, stride = w * 2 + 64;
    const auto luma = test::frame_with("TK1:YUYV", w, h);
    std::vector<std::uint8_t> buffer(static_cast<std::size_t>(stride * h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            buffer[static_cast<std::size_t>(y * stride + 2 * x)] =
                luma[static_cast<std::size_t>(y * w + x)];
            buffer[static_cast<std::size_t>(y * stride + 2 * x + 1)] = x % 2 ? 0x10 : 0xF0;  // U, V
        }
    std::vector<std::uint8_t> scratch;
    auto view = luma_of(PixelFormat::Yuyv, buffer, w, h, stride, scratch);
    REQUIRE(view.ok());
    CHECK(std::equal(luma.begin(), luma.end(), view->data));
    CHECK(decode_text(*view) == "TK1:YUYV");
}

TEST_CASE("conversion refuses buffers that do not hold the frame") {
    std::vector<std::uint8_t> scratch, small(100);
    CHECK_FALSE(luma_of(PixelFormat::Grey, small, 20, 20, 20, scratch).ok());
    CHECK_FALSE(luma_of(PixelFormat::Grey, small, 10, 10, 5, scratch).ok());
    CHECK_FALSE(luma_of(PixelFormat::Yuyv, small, 5, 2, 10, scratch).ok());  // odd width
    CHECK_FALSE(luma_of(PixelFormat::Nv12, small, 0, 10, 10, scratch).ok());
    CHECK(luma_of(PixelFormat::Grey, small, 10, 10, 10, scratch).ok());
}

TEST_CASE("the decoder's region of interest and downscale") {
    const auto frame = test::frame_with("TK1:ROI", 640, 480, 300, 200, 4);
    const qr::GrayView view{frame.data(), 640, 480, 640};
    CHECK(FrameDecoder({.roi = Roi{280, 180, 300, 280}}).decode(view)->value_or("") == "TK1:ROI");
    CHECK_FALSE(FrameDecoder({.roi = Roi{0, 0, 250, 480}}).decode(view)->has_value());
    CHECK(FrameDecoder({.roi = std::nullopt, .downscale = 2}).decode(view)->value_or("") ==
          "TK1:ROI");
    CHECK_FALSE(
        FrameDecoder().decode({test::frame_with("", 640, 480).data(), 640, 480, 640})->has_value());
}
