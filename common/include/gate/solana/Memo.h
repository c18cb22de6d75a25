#pragma once
// The Memo program: a UTF-8 note recorded with the transaction, optionally signed.

#include <span>
#include <string_view>

#include "gate/solana/Instruction.h"

namespace gate::solana::memo {

/// `signers` (may be empty) must sign the transaction; the program checks they did.
Instruction memo(std::string_view text, std::span<const Pubkey> signers = {});

}  // namespace gate::solana::memo
