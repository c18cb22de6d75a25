#pragma once
// Instructions of the System program: creating accounts and moving lamports.

#include <cstdint>

#include "gate/solana/Instruction.h"

namespace gate::solana::system {

/// Creates `new_account` (which must sign) with `space` bytes owned by `owner`, funded
/// with `lamports` from `from`.
Instruction create_account(const Pubkey& from, const Pubkey& new_account, std::uint64_t lamports,
                           std::uint64_t space, const Pubkey& owner);

Instruction transfer(const Pubkey& from, const Pubkey& to, std::uint64_t lamports);

}  // namespace gate::solana::system
