#include "gate/solana/AssociatedToken.h"

#include "gate/solana/ProgramAddress.h"

namespace gate::solana::ata {

Instruction create_idempotent(const Pubkey& payer, const Pubkey& wallet, const Pubkey& mint,
                              const Pubkey& token_program) {
    const Pubkey account = associated_token_address(wallet, mint, token_program);
    return {program::associated_token_account(),
            {AccountMeta::writable(payer, true), AccountMeta::writable(account),
             AccountMeta::readonly(wallet), AccountMeta::readonly(mint),
             AccountMeta::readonly(program::system()), AccountMeta::readonly(token_program)},
            Bytes{1}};  // 0 = Create, 1 = CreateIdempotent
}

}  // namespace gate::solana::ata
