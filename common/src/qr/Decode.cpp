#include "gate/qr/Decode.h"

#include <ZXing/BarcodeFormat.h>
#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/ReadBarcode.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "qr/SymbolVersion.h"

namespace gate::qr {
namespace {

// 64 Mpx: far beyond any camera frame the scanner sees, small enough to never exhaust
// a handheld's memory through ZXing's working copies.
constexpr long long kMaxPixels = 64LL * 1024 * 1024;

std::optional<Error> check_view(const GrayView& image) {
    auto invalid = [](std::string message) {
        return Error{ErrorCode::InvalidImage, std::move(message)};
    };
    if (image.data == nullptr) return invalid("image has no pixel data");
    if (image.width <= 0 || image.height <= 0)
        return invalid("image size " + std::to_string(image.width) + "x" +
                       std::to_string(image.height) + " is not positive");
    if (image.stride < image.width)
        return invalid("row stride " + std::to_string(image.stride) + " is less than width " +
                       std::to_string(image.width));
    if (static_cast<long long>(image.width) * image.height > kMaxPixels)
        return Error{ErrorCode::ImageTooLarge,
                     "image exceeds " + std::to_string(kMaxPixels) + " pixels"};
    return std::nullopt;
}

ZXing::Binarizer to_zxing(Binarizer binarizer) {
    switch (binarizer) {
        case Binarizer::GlobalHistogram:
            return ZXing::Binarizer::GlobalHistogram;
        case Binarizer::FixedThreshold:
            return ZXing::Binarizer::FixedThreshold;
        case Binarizer::LocalAverage:
            break;
    }
    return ZXing::Binarizer::LocalAverage;
}

std::optional<ErrorCorrection> parse_ec(const std::string& level) {
    if (level == "L") return ErrorCorrection::L;
    if (level == "M") return ErrorCorrection::M;
    if (level == "Q") return ErrorCorrection::Q;
    if (level == "H") return ErrorCorrection::H;
    return std::nullopt;
}

}  // namespace

Result<std::vector<Decoded>, Error> decode(GrayView image, const DecodeOptions& options) {
    if (auto bad = check_view(image)) return fail(std::move(*bad));
    if (options.max_symbols < 1 || options.max_symbols > 255)
        return fail(Error{ErrorCode::InvalidOptions, "max_symbols must be 1..255, got " +
                                                         std::to_string(options.max_symbols)});

    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode)
        .setTryHarder(options.try_harder)
        .setTryRotate(options.try_rotate)
        .setTryDownscale(options.try_downscale)
        .setIsPure(options.pure)
        .setBinarizer(to_zxing(options.binarizer))
        .setMaxNumberOfSymbols(static_cast<std::uint8_t>(options.max_symbols))
        .setReturnErrors(false);

    const ZXing::ImageView view(image.data, image.width, image.height, ZXing::ImageFormat::Lum,
                                image.stride);
    ZXing::Results found;
    try {
        found = ZXing::ReadBarcodes(view, hints);
    } catch (const std::exception& e) {
        return fail(Error{ErrorCode::Internal, std::string("QR decoder failed: ") + e.what()});
    }

    std::vector<Decoded> decoded;
    decoded.reserve(found.size());
    for (const ZXing::Result& result : found) {
        if (!result.isValid() || result.format() != ZXing::BarcodeFormat::QRCode) continue;
        Decoded out;
        out.text = result.text();
        out.ec = parse_ec(result.ecLevel());
        const auto& position = result.position();
        for (std::size_t i = 0; i < out.corners.size(); ++i)
            out.corners[i] = Point{position[i].x, position[i].y};
        out.version = measure_version(image, out.corners);
        decoded.push_back(std::move(out));
    }
    if (decoded.empty()) return fail(Error{ErrorCode::NotFound, "no QR code found"});
    return decoded;
}

}  // namespace gate::qr
