#pragma once
// One program call before compilation into a message: the program, the accounts it
// touches with their privileges, and its opaque data.

#include <vector>

#include "gate/Bytes.h"
#include "gate/solana/Pubkey.h"

namespace gate::solana {

struct AccountMeta {
    Pubkey pubkey;
    bool is_signer = false;
    bool is_writable = false;

    static AccountMeta writable(const Pubkey& key, bool signer = false) {
        return {key, signer, true};
    }
    static AccountMeta readonly(const Pubkey& key, bool signer = false) {
        return {key, signer, false};
    }
    bool operator==(const AccountMeta&) const = default;
};

struct Instruction {
    Pubkey program_id;
    std::vector<AccountMeta> accounts;
    Bytes data;

    bool operator==(const Instruction&) const = default;
};

}  // namespace gate::solana
