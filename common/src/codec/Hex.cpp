#include "gate/codec/Hex.h"

namespace gate::codec {
namespace {

int nibble(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string hex_encode(ByteView data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (std::uint8_t b : data) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

Result<Bytes, CodecError> hex_decode(std::string_view text) {
    Bytes out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int hi = nibble(text[i]);
        if (hi < 0) return fail(CodecError{CodecErrorKind::InvalidCharacter, i});
        if (i + 1 == text.size()) return fail(CodecError{CodecErrorKind::InvalidLength, i + 1});
        const int lo = nibble(text[i + 1]);
        if (lo < 0) return fail(CodecError{CodecErrorKind::InvalidCharacter, i + 1});
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return out;
}

}  // namespace gate::codec
