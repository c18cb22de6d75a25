#pragma once
// Message: what a transaction's signers sign. Compiles instructions into the account
// table the runtime expects and serializes it as a legacy or a v0 message (v0 without
// address lookup tables: a 0x80 prefix and an empty lookup list).
//
// Account order: the fee payer first, then writable signers, readonly signers, writable
// non-signers, readonly non-signers (program ids among them). An account named several
// times appears once with the union of its privileges. Inside each group the order is
// @solana/kit's (addresses compared as base58 text by its collator), so our bytes equal
// kit's for the same instructions; see docs/solana.md.

#include <cstdint>
#include <span>
#include <vector>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/solana/Error.h"
#include "gate/solana/Instruction.h"
#include "gate/solana/Pubkey.h"

namespace gate::solana {

enum class MessageVersion { Legacy, V0 };

struct MessageHeader {
    std::uint8_t num_required_signatures = 0;
    std::uint8_t num_readonly_signed = 0;
    std::uint8_t num_readonly_unsigned = 0;
    bool operator==(const MessageHeader&) const = default;
};

struct CompiledInstruction {
    std::uint8_t program_id_index = 0;
    std::vector<std::uint8_t> accounts;  ///< indices into Message::account_keys
    Bytes data;
    bool operator==(const CompiledInstruction&) const = default;
};

struct Message {
    MessageVersion version = MessageVersion::Legacy;
    MessageHeader header;
    std::vector<Pubkey> account_keys;
    Blockhash recent_blockhash;
    std::vector<CompiledInstruction> instructions;

    /// Orders and deduplicates the accounts of `instructions` (fee payer first) and
    /// refers to them by index. Fails on no instructions, more than 256 accounts, or an
    /// instruction with more accounts or data than a message can carry.
    static Result<Message, Error> compile(const Pubkey& fee_payer,
                                          std::span<const Instruction> instructions,
                                          const Blockhash& recent_blockhash,
                                          MessageVersion version = MessageVersion::Legacy);

    /// The wire form that signatures cover.
    Bytes serialize() const;
    /// Parses the wire form; `consumed` (if given) receives the bytes used. Rejects
    /// truncated input, bad indices, a header that does not fit the key count, and
    /// v0 messages with address lookup tables (not supported here).
    static Result<Message, Error> deserialize(ByteView bytes, std::size_t* consumed = nullptr);

    /// The keys that must sign, in signature order.
    std::span<const Pubkey> signer_keys() const;
    bool is_signer(std::size_t index) const noexcept;
    bool is_writable(std::size_t index) const noexcept;
    /// The instruction's program id, or nullptr if `index` is out of range.
    const Pubkey* program_of(std::size_t instruction_index) const noexcept;

    bool operator==(const Message&) const = default;
};

/// True when `a` sorts before `b` in @solana/kit's address order (its Intl.Collator
/// over the base58 text: digits before letters, letters case-insensitively, then
/// lower case before upper case).
bool kit_address_less(const Pubkey& a, const Pubkey& b);

}  // namespace gate::solana
