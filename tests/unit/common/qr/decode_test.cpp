#include "gate/qr/Decode.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "QrTestImages.h"
#include "gate/qr/Render.h"

using gate::qr::decode;
using gate::qr::DecodeOptions;
using gate::qr::ErrorCode;
using gate::qr::GrayImage;
using gate::qr::GrayView;
using gate::qr::render;

namespace {

GrayImage ticket_image(int module_px, unsigned seed = 7) {
    auto code = render(qr_test::ticket_like_text(148, seed), {.module_px = module_px});
    REQUIRE(code.ok());
    return std::move(code->image);
}

void check_not_found(const GrayImage& image, const DecodeOptions& options = {}) {
    auto found = decode(image.view(), options);
    REQUIRE(!found.ok());
    CHECK(found.error().code == ErrorCode::NotFound);
}

}  // namespace

TEST_CASE("decode reads a code after nearest-neighbour scaling") {
    const std::string text = qr_test::ticket_like_text(148);
    const GrayImage original = ticket_image(6);
    struct Scale {
        int num;
        int den;
    };
    // Down to 2 px per module, to 3 and 4.5 px (uneven module widths), and up.
    for (Scale s : {Scale{1, 3}, Scale{1, 2}, Scale{3, 4}, Scale{5, 3}}) {
        CAPTURE(s.num);
        CAPTURE(s.den);
        const GrayImage image = qr_test::scaled(original, s.num, s.den);
        auto found = decode(image.view());
        REQUIRE(found.ok());
        CHECK(found->front().text == text);
        CHECK(found->front().version == 6);
    }
}

TEST_CASE("decode reads a code under sensor-like noise") {
    const std::string text = qr_test::ticket_like_text(148);
    const GrayImage original = ticket_image(4);
    for (unsigned seed : {1U, 2U, 3U}) {
        CAPTURE(seed);
        const GrayImage image = qr_test::noisy(original, 60, seed);
        auto found = decode(image.view());
        REQUIRE(found.ok());
        CHECK(found->front().text == text);
        CHECK(found->front().version == 6);
    }
}

TEST_CASE("decode reads a low-contrast code") {
    GrayImage image = ticket_image(4);
    // Grey print on grey paper: 90 vs 160.
    for (auto& p : image.pixels)
        p = p == 0 ? std::uint8_t{90} : std::uint8_t{160};
    auto found = decode(image.view());
    REQUIRE(found.ok());
    CHECK(found->front().text == qr_test::ticket_like_text(148));
}

TEST_CASE("decode finds a rotated code without try_rotate and locates its corners") {
    const std::string text = qr_test::ticket_like_text(148);
    auto code = render(text, {.module_px = 4});
    REQUIRE(code.ok());
    const int side = code->image.width;
    const int lo = 4 * 4;         // quiet zone in px
    const int hi = side - 4 * 4;  // far edge of the symbol

    SUBCASE("upright") {
        auto found = decode(code->image.view());
        REQUIRE(found.ok());
        const auto& c = found->front().corners;
        // ZXing reports the symbol's outer edge; allow a pixel of rounding.
        CHECK(std::abs(c[0].x - lo) <= 1);
        CHECK(std::abs(c[0].y - lo) <= 1);
        CHECK(std::abs(c[2].x - hi) <= 1);
        CHECK(std::abs(c[2].y - hi) <= 1);
    }
    SUBCASE("a quarter turn clockwise moves the top-left corner to the top-right") {
        const GrayImage image = qr_test::rotated90(code->image);
        auto found = decode(image.view());
        REQUIRE(found.ok());
        const auto& d = found->front();
        CHECK(d.text == text);
        CHECK(d.version == 6);
        CHECK(d.corners[0].x > side / 2);
        CHECK(d.corners[0].y < side / 2);
    }
}

TEST_CASE("decode honours the row stride of a camera frame") {
    const GrayImage code = ticket_image(3);
    // A 640x480 Y plane padded to 704 bytes a row; the padding is black, so a decoder that
    // ignored the stride would see a sheared image.
    const int width = 640;
    const int height = 480;
    const int stride = 704;
    std::vector<std::uint8_t> frame(static_cast<std::size_t>(stride * height), 0);
    for (int y = 0; y < height; ++y)
        std::fill_n(frame.begin() + y * stride, width, std::uint8_t{235});
    const int left = 200;
    const int top = 100;
    for (int y = 0; y < code.height; ++y)
        for (int x = 0; x < code.width; ++x)
            frame[static_cast<std::size_t>((top + y) * stride + left + x)] =
                qr_test::at(code, x, y);

    auto found = decode(GrayView{frame.data(), width, height, stride});
    REQUIRE(found.ok());
    CHECK(found->front().text == qr_test::ticket_like_text(148));
    CHECK(found->front().version == 6);
    CHECK(std::abs(found->front().corners[0].x - (left + 12)) <= 1);
    CHECK(std::abs(found->front().corners[0].y - (top + 12)) <= 1);
}

