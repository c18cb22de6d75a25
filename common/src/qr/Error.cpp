#include "gate/qr/Error.h"

namespace gate::qr {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::EmptyText:
            return "empty_text";
        case ErrorCode::InvalidText:
            return "invalid_text";
        case ErrorCode::TextTooLong:
            return "text_too_long";
        case ErrorCode::InvalidOptions:
            return "invalid_options";
        case ErrorCode::InvalidImage:
            return "invalid_image";
        case ErrorCode::ImageTooLarge:
            return "image_too_large";
        case ErrorCode::NotFound:
            return "not_found";
        case ErrorCode::FileError:
            return "file_error";
        case ErrorCode::NotAnImage:
            return "not_an_image";
        case ErrorCode::Internal:
            return "internal";
    }
    return "unknown";
}

}  // namespace gate::qr
