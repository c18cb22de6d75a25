#include "gate/codec/Base64Url.h"

#include "Alphabet.h"

namespace gate::codec {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr auto kReverse = detail::reverse_table(kAlphabet);

}  // namespace

std::string base64url_encode(ByteView data) {
    std::string out;
    out.reserve((data.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t v =
            std::uint32_t{data[i]} << 16 | std::uint32_t{data[i + 1]} << 8 | data[i + 2];
        out.push_back(kAlphabet[v >> 18]);
        out.push_back(kAlphabet[v >> 12 & 63]);
        out.push_back(kAlphabet[v >> 6 & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    const std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t{data[i]} << 16;
        if (rest == 2) v |= std::uint32_t{data[i + 1]} << 8;
        out.push_back(kAlphabet[v >> 18]);
        out.push_back(kAlphabet[v >> 12 & 63]);
        if (rest == 2) out.push_back(kAlphabet[v >> 6 & 63]);
    }
    return out;
}

Result<Bytes, CodecError> base64url_decode(std::string_view text) {
    // A lone trailing character carries only 6 bits: never a whole byte.
    if (text.size() % 4 == 1) return fail(CodecError{CodecErrorKind::InvalidLength, text.size()});
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const std::int8_t v = kReverse[static_cast<unsigned char>(text[i])];
        if (v < 0) return fail(CodecError{CodecErrorKind::InvalidCharacter, i});
        acc = (acc << 6 | static_cast<std::uint32_t>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(acc >> bits));
        }
    }
    // Leftover bits are padding; the encoder always writes them as zero.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
        return fail(CodecError{CodecErrorKind::NonCanonical, text.size() - 1});
    }
    return out;
}

}  // namespace gate::codec
