#pragma once
// compact-u16 ("shortvec"): the variable-length length prefix of every array in a
// Solana message, 7 bits per byte, least significant first, at most 3 bytes.

#include <cstddef>
#include <cstdint>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/solana/Error.h"

namespace gate::solana {

void append_compact_u16(Bytes& out, std::uint16_t value);

/// Bytes the encoding of `value` takes (1..3).
std::size_t compact_u16_size(std::uint16_t value) noexcept;

struct CompactU16 {
    std::uint16_t value = 0;
    std::size_t size = 0;  ///< bytes consumed
};

/// Decodes a prefix of `in` as the runtime does: rejects truncated input, a value above
/// 65535, and non-canonical forms (a trailing zero byte, e.g. 0x80 0x00).
Result<CompactU16, Error> read_compact_u16(ByteView in);

}  // namespace gate::solana
