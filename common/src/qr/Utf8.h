#pragma once
// Strict UTF-8 check: the QR encoder would otherwise turn malformed input into other text.

#include <string_view>

namespace gate::qr {

/// True for well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace gate::qr
