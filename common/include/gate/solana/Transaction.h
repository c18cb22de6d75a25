#pragma once
// Transaction: a message and the Ed25519 signatures of its required signers, in the
// wire format the RPC's sendTransaction takes (compact-u16 count, signatures, message).
// Size is checked against the 1232-byte packet limit before anything is sent.

#include <initializer_list>
#include <span>
#include <vector>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/solana/Error.h"
#include "gate/solana/Message.h"

namespace gate::solana {

/// The largest serialized transaction a validator accepts: IPv6 minimum MTU (1280)
/// minus the IPv6 (40) and UDP (8) headers.
inline constexpr std::size_t kMaxTransactionSize = 1232;

struct Transaction {
    std::vector<Signature> signatures;
    Message message;

    /// Signs `message` with `signers` (any order; each must be one of the message's
    /// required signers, and every required signer must be present). Fails with
    /// MissingSigner otherwise and with TooLarge if the result exceeds 1232 bytes.
    static Result<Transaction, Error> sign(Message message,
                                           std::span<const KeyPair* const> signers);
    static Result<Transaction, Error> sign(Message message,
                                           std::initializer_list<const KeyPair*> signers) {
        return sign(std::move(message),
                    std::span<const KeyPair* const>(signers.begin(), signers.size()));
    }

    /// The wire form (not size-checked: sign() and deserialize() already did).
    Bytes serialize() const;
    /// Parses a wire transaction: the signature count must equal the header's, nothing
    /// may trail, and the whole must fit in 1232 bytes. Signatures are not verified.
    static Result<Transaction, Error> deserialize(ByteView bytes);

    /// The first signature: the transaction's id on chain.
    const Signature& id() const { return signatures.at(0); }
    /// True when every signature verifies against its signer's key.
    bool verify() const;
};

/// Compiles, signs and size-checks in one step: the usual way to build a transaction.
Result<Transaction, Error> build_transaction(const Pubkey& fee_payer,
                                             std::span<const Instruction> instructions,
                                             const Blockhash& recent_blockhash,
                                             std::span<const KeyPair* const> signers,
                                             MessageVersion version = MessageVersion::Legacy);

}  // namespace gate::solana
