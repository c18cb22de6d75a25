#pragma once
// Why a QR operation failed: a reason code callers branch on plus a message for people.

#include <string>
#include <string_view>

namespace gate::qr {

enum class ErrorCode {
    EmptyText,       // nothing to encode
    InvalidText,     // text is not valid UTF-8
    TextTooLong,     // does not fit the largest QR version at the requested error correction
    InvalidOptions,  // render/decode options out of range
    InvalidImage,    // null pixels, non-positive size, stride < width, size mismatch
    ImageTooLarge,   // beyond the pixel budget this module accepts
    NotFound,        // no readable QR code in the image
    FileError,       // a file could not be opened, read or written
    NotAnImage,      // bytes are not an image format we can read
    Internal,        // a library failed in a way that is a bug, not bad input
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
};

std::string_view to_string(ErrorCode code) noexcept;

}  // namespace gate::qr
