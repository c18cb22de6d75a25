#include "gate/qr/Render.h"

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "qr/Utf8.h"

namespace gate::qr {
namespace {

constexpr int kMaxModulePx = 64;
constexpr int kMaxQuietZone = 40;
constexpr int kMaxImageSide = 16384;
// Version 40-L holds 7089 digits; nothing longer can fit, so skip the encoder's work.
constexpr std::size_t kMaxQrCharacters = 7089;

// MultiFormatWriter takes ZXing's shared 0..8 scale and maps it as (level - 1) / 2 for QR.
int zxing_ecc_level(ErrorCorrection ec) {
    switch (ec) {
        case ErrorCorrection::L:
            return 2;
        case ErrorCorrection::M:
            return 4;
        case ErrorCorrection::Q:
            return 6;
        case ErrorCorrection::H:
            return 8;
    }
    return 4;
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace

Result<QrCode, Error> render(std::string_view text, const RenderOptions& options) {
    if (options.module_px < 1 || options.module_px > kMaxModulePx)
        return fail(make_error(ErrorCode::InvalidOptions,
                               "module_px must be 1.." + std::to_string(kMaxModulePx) + ", got " +
                                   std::to_string(options.module_px)));
    if (options.quiet_zone_modules < 0 || options.quiet_zone_modules > kMaxQuietZone)
        return fail(make_error(ErrorCode::InvalidOptions,
                               "quiet_zone_modules must be 0.." + std::to_string(kMaxQuietZone) +
                                   ", got " + std::to_string(options.quiet_zone_modules)));
    if (text.empty()) return fail(make_error(ErrorCode::EmptyText, "nothing to encode"));
    if (!is_valid_utf8(text))
        return fail(make_error(ErrorCode::InvalidText, "text is not valid UTF-8"));
    if (text.size() > kMaxQrCharacters)
        return fail(make_error(ErrorCode::TextTooLong,
                               std::to_string(text.size()) + " bytes exceed any QR version"));

    ZXing::BitMatrix matrix;
    try {
        ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
        writer.setMargin(0).setEccLevel(zxing_ecc_level(options.ec));
        // Without an explicit charset ZXing squeezes byte mode into ISO-8859-1 and loses
        // anything outside it; ASCII stays ECI-free so that every reader gets it.
        if (!is_ascii(text)) writer.setEncoding(ZXing::CharacterSet::UTF8);
        matrix = writer.encode(std::string(text), 0, 0);
    } catch (const std::invalid_argument& e) {
        // Our checks above leave capacity as the only input ZXing rejects.
        return fail(make_error(ErrorCode::TextTooLong,
                               std::string("text does not fit a QR code: ") + e.what()));
    } catch (const std::exception& e) {
        return fail(make_error(ErrorCode::Internal, std::string("QR encoder failed: ") + e.what()));
    }

    const int modules = matrix.width();
    if (modules != matrix.height() || modules < 21 || (modules - 17) % 4 != 0)
        return fail(make_error(ErrorCode::Internal,
                               "QR encoder returned a " + std::to_string(matrix.width()) + "x" +
                                   std::to_string(matrix.height()) + " matrix"));

    const int px = options.module_px;
    const int quiet = options.quiet_zone_modules;
    const int side = (modules + 2 * quiet) * px;
    if (side > kMaxImageSide)
        return fail(make_error(ErrorCode::InvalidOptions, "image would be " + std::to_string(side) +
                                                              " px wide, limit " +
                                                              std::to_string(kMaxImageSide)));

    QrCode code;
    code.version = (modules - 17) / 4;
    code.modules = modules;
    code.ec = options.ec;
    code.image.width = side;
    code.image.height = side;
    const auto side_u = static_cast<std::size_t>(side);
    code.image.pixels.assign(side_u * side_u, 255);
    for (int my = 0; my < modules; ++my) {
        for (int mx = 0; mx < modules; ++mx) {
            if (!matrix.get(mx, my)) continue;
            const auto x0 = static_cast<std::size_t>((mx + quiet) * px);
            const auto y0 = static_cast<std::size_t>((my + quiet) * px);
            for (std::size_t y = y0; y < y0 + static_cast<std::size_t>(px); ++y) {
                auto row = code.image.pixels.begin() + static_cast<std::ptrdiff_t>(y * side_u);
                std::fill(row + static_cast<std::ptrdiff_t>(x0),
                          row + static_cast<std::ptrdiff_t>(x0) + px, std::uint8_t{0});
            }
        }
    }
    return code;
}

}  // namespace gate::qr
