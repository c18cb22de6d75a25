#include "gate/codec/Base58.h"

#include "Alphabet.h"

namespace gate::codec {
namespace {

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr auto kReverse = detail::reverse_table(kAlphabet);

}  // namespace

// Schoolbook base conversion; inputs here are keys and signatures (32-64 bytes),
// where quadratic time is a few microseconds.
std::string base58_encode(ByteView data) {
    std::size_t zeros = 0;
    while (zeros < data.size() && data[zeros] == 0)
        ++zeros;

    // Digits in base 58, least significant first. log(256)/log(58) < 1.366.
    std::vector<std::uint8_t> digits;
    digits.reserve((data.size() - zeros) * 138 / 100 + 1);
    for (std::size_t i = zeros; i < data.size(); ++i) {
        std::uint32_t carry = data[i];
        for (auto& d : digits) {
            carry += std::uint32_t{d} << 8;
            d = static_cast<std::uint8_t>(carry % 58);
            carry /= 58;
        }
        while (carry > 0) {
            digits.push_back(static_cast<std::uint8_t>(carry % 58));
            carry /= 58;
        }
    }
    std::string out(zeros, '1');
    out.reserve(zeros + digits.size());
    for (auto it = digits.rbegin(); it != digits.rend(); ++it)
        out.push_back(kAlphabet[*it]);
    return out;
}

Result<Bytes, CodecError> base58_decode(std::string_view text) {
    std::size_t ones = 0;
    while (ones < text.size() && text[ones] == '1')
        ++ones;

    // Bytes, least significant first.
    std::vector<std::uint8_t> bytes;
    bytes.reserve((text.size() - ones) * 733 / 1000 + 1);
    for (std::size_t i = ones; i < text.size(); ++i) {
        const std::int8_t v = kReverse[static_cast<unsigned char>(text[i])];
        if (v < 0) return fail(CodecError{CodecErrorKind::InvalidCharacter, i});
        std::uint32_t carry = static_cast<std::uint32_t>(v);
        for (auto& b : bytes) {
            carry += std::uint32_t{b} * 58;
            b = static_cast<std::uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        while (carry > 0) {
            bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    Bytes out(ones, 0);
    out.insert(out.end(), bytes.rbegin(), bytes.rend());
    return out;
}

}  // namespace gate::codec
