#pragma once
// The associated-token-account program: a wallet's canonical token account for a mint.

#include "gate/solana/Instruction.h"
#include "gate/solana/Programs.h"

namespace gate::solana::ata {

/// Creates the wallet's associated token account for `mint` unless it exists already
/// (so a retry after a lost answer is harmless). `payer` signs and funds it.
Instruction create_idempotent(const Pubkey& payer, const Pubkey& wallet, const Pubkey& mint,
                              const Pubkey& token_program = program::token_2022());

}  // namespace gate::solana::ata
