#include "gate/crypto/Random.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

#include "gate/codec/Base64Url.h"
#include "gate/crypto/Sodium.h"

namespace gate::crypto {

void random_fill(std::span<std::uint8_t> out) {
    ensure_sodium();
    randombytes_buf(out.data(), out.size());
}

std::uint32_t random_below(std::uint32_t upper_bound) {
    if (upper_bound == 0) throw std::invalid_argument("random_below: upper bound must be > 0");
    ensure_sodium();
    return randombytes_uniform(upper_bound);
}

std::string random_token(std::size_t bytes) {
    std::vector<std::uint8_t> raw(bytes);
    random_fill(raw);
    std::string token = codec::base64url_encode(raw);
    sodium_memzero(raw.data(), raw.size());
    return token;
}

}  // namespace gate::crypto
