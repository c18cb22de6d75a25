#include "gate/solana/CompactU16.h"

namespace gate::solana {

void append_compact_u16(Bytes& out, std::uint16_t value) {
    unsigned rest = value;
    for (;;) {
        const auto low = static_cast<std::uint8_t>(rest & 0x7fU);
        rest >>= 7;
        if (rest == 0) {
            out.push_back(low);
            return;
        }
        out.push_back(static_cast<std::uint8_t>(low | 0x80U));
    }
}

std::size_t compact_u16_size(std::uint16_t value) noexcept {
    if (value < 0x80) return 1;
    if (value < 0x4000) return 2;
    return 3;
}

Result<CompactU16, Error> read_compact_u16(ByteView in) {
    unsigned value = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        if (i >= in.size()) return fail(Error{Error::Kind::Malformed, "compact-u16 is truncated"});
        const unsigned byte = in[i];
        // The third byte carries bits 14..15 only.
        if (i == 2 && byte > 0x03) {
            return fail(Error{Error::Kind::Malformed, "compact-u16 value exceeds 65535"});
        }
        value |= (byte & 0x7fU) << (7 * i);
        if ((byte & 0x80U) == 0) {
            if (i > 0 && byte == 0) {
                return fail(Error{Error::Kind::Malformed,
                                  "compact-u16 is not canonical (trailing zero byte)"});
            }
            return CompactU16{static_cast<std::uint16_t>(value), i + 1};
        }
    }
    return fail(Error{Error::Kind::Malformed, "compact-u16 is longer than 3 bytes"});
}

}  // namespace gate::solana
