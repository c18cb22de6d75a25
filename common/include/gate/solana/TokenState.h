#pragma once
// Token-2022 account data as getAccountInfo returns it: a mint (with its type-length-
// value extensions, the metadata pointer and the embedded token metadata) and a token
// account. Parsing is strict: truncated or inconsistent data is an error value.

#include <cstdint>
#include <optional>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/solana/Error.h"
#include "gate/solana/Pubkey.h"
#include "gate/solana/TokenMetadata.h"

namespace gate::solana::token2022 {

/// Extension type numbers in the TLV area (ExtensionType in Token-2022).
enum class ExtensionType : std::uint16_t {
    PermanentDelegate = 12,
    MetadataPointer = 18,
    TokenMetadata = 19,
};

struct MetadataPointer {
    std::optional<Pubkey> authority;
    std::optional<Pubkey> metadata_address;
};

struct Mint {
    std::optional<Pubkey> mint_authority;
    std::uint64_t supply = 0;
    std::uint8_t decimals = 0;
    bool is_initialized = false;
    std::optional<Pubkey> freeze_authority;
    std::optional<MetadataPointer> metadata_pointer;
    /// The PermanentDelegate extension's delegate (none when absent or set to zeros).
    std::optional<Pubkey> permanent_delegate;
    std::optional<token_metadata::TokenMetadata> metadata;
};

enum class AccountState : std::uint8_t { Uninitialized = 0, Initialized = 1, Frozen = 2 };

struct TokenAccount {
    Pubkey mint;
    Pubkey owner;
    std::uint64_t amount = 0;
    std::optional<Pubkey> delegate;
    AccountState state = AccountState::Uninitialized;
    std::uint64_t delegated_amount = 0;
    std::optional<Pubkey> close_authority;
};

Result<Mint, Error> parse_mint(ByteView data);
Result<TokenAccount, Error> parse_token_account(ByteView data);

/// The Borsh encoding of token metadata (a TokenMetadata TLV value).
Result<token_metadata::TokenMetadata, Error> parse_token_metadata(ByteView data);

}  // namespace gate::solana::token2022
