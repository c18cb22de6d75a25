#pragma once
// Solana addresses and blockhashes: 32 bytes, base58 on the wire. An address is an
// Ed25519 public key (gate::crypto::PublicKey) or a program-derived address.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"
#include "gate/solana/Error.h"

namespace gate::solana {

using Pubkey = crypto::PublicKey;
using Signature = crypto::Signature;
using crypto::KeyPair;

/// An address written in source code (program ids, test fixtures). A typo is a bug,
/// so it throws std::invalid_argument rather than returning a value.
Pubkey pubkey(std::string_view base58);

/// A parsed address from outside (config, RPC answers): bad input is a value.
Result<Pubkey, Error> parse_pubkey(std::string_view base58);

/// The recent blockhash a message commits to; it bounds the transaction's lifetime.
struct Blockhash {
    static constexpr std::size_t kSize = 32;
    std::array<std::uint8_t, kSize> bytes{};

    std::string to_base58() const;
    static Result<Blockhash, Error> from_base58(std::string_view text);

    bool operator==(const Blockhash&) const = default;
};

}  // namespace gate::solana
