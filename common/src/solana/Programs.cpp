#include "gate/solana/Programs.h"

namespace gate::solana::program {

// Function-local statics: decoded once, on first use, free of initialisation-order issues.
const Pubkey& system() {
    static const Pubkey key = pubkey("11111111111111111111111111111111");
    return key;
}
const Pubkey& token() {
    static const Pubkey key = pubkey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    return key;
}
const Pubkey& token_2022() {
    static const Pubkey key = pubkey("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
    return key;
}
const Pubkey& associated_token_account() {
    static const Pubkey key = pubkey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
    return key;
}
const Pubkey& compute_budget() {
    static const Pubkey key = pubkey("ComputeBudget111111111111111111111111111111");
    return key;
}
const Pubkey& memo() {
    static const Pubkey key = pubkey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
    return key;
}
const Pubkey& rent_sysvar() {
    static const Pubkey key = pubkey("SysvarRent111111111111111111111111111111111");
    return key;
}

std::string name_of(const Pubkey& id) {
    if (id == system()) return "System";
    if (id == token()) return "Token";
    if (id == token_2022()) return "Token-2022";
    if (id == associated_token_account()) return "Associated Token Account";
    if (id == compute_budget()) return "Compute Budget";
    if (id == memo()) return "Memo";
    return id.to_base58();
}

}  // namespace gate::solana::program
