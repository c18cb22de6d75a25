#include "gate/syncd/CheckinBatch.h"

#include "gate/solana/ComputeBudget.h"
#include "gate/solana/Programs.h"
#include "gate/solana/TicketNft.h"

namespace gate::syncd {

std::string chain_time(std::int64_t at_ms) {
    return std::to_string(at_ms);
}

std::vector<solana::Instruction> checkin_instructions(
    std::span<const device::ChainCheckin> checkins, const solana::Pubkey& validator,
    const PackOptions& options) {
    std::vector<solana::Instruction> out;
    if (options.compute_unit_price > 0) {
        const auto units = static_cast<std::uint32_t>(
            std::min<std::size_t>(checkins.size() * kComputeUnitsPerCheckin, 1'400'000));
        out.push_back(solana::compute_budget::set_compute_unit_limit(units));
        out.push_back(solana::compute_budget::set_compute_unit_price(options.compute_unit_price));
    }
    for (const auto& c : checkins) {
        auto ixs = solana::ticket_nft::check_in(c.mint, validator, c.gate, chain_time(c.at));
        out.insert(out.end(), std::make_move_iterator(ixs.begin()),
                   std::make_move_iterator(ixs.end()));
    }
    return out;
}

namespace {

// Wire size of a transaction with this message: the signature count (compact-u16, one
// byte below 128 signers) and 64 bytes per signature, then the message.
Result<std::size_t, solana::Error> wire_size(std::span<const device::ChainCheckin> checkins,
                                             const solana::Pubkey& validator,
                                             const solana::Blockhash& blockhash,
                                             const PackOptions& options) {
    const auto ixs = checkin_instructions(checkins, validator, options);
    auto message = solana::Message::compile(validator, ixs, blockhash);
    if (!message) return fail(message.error());
    return 1 + solana::Signature::kSize * message->header.num_required_signatures +
           message->serialize().size();
}

}  // namespace

Result<PackedCheckins, solana::Error> pack_checkins(std::span<const device::ChainCheckin> queue,
                                                    const solana::KeyPair& validator,
                                                    const solana::Blockhash& blockhash,
                                                    const PackOptions& options) {
    if (queue.empty())
        return fail(solana::Error{solana::Error::Kind::InvalidInput, "no check-ins"});
    const std::size_t most =
        options.max_checkins == 0 ? queue.size() : std::min(queue.size(), options.max_checkins);
    // Each check-in adds about 150 bytes, so a handful fit: growing one at a time is cheap.
    std::size_t fits = 0;
    for (std::size_t n = 1; n <= most; ++n) {
        auto size = wire_size(queue.first(n), validator.public_key(), blockhash, options);
        if (!size) return fail(size.error());
        if (*size > solana::kMaxTransactionSize) break;
        fits = n;
    }
    if (fits == 0) {
        return fail(
            solana::Error{solana::Error::Kind::TooLarge,
                          "the check-in of ticket " + std::to_string(queue.front().ticket_id) +
                              " does not fit in one transaction (gate name of " +
                              std::to_string(queue.front().gate.size()) + " bytes is too long)"});
    }
    const auto chosen = queue.first(fits);
    const auto ixs = checkin_instructions(chosen, validator.public_key(), options);
    const solana::KeyPair* signers[] = {&validator};
    auto tx = solana::build_transaction(validator.public_key(), ixs, blockhash, signers);
    if (!tx) return fail(tx.error());
    PackedCheckins out{std::move(tx).value(), {}, 0};
    out.size = out.transaction.serialize().size();
    for (const auto& c : chosen)
        out.ticket_ids.push_back(c.ticket_id);
    return out;
}

std::optional<solana::Pubkey> failing_mint(const solana::Message& message, std::size_t index) {
    if (index >= message.instructions.size()) return std::nullopt;
    const auto* program = message.program_of(index);
    const auto& ix = message.instructions[index];
    if (program == nullptr || *program != solana::program::token_2022() || ix.accounts.empty() ||
        ix.accounts.front() >= message.account_keys.size())
        return std::nullopt;
    return message.account_keys[ix.accounts.front()];
}

}  // namespace gate::syncd
