#include "gate/qr/Render.h"

#include <doctest/doctest.h>

#include <string>

#include "QrTestImages.h"
#include "gate/qr/Decode.h"

using gate::qr::decode;
using gate::qr::ErrorCode;
using gate::qr::ErrorCorrection;
using gate::qr::render;
using gate::qr::RenderOptions;

namespace {

std::string decode_single(const gate::qr::GrayImage& image) {
    auto found = decode(image.view());
    REQUIRE_MESSAGE(found.ok(), (found.ok() ? "" : found.error().message));
    REQUIRE(found->size() == 1);
    return found->front().text;
}

}  // namespace

TEST_CASE("a 148-character ticket code renders in alphanumeric mode and decodes back") {
    const std::string text = qr_test::ticket_like_text(148);
    auto code = render(text, {});
    REQUIRE(code.ok());
    MESSAGE("148 base45 characters at EC M: QR version " << code->version << ", " << code->modules
                                                         << " modules");
    // Alphanumeric mode fits 154 characters in version 6-M; byte mode would need version 8.
    CHECK(code->version == 6);
    CHECK(code->modules == 41);
    CHECK(code->ec == ErrorCorrection::M);
    CHECK(code->image.width == (41 + 2 * 4) * 4);
    CHECK(code->image.height == code->image.width);

    auto found = decode(code->image.view());
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    const auto& decoded = found->front();
    CHECK(decoded.text == text);
    CHECK(decoded.version == 6);
    CHECK(decoded.ec == ErrorCorrection::M);
}

TEST_CASE("each error-correction level is encoded and reported back") {
    const std::string text = qr_test::ticket_like_text(148);
    int previous_version = 0;
    for (auto ec :
         {ErrorCorrection::L, ErrorCorrection::M, ErrorCorrection::Q, ErrorCorrection::H}) {
        CAPTURE(static_cast<int>(ec));
        auto code = render(text, {.ec = ec});
        REQUIRE(code.ok());
        CHECK(code->ec == ec);
        // More redundancy leaves less room for data, so the symbol grows.
        CHECK(code->version > previous_version);
        previous_version = code->version;

        auto found = decode(code->image.view());
        REQUIRE(found.ok());
        CHECK(found->front().text == text);
        CHECK(found->front().ec == ec);
        CHECK(found->front().version == code->version);
    }
}

TEST_CASE("module size and quiet zone set the image geometry") {
    SUBCASE("no quiet zone: the top-left finder corner is the first pixel") {
        auto code = render("HELLO", {.module_px = 3, .quiet_zone_modules = 0});
        REQUIRE(code.ok());
        CHECK(code->modules == 21);
        CHECK(code->image.width == 21 * 3);
        CHECK(qr_test::at(code->image, 0, 0) == 0);
        CHECK(qr_test::at(code->image, code->image.width - 1, 0) == 0);
    }
    SUBCASE("a quiet zone is white all round") {
        auto code = render("HELLO", {.module_px = 2, .quiet_zone_modules = 4});
        REQUIRE(code.ok());
        const auto& img = code->image;
        CHECK(img.width == (21 + 8) * 2);
        for (int i = 0; i < img.width; ++i) {
            for (int band = 0; band < 8; ++band) {
                CHECK(qr_test::at(img, i, band) == 255);
                CHECK(qr_test::at(img, band, i) == 255);
                CHECK(qr_test::at(img, i, img.height - 1 - band) == 255);
                CHECK(qr_test::at(img, img.width - 1 - band, i) == 255);
            }
        }
        CHECK(qr_test::at(img, 8, 8) == 0);
    }
    SUBCASE("only pure black and white pixels") {
        auto code = render("HELLO", {});
        REQUIRE(code.ok());
        for (auto p : code->image.pixels)
            REQUIRE((p == 0 || p == 255));
    }
}

