#include "gate/solana/Token2022.h"

#include "Wire.h"
#include "gate/solana/Programs.h"

namespace gate::solana::token2022 {
namespace {

// TokenInstruction numbers (the first data byte).
enum : std::uint8_t {
    kApprove = 4,
    kSetAuthority = 6,
    kMintTo = 7,
    kFreezeAccount = 10,
    kThawAccount = 11,
    kTransferChecked = 12,
    kInitializeMint2 = 20,
    kInitializePermanentDelegate = 35,
    kMetadataPointerExtension = 39,
};
constexpr std::uint8_t kMetadataPointerInitialize = 0;

// COption<Pubkey> in instruction data: one tag byte, the key only when present.
void put_option_key(Bytes& out, const std::optional<Pubkey>& key) {
    out.push_back(key ? 1 : 0);
    if (key) wire::put_key(out, *key);
}

Instruction make(std::vector<AccountMeta> accounts, Bytes data) {
    return {program::token_2022(), std::move(accounts), std::move(data)};
}

}  // namespace

Instruction initialize_mint2(const Pubkey& mint, std::uint8_t decimals,
                             const Pubkey& mint_authority,
                             const std::optional<Pubkey>& freeze_authority) {
    Bytes data{kInitializeMint2, decimals};
    wire::put_key(data, mint_authority);
    put_option_key(data, freeze_authority);
    return make({AccountMeta::writable(mint)}, std::move(data));
}

Instruction initialize_metadata_pointer(const Pubkey& mint, const std::optional<Pubkey>& authority,
                                        const std::optional<Pubkey>& metadata_address) {
    // OptionalNonZeroPubkey: always 32 bytes, zeros for none.
    Bytes data{kMetadataPointerExtension, kMetadataPointerInitialize};
    wire::put_key(data, authority.value_or(Pubkey{}));
    wire::put_key(data, metadata_address.value_or(Pubkey{}));
    return make({AccountMeta::writable(mint)}, std::move(data));
}

Instruction initialize_permanent_delegate(const Pubkey& mint, const Pubkey& delegate) {
    Bytes data{kInitializePermanentDelegate};
    wire::put_key(data, delegate);
    return make({AccountMeta::writable(mint)}, std::move(data));
}

Instruction mint_to(const Pubkey& mint, const Pubkey& destination, const Pubkey& mint_authority,
                    std::uint64_t amount) {
    Bytes data{kMintTo};
    wire::put_le(data, amount);
    return make({AccountMeta::writable(mint), AccountMeta::writable(destination),
                 AccountMeta::readonly(mint_authority, true)},
                std::move(data));
}

Instruction set_authority(const Pubkey& account, const Pubkey& current_authority,
                          AuthorityType type, const std::optional<Pubkey>& new_authority) {
    Bytes data{kSetAuthority, static_cast<std::uint8_t>(type)};
    put_option_key(data, new_authority);
    return make({AccountMeta::writable(account), AccountMeta::readonly(current_authority, true)},
                std::move(data));
}

Instruction freeze_account(const Pubkey& account, const Pubkey& mint,
                           const Pubkey& freeze_authority) {
    return make({AccountMeta::writable(account), AccountMeta::readonly(mint),
                 AccountMeta::readonly(freeze_authority, true)},
                Bytes{kFreezeAccount});
}

Instruction thaw_account(const Pubkey& account, const Pubkey& mint,
                         const Pubkey& freeze_authority) {
    return make({AccountMeta::writable(account), AccountMeta::readonly(mint),
                 AccountMeta::readonly(freeze_authority, true)},
                Bytes{kThawAccount});
}

Instruction transfer_checked(const Pubkey& source, const Pubkey& mint, const Pubkey& destination,
                             const Pubkey& owner, std::uint64_t amount, std::uint8_t decimals) {
    Bytes data{kTransferChecked};
    wire::put_le(data, amount);
    data.push_back(decimals);
    return make({AccountMeta::writable(source), AccountMeta::readonly(mint),
                 AccountMeta::writable(destination), AccountMeta::readonly(owner, true)},
                std::move(data));
}

Instruction approve(const Pubkey& source, const Pubkey& delegate, const Pubkey& owner,
                    std::uint64_t amount) {
    Bytes data{kApprove};
    wire::put_le(data, amount);
    return make({AccountMeta::writable(source), AccountMeta::readonly(delegate),
                 AccountMeta::readonly(owner, true)},
                std::move(data));
}

}  // namespace gate::solana::token2022
