#pragma once
// Base45 (RFC 9285): bytes as text in the 45-character QR alphanumeric alphabet,
// so a QR encoder can use its dense alphanumeric mode. The ticket code uses it.

#include <cstddef>
#include <string>
#include <string_view>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/codec/CodecError.h"

namespace gate::codec {

std::string base45_encode(ByteView data);
Result<Bytes, CodecError> base45_decode(std::string_view text);

/// Length of base45_encode's output for `n` input bytes.
constexpr std::size_t base45_encoded_size(std::size_t n) noexcept {
    return n / 2 * 3 + (n % 2) * 2;
}

}  // namespace gate::codec
