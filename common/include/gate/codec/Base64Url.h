#pragma once
// Base64 with the URL- and filename-safe alphabet of RFC 4648 section 5, without
// padding (tokens, nonces and claim codes travel in URLs and JSON).
// Decoding is strict: no padding, no whitespace, and unused trailing bits must be zero.

#include <string>
#include <string_view>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/codec/CodecError.h"

namespace gate::codec {

std::string base64url_encode(ByteView data);
Result<Bytes, CodecError> base64url_decode(std::string_view text);

}  // namespace gate::codec
