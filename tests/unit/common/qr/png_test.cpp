#include "gate/qr/Png.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "QrTestImages.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Render.h"

using gate::qr::decode;
using gate::qr::decode_image;
using gate::qr::encode_png;
using gate::qr::ErrorCode;
using gate::qr::GrayImage;
using gate::qr::load_image;
using gate::qr::render;
using gate::qr::write_png;

namespace {

GrayImage gradient(int width, int height) {
    GrayImage image = qr_test::filled(width, height, 0);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            qr_test::at(image, x, y) = static_cast<std::uint8_t>((x * 7 + y * 13) % 256);
    return image;
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

}  // namespace

TEST_CASE("a ticket code survives a PNG file on disk") {
    const std::string text = qr_test::ticket_like_text(148);
    auto code = render(text, {});
    REQUIRE(code.ok());
    qr_test::TempPath file(".png");

    auto written = write_png(code->image, file.path());
    REQUIRE_MESSAGE(written.ok(), (written.ok() ? "" : written.error().message));
    CHECK(std::filesystem::file_size(file.path()) > 0);

    auto loaded = load_image(file.path());
    REQUIRE(loaded.ok());
    CHECK(loaded->width == code->image.width);
    CHECK(loaded->height == code->image.height);
    CHECK(loaded->pixels == code->image.pixels);

    auto found = decode(loaded->view());
    REQUIRE(found.ok());
    CHECK(found->front().text == text);
}

TEST_CASE("encode_png produces a PNG that decodes back in memory") {
    SUBCASE("a ticket code") {
        auto code = render(qr_test::ticket_like_text(148), {});
        REQUIRE(code.ok());
        auto png = encode_png(code->image);
        REQUIRE(png.ok());
        const std::vector<std::uint8_t> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        REQUIRE(png->size() > signature.size());
        CHECK(std::equal(signature.begin(), signature.end(), png->begin()));
        // Two-tone pictures compress far below one byte a pixel.
        CHECK(png->size() < code->image.pixels.size() / 4);

        auto back = decode_image(*png);
        REQUIRE(back.ok());
        CHECK(back->pixels == code->image.pixels);
        auto found = decode(back->view());
        REQUIRE(found.ok());
        CHECK(found->front().text == qr_test::ticket_like_text(148));
    }
    SUBCASE("every grey level and an odd width survive exactly") {
        const GrayImage image = gradient(37, 23);
        auto png = encode_png(image);
        REQUIRE(png.ok());
        auto back = decode_image(*png);
        REQUIRE(back.ok());
        CHECK(back->width == 37);
        CHECK(back->height == 23);
        CHECK(back->pixels == image.pixels);
    }
}

TEST_CASE("colour and transparency load as luma over white") {
    SUBCASE("RGB primaries map to Rec. 601 luma") {
        const std::vector<std::uint8_t> rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};
        auto image = decode_image(qr_test::make_png(4, 1, 2, rgb));
        REQUIRE(image.ok());
        REQUIRE(image->pixels.size() == 4);
        CHECK(image->pixels[0] == 76);   // 0.299 * 255
        CHECK(image->pixels[1] == 150);  // 0.587 * 255
        CHECK(image->pixels[2] == 29);   // 0.114 * 255
        CHECK(image->pixels[3] == 255);
    }
    SUBCASE("grey with alpha") {
        const std::vector<std::uint8_t> ga = {0, 255, 0, 0, 0, 128, 200, 255};
        auto image = decode_image(qr_test::make_png(4, 1, 4, ga));
        REQUIRE(image.ok());
        CHECK(image->pixels == std::vector<std::uint8_t>{0, 255, 127, 200});
    }
    SUBCASE("a code drawn in black on a transparent RGBA canvas still decodes") {
        auto code = render(qr_test::ticket_like_text(148), {});
        REQUIRE(code.ok());
        std::vector<std::uint8_t> rgba;
        for (auto p : code->image.pixels) {
            // Transparent pixels carry black colour, as many editors save them.
            rgba.insert(rgba.end(), {0, 0, 0, static_cast<std::uint8_t>(p == 0 ? 255 : 0)});
        }
        auto image =
            decode_image(qr_test::make_png(code->image.width, code->image.height, 6, rgba));
        REQUIRE(image.ok());
        CHECK(image->pixels == code->image.pixels);
        auto found = decode(image->view());
        REQUIRE(found.ok());
        CHECK(found->front().text == qr_test::ticket_like_text(148));
    }
    SUBCASE("an 8-bit grey PNG from another writer") {
        const GrayImage image = gradient(300, 300);  // spans two deflate blocks
        auto back = decode_image(qr_test::make_png(image.width, image.height, 0, image.pixels));
        REQUIRE(back.ok());
        CHECK(back->pixels == image.pixels);
    }
}

