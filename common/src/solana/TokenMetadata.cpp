#include "gate/solana/TokenMetadata.h"

#include <array>

#include "Wire.h"
#include "gate/crypto/Hash.h"
#include "gate/solana/Programs.h"

namespace gate::solana::token_metadata {
namespace {

// Interface instructions are named by the first 8 bytes of
// SHA-256("spl_token_metadata_interface:<name>"), so they never collide with the host
// program's own one-byte instruction numbers.
std::array<std::uint8_t, 8> discriminator(std::string_view name) {
    const auto digest =
        crypto::sha256(as_bytes("spl_token_metadata_interface:" + std::string(name)));
    std::array<std::uint8_t, 8> out{};
    std::copy_n(digest.begin(), out.size(), out.begin());
    return out;
}

Bytes start(std::string_view name) {
    const auto d = discriminator(name);
    return Bytes(d.begin(), d.end());
}

}  // namespace

Instruction initialize(const Pubkey& metadata, const Pubkey& update_authority, const Pubkey& mint,
                       const Pubkey& mint_authority, std::string_view name, std::string_view symbol,
                       std::string_view uri) {
    Bytes data = start("initialize_account");
    wire::put_string(data, name);
    wire::put_string(data, symbol);
    wire::put_string(data, uri);
    return {program::token_2022(),
            {AccountMeta::writable(metadata), AccountMeta::readonly(update_authority),
             AccountMeta::readonly(mint), AccountMeta::readonly(mint_authority, true)},
            std::move(data)};
}

Instruction update_field(const Pubkey& metadata, const Pubkey& update_authority, const Field& field,
                         std::string_view value) {
    Bytes data = start("updating_field");
    data.push_back(static_cast<std::uint8_t>(field.kind));
    if (field.kind == Field::Kind::Key) wire::put_string(data, field.key);
    wire::put_string(data, value);
    return {program::token_2022(),
            {AccountMeta::writable(metadata), AccountMeta::readonly(update_authority, true)},
            std::move(data)};
}

Instruction update_authority(const Pubkey& metadata, const Pubkey& current_authority,
                             const std::optional<Pubkey>& new_authority) {
    Bytes data = start("update_the_authority");
    wire::put_key(data, new_authority.value_or(Pubkey{}));  // OptionalNonZeroPubkey
    return {program::token_2022(),
            {AccountMeta::writable(metadata), AccountMeta::readonly(current_authority, true)},
            std::move(data)};
}

std::optional<std::string> TokenMetadata::get(std::string_view key) const {
    for (const auto& [k, v] : additional_metadata) {
        if (k == key) return v;
    }
    return std::nullopt;
}

std::size_t TokenMetadata::packed_size() const {
    std::size_t n = 32 + 32 + 4 + name.size() + 4 + symbol.size() + 4 + uri.size() + 4;
    for (const auto& [k, v] : additional_metadata)
        n += 4 + k.size() + 4 + v.size();
    return n;
}

}  // namespace gate::solana::token_metadata
