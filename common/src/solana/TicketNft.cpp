#include "gate/solana/TicketNft.h"

#include "gate/solana/AssociatedToken.h"
#include "gate/solana/ProgramAddress.h"
#include "gate/solana/Programs.h"
#include "gate/solana/SystemProgram.h"
#include "gate/solana/Token2022.h"
#include "gate/solana/TokenMetadata.h"

namespace gate::solana::ticket_nft {

using token_metadata::Field;

std::size_t funded_mint_size(const TicketSpec& spec, std::size_t check_in_reserve) {
    token_metadata::TokenMetadata m;
    m.update_authority = spec.validator;
    m.mint = spec.mint;
    m.name = spec.name;
    m.symbol = spec.symbol;
    m.uri = spec.uri;
    m.additional_metadata = {{kEventField, spec.event},
                             {kTierField, spec.tier},
                             {kStatusField, std::string(kMaxStatusBytes, 's')}};
    // The TLV header (type + length) is 4 bytes; the check-in adds two keys with values.
    const std::size_t check_in = 8 + std::char_traits<char>::length(kGateField) + 8 +
                                 std::char_traits<char>::length(kAtField) + check_in_reserve;
    return token2022::kTicketMintBaseSize + 4 + m.packed_size() + check_in;
}

std::vector<Instruction> create_mint(const TicketSpec& spec, std::uint64_t lamports) {
    return {
        system::create_account(spec.payer, spec.mint, lamports, token2022::kTicketMintBaseSize,
                               program::token_2022()),
        token2022::initialize_metadata_pointer(spec.mint, spec.authority, spec.mint),
        token2022::initialize_permanent_delegate(spec.mint, spec.authority),
        token2022::initialize_mint2(spec.mint, 0, spec.authority, spec.authority),
        token_metadata::initialize(spec.mint, spec.authority, spec.mint, spec.authority, spec.name,
                                   spec.symbol, spec.uri),
    };
}

std::vector<Instruction> issue(const TicketSpec& spec) {
    const Pubkey account = associated_token_address(spec.holder, spec.mint);
    return {
        token_metadata::update_field(spec.mint, spec.authority, Field::custom(kEventField),
                                     spec.event),
        token_metadata::update_field(spec.mint, spec.authority, Field::custom(kTierField),
                                     spec.tier),
        token_metadata::update_field(spec.mint, spec.authority, Field::custom(kStatusField),
                                     kStatusValid),
        ata::create_idempotent(spec.payer, spec.holder, spec.mint),
        token2022::mint_to(spec.mint, account, spec.authority, 1),
        token2022::set_authority(spec.mint, spec.authority, token2022::AuthorityType::MintTokens,
                                 std::nullopt),
        token_metadata::update_authority(spec.mint, spec.authority, spec.validator),
    };
}

std::string chain_gate(std::string_view gate, std::size_t at_bytes) {
    const std::size_t room = at_bytes >= kCheckInReserve ? 0 : kCheckInReserve - at_bytes;
    if (gate.size() <= room) return std::string(gate);
    std::size_t cut = room;
    // Back off continuation bytes (10xxxxxx) so no character is split.
    while (cut > 0 && (static_cast<unsigned char>(gate[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(gate.substr(0, cut));
}

std::vector<Instruction> check_in(const Pubkey& mint, const Pubkey& validator,
                                  const std::string& gate, const std::string& at) {
    std::vector<Instruction> out{
        token_metadata::update_field(mint, validator, Field::custom(kStatusField), kStatusUsed)};
    if (!gate.empty())
        out.push_back(token_metadata::update_field(mint, validator, Field::custom(kGateField),
                                                   chain_gate(gate, at.size())));
    if (!at.empty())
        out.push_back(token_metadata::update_field(mint, validator, Field::custom(kAtField), at));
    return out;
}

Instruction set_status(const Pubkey& mint, const Pubkey& validator, std::string_view status) {
    return token_metadata::update_field(mint, validator, Field::custom(kStatusField), status);
}

std::size_t size_after_status(std::size_t current_size,
                              const token_metadata::TokenMetadata& metadata,
                              std::string_view status) {
    const auto old = metadata.get(kStatusField);
    // A new key adds its Borsh string (u32 length + bytes) and its value's; a present one
    // only changes the value's length.
    if (!old)
        return current_size + 4 + std::char_traits<char>::length(kStatusField) + 4 + status.size();
    return current_size - old->size() + status.size();
}

Instruction freeze(const Pubkey& holder, const Pubkey& mint, const Pubkey& authority) {
    return token2022::freeze_account(associated_token_address(holder, mint), mint, authority);
}

Instruction thaw(const Pubkey& holder, const Pubkey& mint, const Pubkey& authority) {
    return token2022::thaw_account(associated_token_address(holder, mint), mint, authority);
}

std::vector<Instruction> transfer(const Pubkey& payer, const Pubkey& mint, const Pubkey& authority,
                                  const Pubkey& from, const Pubkey& to) {
    return {
        ata::create_idempotent(payer, to, mint),
        token2022::transfer_checked(associated_token_address(from, mint), mint,
                                    associated_token_address(to, mint), authority, 1, 0),
    };
}

}  // namespace gate::solana::ticket_nft
