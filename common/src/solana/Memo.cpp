#include "gate/solana/Memo.h"

#include "gate/solana/Programs.h"

namespace gate::solana::memo {

Instruction memo(std::string_view text, std::span<const Pubkey> signers) {
    Instruction ix{program::memo(), {}, Bytes(text.begin(), text.end())};
    for (const auto& key : signers)
        ix.accounts.push_back(AccountMeta::readonly(key, true));
    return ix;
}

}  // namespace gate::solana::memo
