#pragma once
// Base16: lower-case on output, either case on input.

#include <string>
#include <string_view>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/codec/CodecError.h"

namespace gate::codec {

std::string hex_encode(ByteView data);
Result<Bytes, CodecError> hex_decode(std::string_view text);

}  // namespace gate::codec