TEST_CASE("text that no QR version can hold is an error value") {
    SUBCASE("4296 alphanumeric characters fill version 40-L exactly") {
        auto code =
            render(qr_test::ticket_like_text(4296), {.ec = ErrorCorrection::L, .module_px = 1});
        REQUIRE(code.ok());
        CHECK(code->version == 40);
        CHECK(code->modules == 177);
    }
    SUBCASE("one more character does not fit") {
        auto code = render(qr_test::ticket_like_text(4297), {.ec = ErrorCorrection::L});
        REQUIRE(!code.ok());
        CHECK(code.error().code == ErrorCode::TextTooLong);
    }
    SUBCASE("the same text at H does not fit either") {
        auto code = render(qr_test::ticket_like_text(2000), {.ec = ErrorCorrection::H});
        REQUIRE(!code.ok());
        CHECK(code.error().code == ErrorCode::TextTooLong);
        CHECK(!code.error().message.empty());
    }
    SUBCASE("far too long is refused without encoding") {
        auto code = render(std::string(100000, 'A'), {});
        REQUIRE(!code.ok());
        CHECK(code.error().code == ErrorCode::TextTooLong);
    }
}

TEST_CASE("bad render input is an error value") {
    SUBCASE("empty text") {
        auto code = render("", {});
        REQUIRE(!code.ok());
        CHECK(code.error().code == ErrorCode::EmptyText);
    }
    SUBCASE("malformed UTF-8") {
        for (std::string bad :
             {std::string("abc\xff"), std::string("\xc3"), std::string("\xc0\xaf"),
              std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80")}) {
            auto code = render(bad, {});
            REQUIRE(!code.ok());
            CHECK(code.error().code == ErrorCode::InvalidText);
        }
    }
    SUBCASE("module size out of range") {
        for (int px : {0, -1, 65}) {
            auto code = render("HELLO", {.module_px = px});
            REQUIRE(!code.ok());
            CHECK(code.error().code == ErrorCode::InvalidOptions);
        }
    }
    SUBCASE("quiet zone out of range") {
        for (int qz : {-1, 41}) {
            auto code = render("HELLO", {.quiet_zone_modules = qz});
            REQUIRE(!code.ok());
            CHECK(code.error().code == ErrorCode::InvalidOptions);
        }
    }
    SUBCASE("an image too large to be sensible") {
        // Version 40 with 64 px modules and a 40-module quiet zone is 16448 px wide.
        auto code = render(qr_test::ticket_like_text(4296),
                           {.ec = ErrorCorrection::L, .module_px = 64, .quiet_zone_modules = 40});
        REQUIRE(!code.ok());
        CHECK(code.error().code == ErrorCode::InvalidOptions);
    }
}

TEST_CASE("text outside the alphanumeric set round-trips in byte mode") {
    SUBCASE("lower-case ASCII") {
        const std::string text = "gate-7/entry?ticket=abc123&tier=vip";
        auto code = render(text, {});
        REQUIRE(code.ok());
        CHECK(decode_single(code->image) == text);
    }
    SUBCASE("UTF-8 beyond Latin-1") {
        const std::string text =
            "Z\xc3\xbcrich \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x8e\xab";
        auto code = render(text, {});
        REQUIRE(code.ok());
        CHECK(decode_single(code->image) == text);
    }
    SUBCASE("Latin-1 accents") {
        const std::string text = "Caf\xc3\xa9 Mot\xc3\xb6rhead \xc3\x85rhus";
        auto code = render(text, {});
        REQUIRE(code.ok());
        CHECK(decode_single(code->image) == text);
    }
    SUBCASE("lower case costs more room than the same text upper case") {
        auto upper = render("TICKET 0001 GATE A ROW 12 SEAT 7 VIP", {});
        auto lower = render("ticket 0001 gate a row 12 seat 7 vip", {});
        REQUIRE(upper.ok());
        REQUIRE(lower.ok());
        CHECK(upper->version < lower->version);
    }
}
