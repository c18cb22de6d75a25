#pragma once
// QR error-correction levels; each step up recovers more damage and holds less data.

namespace gate::qr {

enum class ErrorCorrection {
    L,  // ~7% of codewords recoverable
    M,  // ~15%: the default for ticket codes
    Q,  // ~25%
    H,  // ~30%
};

}  // namespace gate::qr
