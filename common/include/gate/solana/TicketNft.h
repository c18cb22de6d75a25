#pragma once
// The ticket as a Token-2022 NFT (DESIGN.md, "Chain mapping"): the instruction lists
// that create it, issue it to its holder, record a check-in and freeze it. The backend
// and gate-syncd send these; the field names here are the on-chain contract.
//
// Keys: `authority` is the event authority (mint authority until revoked, freeze
// authority, first metadata update authority); `validator` is the event's validator
// key, which becomes the metadata update authority and signs check-ins.

#include <cstdint>
#include <string>
#include <vector>

#include "gate/solana/Instruction.h"

namespace gate::solana::ticket_nft {

/// Additional metadata keys.
inline constexpr const char* kEventField = "event";
inline constexpr const char* kTierField = "tier";
inline constexpr const char* kStatusField = "status";
inline constexpr const char* kGateField = "gate";
inline constexpr const char* kAtField = "at";
inline constexpr const char* kStatusValid = "valid";
inline constexpr const char* kStatusUsed = "used";

struct TicketSpec {
    Pubkey payer;      ///< pays fees and rent
    Pubkey mint;       ///< a fresh key pair's public key; it signs the creation
    Pubkey authority;  ///< event authority
    Pubkey validator;  ///< event validator key (metadata update authority after issue)
    Pubkey holder;     ///< wallet that receives the ticket
    std::string name;
    std::string symbol;
    std::string uri;    ///< the backend's metadata JSON for this ticket
    std::string event;  ///< event id
    std::string tier;
};

/// Bytes the mint account will hold once issued and checked in (gate and time fields
/// of up to `check_in_reserve` bytes together); fund rent for this size at creation,
/// because metadata updates grow the account in place.
std::size_t funded_mint_size(const TicketSpec& spec, std::size_t check_in_reserve = 64);

/// Transaction 1, signed by payer, mint and authority: create the mint account (space
/// for the metadata pointer; `lamports` should cover funded_mint_size), point its
/// metadata at itself, initialize it (decimals 0, freeze authority = authority) and
/// write name, symbol and uri.
std::vector<Instruction> create_mint(const TicketSpec& spec, std::uint64_t lamports);

/// Transaction 2, signed by payer and authority: fields event, tier, status=valid; the
/// holder's associated token account; mint exactly 1; revoke the mint authority (supply
/// fixed at 1); hand the metadata update authority to the validator.
std::vector<Instruction> issue(const TicketSpec& spec);

/// A check-in, signed by the validator: status=used, plus gate and time when given
/// (empty strings leave them out: one instruction instead of three).
std::vector<Instruction> check_in(const Pubkey& mint, const Pubkey& validator,
                                  const std::string& gate = {}, const std::string& at = {});

/// Freezes the holder's ticket account (revocation), signed by the authority.
Instruction freeze(const Pubkey& holder, const Pubkey& mint, const Pubkey& authority);

}  // namespace gate::solana::ticket_nft
