#include "gate/solana/TokenState.h"

#include <string>

#include "Wire.h"
#include "gate/solana/Token2022.h"

namespace gate::solana::token2022 {
namespace {

constexpr std::uint8_t kAccountTypeMint = 1;
constexpr std::uint8_t kAccountTypeAccount = 2;

Error bad(std::string what) {
    return Error{Error::Kind::Malformed, std::move(what)};
}

}  // namespace

Result<token_metadata::TokenMetadata, Error> parse_token_metadata(ByteView data) {
    wire::Reader r(data);
    token_metadata::TokenMetadata m;
    m.update_authority = r.nonzero_key();
    m.mint = r.key();
    m.name = r.string();
    m.symbol = r.string();
    m.uri = r.string();
    const auto count = r.le<std::uint32_t>();
    // Each pair takes at least 8 bytes: refuse a count the data cannot hold before looping.
    if (!r.failed() && count > r.remaining() / 8)
        return fail(bad("token metadata: bad pair count"));
    for (std::uint32_t i = 0; i < count && !r.failed(); ++i) {
        std::string key = r.string();
        std::string value = r.string();
        m.additional_metadata.emplace_back(std::move(key), std::move(value));
    }
    if (r.failed()) return fail(bad("token metadata: truncated"));
    if (r.remaining() != 0) return fail(bad("token metadata: trailing bytes"));
    return m;
}

Result<Mint, Error> parse_mint(ByteView data) {
    if (data.size() < kMintSize) {
        return fail(bad("mint: " + std::to_string(data.size()) + " bytes, at least 82 expected"));
    }
    wire::Reader r(data);
    Mint mint;
    mint.mint_authority = r.coption_key();
    mint.supply = r.le<std::uint64_t>();
    mint.decimals = r.le<std::uint8_t>();
    const auto initialized = r.le<std::uint8_t>();
    mint.freeze_authority = r.coption_key();
    if (r.failed() || initialized > 1) return fail(bad("mint: invalid base state"));
    mint.is_initialized = initialized == 1;
    if (data.size() == kMintSize) return mint;

    // Extended mint: zero padding up to the account size, the account type, then TLVs.
    if (data.size() <= kAccountSize) return fail(bad("mint: extension area is truncated"));
    for (std::size_t i = kMintSize; i < kAccountSize; ++i) {
        if (data[i] != 0) return fail(bad("mint: padding before the extensions is not zero"));
    }
    if (data[kAccountSize] != kAccountTypeMint) return fail(bad("mint: account type is not Mint"));
    wire::Reader tlv(data.subspan(kAccountSize + 1));
    while (tlv.remaining() >= 4) {
        const auto type = tlv.le<std::uint16_t>();
        const auto length = tlv.le<std::uint16_t>();
        if (type == 0) break;  // Uninitialized: the rest is unused space
        const ByteView value = tlv.bytes(length);
        if (tlv.failed()) {
            return fail(
                bad("mint: extension " + std::to_string(type) + " runs past the account data"));
        }
        if (type == static_cast<std::uint16_t>(ExtensionType::MetadataPointer)) {
            if (value.size() != 64) return fail(bad("mint: metadata pointer is not 64 bytes"));
            wire::Reader p(value);
            MetadataPointer pointer;
            pointer.authority = p.nonzero_key();
            pointer.metadata_address = p.nonzero_key();
            mint.metadata_pointer = pointer;
        } else if (type == static_cast<std::uint16_t>(ExtensionType::PermanentDelegate)) {
            if (value.size() != 32) return fail(bad("mint: permanent delegate is not 32 bytes"));
            wire::Reader p(value);
            mint.permanent_delegate = p.nonzero_key();
        } else if (type == static_cast<std::uint16_t>(ExtensionType::TokenMetadata)) {
            auto metadata = parse_token_metadata(value);
            if (!metadata) return fail(metadata.error());
            mint.metadata = std::move(*metadata);
        }
    }
    return mint;
}

Result<TokenAccount, Error> parse_token_account(ByteView data) {
    if (data.size() < kAccountSize) {
        return fail(
            bad("token account: " + std::to_string(data.size()) + " bytes, at least 165 expected"));
    }
    if (data.size() > kAccountSize && data[kAccountSize] != kAccountTypeAccount) {
        return fail(bad("token account: account type is not Account"));
    }
    wire::Reader r(data);
    TokenAccount a;
    a.mint = r.key();
    a.owner = r.key();
    a.amount = r.le<std::uint64_t>();
    a.delegate = r.coption_key();
    const auto state = r.le<std::uint8_t>();
    const auto native_tag = r.le<std::uint32_t>();
    r.le<std::uint64_t>();  // rent-exempt reserve of a native (wrapped SOL) account
    a.delegated_amount = r.le<std::uint64_t>();
    a.close_authority = r.coption_key();
    if (r.failed() || state > 2 || native_tag > 1) return fail(bad("token account: invalid state"));
    a.state = static_cast<AccountState>(state);
    return a;
}

}  // namespace gate::solana::token2022
