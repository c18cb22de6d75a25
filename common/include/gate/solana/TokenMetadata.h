#pragma once
// The spl-token-metadata-interface as Token-2022 implements it inside the mint:
// instructions (8-byte discriminators, Borsh strings) and the stored metadata.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/solana/Instruction.h"

namespace gate::solana::token_metadata {

/// Which field UpdateField sets: a base field or a key in the additional metadata.
struct Field {
    enum class Kind : std::uint8_t { Name = 0, Symbol = 1, Uri = 2, Key = 3 };
    Kind kind = Kind::Key;
    std::string key;  ///< for Kind::Key only

    static Field name() { return {Kind::Name, {}}; }
    static Field symbol() { return {Kind::Symbol, {}}; }
    static Field uri() { return {Kind::Uri, {}}; }
    static Field custom(std::string key) { return {Kind::Key, std::move(key)}; }
};

/// Initializes metadata stored in `metadata` (the mint itself for Token-2022's
/// embedded metadata); signed by the mint authority. The account must hold enough
/// lamports for its grown size.
Instruction initialize(const Pubkey& metadata, const Pubkey& update_authority, const Pubkey& mint,
                       const Pubkey& mint_authority, std::string_view name, std::string_view symbol,
                       std::string_view uri);

/// Sets a field (adding a new key); signed by the update authority.
Instruction update_field(const Pubkey& metadata, const Pubkey& update_authority, const Field& field,
                         std::string_view value);

/// Hands the update authority to `new_authority`, or (nullopt) makes the metadata
/// immutable; signed by the current update authority.
Instruction update_authority(const Pubkey& metadata, const Pubkey& current_authority,
                             const std::optional<Pubkey>& new_authority);

/// The metadata as stored (Borsh): what TokenMetadata initialize/update write.
struct TokenMetadata {
    std::optional<Pubkey> update_authority;
    Pubkey mint;
    std::string name;
    std::string symbol;
    std::string uri;
    std::vector<std::pair<std::string, std::string>> additional_metadata;

    /// The value of an additional key, if present.
    std::optional<std::string> get(std::string_view key) const;
    /// Bytes of the Borsh encoding (the TLV value length).
    std::size_t packed_size() const;
};

}  // namespace gate::solana::token_metadata
