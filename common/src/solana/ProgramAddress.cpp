#include "gate/solana/ProgramAddress.h"

#include <array>
#include <string>

#include "gate/crypto/Hash.h"
#include "gate/solana/Curve.h"
#include "gate/solana/Programs.h"

namespace gate::solana {
namespace {

constexpr std::string_view kPdaMarker = "ProgramDerivedAddress";

Status<Error> check_seeds(std::span<const ByteView> seeds, std::size_t max_seeds) {
    if (seeds.size() > max_seeds) {
        return fail(
            Error{Error::Kind::InvalidInput, "too many seeds: " + std::to_string(seeds.size()) +
                                                 " (at most " + std::to_string(max_seeds) + ")"});
    }
    for (std::size_t i = 0; i < seeds.size(); ++i) {
        if (seeds[i].size() > kMaxSeedLength) {
            return fail(Error{Error::Kind::InvalidInput, "seed " + std::to_string(i) + " is " +
                                                             std::to_string(seeds[i].size()) +
                                                             " bytes (at most 32)"});
        }
    }
    return {};
}

Pubkey hash_address(std::span<const ByteView> seeds, ByteView bump, const Pubkey& program_id) {
    crypto::Sha256 h;
    for (const auto& seed : seeds)
        h.update(seed);
    h.update(bump);
    h.update(program_id.bytes);
    h.update(as_bytes(kPdaMarker));
    Pubkey out;
    out.bytes = h.finish();
    return out;
}

}  // namespace

Result<Pubkey, Error> create_program_address(std::span<const ByteView> seeds,
                                             const Pubkey& program_id) {
    if (auto ok = check_seeds(seeds, kMaxSeeds); !ok) return fail(ok.error());
    Pubkey address = hash_address(seeds, {}, program_id);
    if (is_on_curve(address.bytes)) {
        return fail(
            Error{Error::Kind::InvalidInput,
                  "the seeds give an address on the Ed25519 curve; not a valid program address"});
    }
    return address;
}

Result<ProgramAddress, Error> find_program_address(std::span<const ByteView> seeds,
                                                   const Pubkey& program_id) {
    if (auto ok = check_seeds(seeds, kMaxSeeds - 1); !ok) return fail(ok.error());
    for (unsigned bump = 255;; --bump) {
        const std::array<std::uint8_t, 1> bump_seed{static_cast<std::uint8_t>(bump)};
        Pubkey address = hash_address(seeds, bump_seed, program_id);
        if (!is_on_curve(address.bytes)) return ProgramAddress{address, bump_seed[0]};
        if (bump == 0) break;
    }
    // Probability about 2^-256; the runtime reports the same.
    return fail(Error{Error::Kind::InvalidInput, "no bump seed gives an off-curve address"});
}

Pubkey associated_token_address(const Pubkey& wallet, const Pubkey& mint) {
    return associated_token_address(wallet, mint, program::token_2022());
}

Pubkey associated_token_address(const Pubkey& wallet, const Pubkey& mint,
                                const Pubkey& token_program) {
    const std::array<ByteView, 3> seeds{ByteView(wallet.bytes), ByteView(token_program.bytes),
                                        ByteView(mint.bytes)};
    // Three 32-byte seeds are always valid, and a miss over all 256 bumps does not happen.
    return find_program_address(seeds, program::associated_token_account()).value().address;
}

}  // namespace gate::solana
