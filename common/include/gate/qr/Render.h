#pragma once
// Renders text as a QR code image: ticket codes for the backend's QR endpoint and for tests.

#include <string_view>

#include "gate/Result.h"
#include "gate/qr/Error.h"
#include "gate/qr/ErrorCorrection.h"
#include "gate/qr/GrayImage.h"

namespace gate::qr {

struct RenderOptions {
    ErrorCorrection ec = ErrorCorrection::M;
    int module_px = 4;           // pixels per module side, 1..64
    int quiet_zone_modules = 4;  // white border in modules, 0..40; the standard asks for 4
};

/// A rendered symbol: black modules on white, the quiet zone included in `image`.
struct QrCode {
    GrayImage image;
    int version = 0;  // 1..40
    int modules = 0;  // symbol side in modules without quiet zone: 17 + 4 * version
    ErrorCorrection ec = ErrorCorrection::M;
};

/// Encodes UTF-8 `text` in the smallest version that fits. Text made only of QR alphanumeric
/// characters (0-9 A-Z space $ % * + - . / :, the base45 alphabet) is encoded in alphanumeric
/// mode; other text in byte mode, with a UTF-8 ECI when it is not plain ASCII.
Result<QrCode, Error> render(std::string_view text, const RenderOptions& options = {});

}  // namespace gate::qr
