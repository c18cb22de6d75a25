#pragma once
// The ticket as a Token-2022 NFT (docs/solana.md): the instruction lists
// that create it, issue it to its holder, record a check-in and freeze it. The backend
// and gate-syncd send these; the field names here are the on-chain contract.
//
// Keys: `authority` is the event authority (mint authority until revoked, freeze
// authority, permanent delegate, first metadata update authority); `validator` is the
// event's validator key, which becomes the metadata update authority and signs check-ins.
// The permanent delegate lets the backend, which holds no holder keys, move a ticket
// when it is transferred.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gate/solana/Instruction.h"
#include "gate/solana/TokenMetadata.h"

namespace gate::solana::ticket_nft {

/// Additional metadata keys.
inline constexpr const char* kEventField = "event";
inline constexpr const char* kTierField = "tier";
inline constexpr const char* kStatusField = "status";
inline constexpr const char* kGateField = "gate";
inline constexpr const char* kAtField = "at";
inline constexpr const char* kStatusValid = "valid";
inline constexpr const char* kStatusUsed = "used";
/// The longest `status` value ever written ("cancelled"; the values are the backend's
/// public statuses, docs/domain.md "Public status"): the mint is funded for it.
inline constexpr std::size_t kMaxStatusBytes = 9;

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
/// of up to `check_in_reserve` bytes together) with the longest status value; fund rent
/// for this size at creation, because metadata updates grow the account in place.
inline constexpr std::size_t kCheckInReserve = 64;
std::size_t funded_mint_size(const TicketSpec& spec,
                             std::size_t check_in_reserve = kCheckInReserve);

/// The gate name as a check-in writes it: cut (at a UTF-8 character boundary) so that it and
/// a time value of `at_bytes` bytes fit in kCheckInReserve, the room the mint was funded
/// for. Gate names may be longer (64 characters); a longer value would need more rent than
/// the account holds and the check-in would fail for good.
std::string chain_gate(std::string_view gate, std::size_t at_bytes);

/// Transaction 1, signed by payer, mint and authority: create the mint account (space
/// for the metadata pointer and permanent delegate; `lamports` should cover
/// funded_mint_size), point its metadata at itself, make the authority its permanent
/// delegate, initialize it (decimals 0, freeze authority = authority) and write name,
/// symbol and uri.
std::vector<Instruction> create_mint(const TicketSpec& spec, std::uint64_t lamports);

/// Transaction 2, signed by payer and authority: fields event, tier, status=valid; the
/// holder's associated token account; mint exactly 1; revoke the mint authority (supply
/// fixed at 1); hand the metadata update authority to the validator.
std::vector<Instruction> issue(const TicketSpec& spec);

/// A check-in, signed by the validator: status=used, plus gate (as chain_gate cuts it) and
/// time when given (empty strings leave them out: one instruction instead of three).
std::vector<Instruction> check_in(const Pubkey& mint, const Pubkey& validator,
                                  const std::string& gate = {}, const std::string& at = {});

/// Sets the status field to `status` (the backend's public status), signed by the
/// validator, the metadata update authority.
Instruction set_status(const Pubkey& mint, const Pubkey& validator, std::string_view status);

/// The mint account's size once `status` is written into `metadata`, the account being
/// `current_size` bytes now: Token-2022 reallocates in place, and the runtime refuses a
/// transaction that leaves the account below the rent-exempt minimum for its size.
std::size_t size_after_status(std::size_t current_size,
                              const token_metadata::TokenMetadata& metadata,
                              std::string_view status);

/// Freezes the holder's ticket account (revocation), signed by the authority.
Instruction freeze(const Pubkey& holder, const Pubkey& mint, const Pubkey& authority);
/// Thaws it again (a frozen ticket made valid), signed by the authority.
Instruction thaw(const Pubkey& holder, const Pubkey& mint, const Pubkey& authority);

/// Moves the ticket from `from`'s associated account to `to`'s (created idempotently,
/// paid by `payer`), signed by payer and authority as the mint's permanent delegate: the
/// holder does not sign. Fails on chain while the source account is frozen.
std::vector<Instruction> transfer(const Pubkey& payer, const Pubkey& mint, const Pubkey& authority,
                                  const Pubkey& from, const Pubkey& to);

}  // namespace gate::solana::ticket_nft