TEST_CASE("two codes side by side both decode") {
    const GrayImage a = ticket_image(4, 11);
    const GrayImage b = ticket_image(4, 12);
    GrayImage canvas = qr_test::filled(a.width + b.width + 40, std::max(a.height, b.height), 255);
    qr_test::paste(canvas, a, 0, 0);
    qr_test::paste(canvas, b, a.width + 40, 0);

    auto found = decode(canvas.view());
    REQUIRE(found.ok());
    REQUIRE(found->size() == 2);
    std::set<std::string> texts;
    for (const auto& d : *found) {
        texts.insert(d.text);
        CHECK(d.version == 6);
        // Each code's corners lie inside the half it was pasted into.
        const bool left_half = d.text == qr_test::ticket_like_text(148, 11);
        for (const auto& p : d.corners)
            CHECK((p.x < a.width + 20) == left_half);
    }
    CHECK(texts == std::set<std::string>{qr_test::ticket_like_text(148, 11),
                                         qr_test::ticket_like_text(148, 12)});

    SUBCASE("max_symbols = 1 stops at the first") {
        auto one = decode(canvas.view(), {.max_symbols = 1});
        REQUIRE(one.ok());
        CHECK(one->size() == 1);
    }
}

TEST_CASE("an image without a code gives NotFound") {
    SUBCASE("white") {
        check_not_found(qr_test::filled(320, 240, 255));
    }
    SUBCASE("black") {
        check_not_found(qr_test::filled(320, 240, 0));
    }
    SUBCASE("mid grey, try_harder") {
        check_not_found(qr_test::filled(320, 240, 128), {.try_harder = true});
    }
    SUBCASE("a single pixel") {
        check_not_found(qr_test::filled(1, 1, 0));
    }
    SUBCASE("one row") {
        check_not_found(qr_test::filled(500, 1, 0));
    }
}

TEST_CASE("garbage gives NotFound, not a crash") {
    for (unsigned seed = 1; seed <= 4; ++seed) {
        CAPTURE(seed);
        check_not_found(qr_test::noisy(qr_test::filled(320, 240, 128), 127, seed),
                        {.try_harder = true, .try_rotate = true});
        // Module-sized blocks look like QR data to the finder search.
        check_not_found(qr_test::block_noise(400, 400, 4, seed), {.try_harder = true});
    }
    SUBCASE("a code with its middle torn out") {
        GrayImage image = ticket_image(4);
        for (int y = image.height / 3; y < 2 * image.height / 3; ++y)
            for (int x = 0; x < image.width; ++x)
                qr_test::at(image, x, y) = 255;
        check_not_found(image, {.try_harder = true});
    }
}

TEST_CASE("an invalid view is an error value") {
    const GrayImage image = qr_test::filled(64, 64, 255);
    auto check_invalid = [](GrayView view) {
        auto found = decode(view);
        REQUIRE(!found.ok());
        CHECK(found.error().code == ErrorCode::InvalidImage);
        CHECK(!found.error().message.empty());
    };
    SUBCASE("null pixels") {
        check_invalid({nullptr, 64, 64, 64});
    }
    SUBCASE("zero width") {
        check_invalid({image.pixels.data(), 0, 64, 64});
    }
    SUBCASE("zero height") {
        check_invalid({image.pixels.data(), 64, 0, 64});
    }
    SUBCASE("negative size") {
        check_invalid({image.pixels.data(), -64, 64, 64});
    }
    SUBCASE("stride shorter than a row") {
        check_invalid({image.pixels.data(), 64, 64, 63});
    }
    SUBCASE("default-constructed") {
        check_invalid(GrayView{});
    }
    SUBCASE("absurd size") {
        auto found = decode(GrayView{image.pixels.data(), 100000, 100000, 100000});
        REQUIRE(!found.ok());
        CHECK(found.error().code == ErrorCode::ImageTooLarge);
    }
    SUBCASE("max_symbols out of range") {
        for (int n : {0, 256}) {
            auto found = decode(image.view(), {.max_symbols = n});
            REQUIRE(!found.ok());
            CHECK(found.error().code == ErrorCode::InvalidOptions);
        }
    }
}

TEST_CASE("the pure fast path reads a rendered image") {
    const GrayImage image = ticket_image(2);
    auto found = decode(image.view(), {.pure = true});
    REQUIRE(found.ok());
    CHECK(found->front().text == qr_test::ticket_like_text(148));
    CHECK(found->front().version == 6);
}

TEST_CASE("version is measured for small and large symbols") {
    for (std::size_t length : {10U, 60U, 400U, 1200U}) {
        CAPTURE(length);
        auto code = render(qr_test::ticket_like_text(length), {.module_px = 3});
        REQUIRE(code.ok());
        auto found = decode(code->image.view());
        REQUIRE(found.ok());
        CHECK(found->front().text == qr_test::ticket_like_text(length));
        CHECK(found->front().version == code->version);
    }
}
