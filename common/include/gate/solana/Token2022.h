#pragma once
// Instructions of the Token-2022 program that tickets use (a ticket is a mint with
// decimals 0 and supply 1; see docs/solana.md), and the account sizes they need.

#include <cstdint>
#include <optional>

#include "gate/solana/Instruction.h"

namespace gate::solana::token2022 {

/// Base sizes of a mint and a token account; an extended mint is padded to the token
/// account size, then one account-type byte, then type-length-value extensions.
inline constexpr std::size_t kMintSize = 82;
inline constexpr std::size_t kAccountSize = 165;
/// A mint with the MetadataPointer extension only (165 + 1 + 4 + 64), the size to
/// create before InitializeMint2; TokenMetadata initialize grows it in place.
inline constexpr std::size_t kMintWithMetadataPointerSize = 234;
/// The PermanentDelegate extension's TLV entry (type + length + delegate 32).
inline constexpr std::size_t kPermanentDelegateExtensionSize = 4 + 32;
/// A ticket mint before its metadata: MetadataPointer and PermanentDelegate (270 bytes).
inline constexpr std::size_t kTicketMintBaseSize =
    kMintWithMetadataPointerSize + kPermanentDelegateExtensionSize;

enum class AuthorityType : std::uint8_t {
    MintTokens = 0,
    FreezeAccount = 1,
    AccountOwner = 2,
    CloseAccount = 3,
    MetadataPointer = 12,
};

Instruction initialize_mint2(const Pubkey& mint, std::uint8_t decimals,
                             const Pubkey& mint_authority,
                             const std::optional<Pubkey>& freeze_authority);

/// MetadataPointer extension initialize; must come before initialize_mint2.
Instruction initialize_metadata_pointer(const Pubkey& mint, const std::optional<Pubkey>& authority,
                                        const std::optional<Pubkey>& metadata_address);

/// PermanentDelegate extension initialize: `delegate` may transfer or burn any amount
/// from every token account of the mint, without the holder's signature. Must come
/// before initialize_mint2, and the mint account must have room for the extension.
Instruction initialize_permanent_delegate(const Pubkey& mint, const Pubkey& delegate);

Instruction mint_to(const Pubkey& mint, const Pubkey& destination, const Pubkey& mint_authority,
                    std::uint64_t amount);

/// Sets or (with nullopt) revokes an authority of a mint or token account.
Instruction set_authority(const Pubkey& account, const Pubkey& current_authority,
                          AuthorityType type, const std::optional<Pubkey>& new_authority);

Instruction freeze_account(const Pubkey& account, const Pubkey& mint,
                           const Pubkey& freeze_authority);
Instruction thaw_account(const Pubkey& account, const Pubkey& mint, const Pubkey& freeze_authority);

Instruction transfer_checked(const Pubkey& source, const Pubkey& mint, const Pubkey& destination,
                             const Pubkey& owner, std::uint64_t amount, std::uint8_t decimals);

Instruction approve(const Pubkey& source, const Pubkey& delegate, const Pubkey& owner,
                    std::uint64_t amount);

}  // namespace gate::solana::token2022