TEST_CASE("unreadable images are error values") {
    SUBCASE("missing file") {
        auto image = load_image("/nonexistent/dir/ticket.png");
        REQUIRE(!image.ok());
        CHECK(image.error().code == ErrorCode::FileError);
        CHECK(image.error().message.find("/nonexistent/dir/ticket.png") != std::string::npos);
    }
    SUBCASE("a directory") {
        qr_test::TempPath dir("-dir");
        std::filesystem::create_directory(dir.path());
        auto image = load_image(dir.path());
        REQUIRE(!image.ok());
        CHECK(image.error().code == ErrorCode::FileError);
    }
    SUBCASE("a text file") {
        qr_test::TempPath file(".png");
        const std::string text = "this is not an image, just text\n";
        write_bytes(file.path(), std::vector<std::uint8_t>(text.begin(), text.end()));
        auto image = load_image(file.path());
        REQUIRE(!image.ok());
        CHECK(image.error().code == ErrorCode::NotAnImage);
    }
    SUBCASE("an empty file") {
        qr_test::TempPath file(".png");
        write_bytes(file.path(), {});
        auto image = load_image(file.path());
        REQUIRE(!image.ok());
        CHECK(image.error().code == ErrorCode::NotAnImage);
    }
    SUBCASE("a truncated PNG") {
        auto png = encode_png(gradient(64, 64));
        REQUIRE(png.ok());
        png->resize(png->size() / 2);
        auto image = decode_image(*png);
        REQUIRE(!image.ok());
        CHECK(image.error().code == ErrorCode::NotAnImage);
    }
    SUBCASE("a PNG header claiming a huge image is refused before decoding") {
        auto png = qr_test::make_png(1, 1, 0, {0});
        // IHDR width and height sit at bytes 16..23: claim 10000x10000 (100 Mpx).
        const std::vector<std::uint8_t> size = {0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10};
        std::copy(size.begin(), size.end(), png.begin() + 16);
        auto image = decode_image(png);
        REQUIRE(!image.ok());
        CHECK(image.error().code == ErrorCode::ImageTooLarge);
        CHECK(image.error().message.find("10000x10000") != std::string::npos);
    }
}

TEST_CASE("writing a PNG reports failures") {
    SUBCASE("into a missing directory") {
        auto written = write_png(gradient(8, 8), "/nonexistent/dir/out.png");
        REQUIRE(!written.ok());
        CHECK(written.error().code == ErrorCode::FileError);
    }
    SUBCASE("an image whose pixels do not match its size") {
        GrayImage bad = gradient(8, 8);
        bad.pixels.pop_back();
        qr_test::TempPath file(".png");
        auto written = write_png(bad, file.path());
        REQUIRE(!written.ok());
        CHECK(written.error().code == ErrorCode::InvalidImage);
        CHECK(!std::filesystem::exists(file.path()));
    }
    SUBCASE("an empty image") {
        auto png = encode_png(GrayImage{});
        REQUIRE(!png.ok());
        CHECK(png.error().code == ErrorCode::InvalidImage);
    }
}
