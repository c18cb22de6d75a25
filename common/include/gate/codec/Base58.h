#pragma once
// Base58 with the Bitcoin alphabet that Solana uses for public keys and
// signatures. Each leading zero byte is written as a leading '1'.

#include <string>
#include <string_view>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/codec/CodecError.h"

namespace gate::codec {

std::string base58_encode(ByteView data);
Result<Bytes, CodecError> base58_decode(std::string_view text);

}  // namespace gate::codec
