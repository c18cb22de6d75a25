#pragma once
// Program-derived addresses (PDAs) and associated token accounts: addresses no private
// key can sign for, derived from seeds and a program id as the runtime derives them.

#include <cstdint>
#include <initializer_list>
#include <span>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/solana/Error.h"
#include "gate/solana/Pubkey.h"

namespace gate::solana {

inline constexpr std::size_t kMaxSeeds = 16;
inline constexpr std::size_t kMaxSeedLength = 32;

/// SHA-256(seeds... || program_id || "ProgramDerivedAddress"), refused (InvalidInput)
/// if the hash is on the curve, if there are more than 16 seeds or a seed is longer
/// than 32 bytes.
Result<Pubkey, Error> create_program_address(std::span<const ByteView> seeds,
                                             const Pubkey& program_id);

struct ProgramAddress {
    Pubkey address;
    std::uint8_t bump = 0;  ///< the extra seed byte that took the hash off the curve
    bool operator==(const ProgramAddress&) const = default;
};

/// The canonical PDA: tries bump 255 down to 0 and returns the first off-curve address.
/// At most 15 seeds (the bump is the 16th).
Result<ProgramAddress, Error> find_program_address(std::span<const ByteView> seeds,
                                                   const Pubkey& program_id);
inline Result<ProgramAddress, Error> find_program_address(std::initializer_list<ByteView> seeds,
                                                          const Pubkey& program_id) {
    return find_program_address(std::span<const ByteView>(seeds.begin(), seeds.size()), program_id);
}

/// The wallet's associated token account for `mint` under `token_program`
/// (Token-2022 unless told otherwise): the PDA of [wallet, token_program, mint] under
/// the associated-token-account program.
Pubkey associated_token_address(const Pubkey& wallet, const Pubkey& mint);
Pubkey associated_token_address(const Pubkey& wallet, const Pubkey& mint,
                                const Pubkey& token_program);

}  // namespace gate::solana
