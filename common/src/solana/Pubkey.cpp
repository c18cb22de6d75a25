#include "gate/solana/Pubkey.h"

#include <algorithm>
#include <stdexcept>

#include "gate/codec/Base58.h"

namespace gate::solana {

Pubkey pubkey(std::string_view base58) {
    auto key = Pubkey::from_base58(base58);
    if (!key) throw std::invalid_argument("not a base58 Solana address: " + std::string(base58));
    return *key;
}

Result<Pubkey, Error> parse_pubkey(std::string_view base58) {
    auto key = Pubkey::from_base58(base58);
    if (!key) {
        return fail(Error{Error::Kind::InvalidInput, "not a base58 32-byte address: '" +
                                                         std::string(base58.substr(0, 64)) + "'"});
    }
    return *key;
}

std::string Blockhash::to_base58() const {
    return codec::base58_encode(bytes);
}

Result<Blockhash, Error> Blockhash::from_base58(std::string_view text) {
    Error bad{Error::Kind::InvalidInput,
              "not a base58 32-byte blockhash: '" + std::string(text.substr(0, 64)) + "'"};
    if (text.size() > 44) return fail(bad);
    auto raw = codec::base58_decode(text);
    if (!raw || raw->size() != kSize) return fail(bad);
    Blockhash out;
    std::copy(raw->begin(), raw->end(), out.bytes.begin());
    return out;
}

}  // namespace gate::solana
