#include "gate/solana/SystemProgram.h"

#include "Wire.h"
#include "gate/solana/Programs.h"

namespace gate::solana::system {

// SystemInstruction is bincode-encoded: a u32 variant index, then the fields.
Instruction create_account(const Pubkey& from, const Pubkey& new_account, std::uint64_t lamports,
                           std::uint64_t space, const Pubkey& owner) {
    Bytes data;
    wire::put_le<std::uint32_t>(data, 0);
    wire::put_le(data, lamports);
    wire::put_le(data, space);
    wire::put_key(data, owner);
    return {program::system(),
            {AccountMeta::writable(from, true), AccountMeta::writable(new_account, true)},
            std::move(data)};
}

Instruction transfer(const Pubkey& from, const Pubkey& to, std::uint64_t lamports) {
    Bytes data;
    wire::put_le<std::uint32_t>(data, 2);
    wire::put_le(data, lamports);
    return {program::system(),
            {AccountMeta::writable(from, true), AccountMeta::writable(to)},
            std::move(data)};
}

}  // namespace gate::solana::system
