#include "gate/codec/Base45.h"

#include <algorithm>

#include "Alphabet.h"

namespace gate::codec {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr auto kReverse = detail::reverse_table(kAlphabet);

}  // namespace

std::string base45_encode(ByteView data) {
    std::string out;
    out.reserve(base45_encoded_size(data.size()));
    std::size_t i = 0;
    for (; i + 2 <= data.size(); i += 2) {
        std::uint32_t n = std::uint32_t{data[i]} << 8 | data[i + 1];
        out.push_back(kAlphabet[n % 45]);
        n /= 45;
        out.push_back(kAlphabet[n % 45]);
        out.push_back(kAlphabet[n / 45]);
    }
    if (i < data.size()) {
        const std::uint32_t n = data[i];
        out.push_back(kAlphabet[n % 45]);
        out.push_back(kAlphabet[n / 45]);
    }
    return out;
}

Result<Bytes, CodecError> base45_decode(std::string_view text) {
    if (text.size() % 3 == 1) return fail(CodecError{CodecErrorKind::InvalidLength, text.size()});
    Bytes out;
    out.reserve(text.size() / 3 * 2 + 1);
    for (std::size_t i = 0; i < text.size(); i += 3) {
        const std::size_t group = std::min<std::size_t>(3, text.size() - i);
        std::uint32_t n = 0;
        std::uint32_t weight = 1;
        for (std::size_t k = 0; k < group; ++k) {
            const std::int8_t v = kReverse[static_cast<unsigned char>(text[i + k])];
            if (v < 0) return fail(CodecError{CodecErrorKind::InvalidCharacter, i + k});
            n += static_cast<std::uint32_t>(v) * weight;
            weight *= 45;
        }
        if (group == 3) {
            if (n > 0xffff) return fail(CodecError{CodecErrorKind::ValueOutOfRange, i});
            out.push_back(static_cast<std::uint8_t>(n >> 8));
            out.push_back(static_cast<std::uint8_t>(n & 0xff));
        } else {
            if (n > 0xff) return fail(CodecError{CodecErrorKind::ValueOutOfRange, i});
            out.push_back(static_cast<std::uint8_t>(n));
        }
    }
    return out;
}

}  // namespace gate::codec
