#pragma once
// Shared set-up for the tests against the local chain: a fresh chain, an RPC client on
// it, a funded payer, and the ticket parties.

#include <doctest/doctest.h>

#include <array>
#include <vector>

#include "LocalChain.h"
#include "gate/solana/RpcClient.h"
#include "gate/solana/TicketNft.h"
#include "gate/solana/TransactionSender.h"

namespace gate::test {

inline solana::KeyPair chain_key(std::uint8_t n) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(n);
    return solana::KeyPair::from_seed(seed);
}

struct ChainFixture {
    LocalChain chain;
    solana::RpcClient rpc{solana::RpcOptions{chain.url(), "confirmed", {}}};
    solana::KeyPair payer = chain_key(1);
    solana::KeyPair holder = chain_key(2);
    solana::KeyPair authority = chain_key(3);
    solana::KeyPair validator = chain_key(4);

    ChainFixture() {
        for (const auto* k : {&payer, &validator}) {
            REQUIRE(rpc.request_airdrop(k->public_key(), 10'000'000'000ULL));
        }
    }

    /// Sends and confirms; fails the test with the error's message otherwise.
    solana::Confirmation send(std::vector<solana::Instruction> ixs,
                              std::vector<const solana::KeyPair*> signers,
                              const solana::KeyPair* fee_payer = nullptr) {
        solana::TransactionSender sender(rpc);
        const auto& payer_key = fee_payer != nullptr ? *fee_payer : payer;
        auto r = sender.send_and_confirm(payer_key.public_key(), ixs, signers);
        REQUIRE_MESSAGE(r, (r ? std::string() : solana::to_string(r.error())));
        return *r;
    }

    solana::ticket_nft::TicketSpec spec(const solana::KeyPair& mint) const {
        return {payer.public_key(),
                mint.public_key(),
                authority.public_key(),
                validator.public_key(),
                holder.public_key(),
                "Summer Festival 2026 #42",
                "GATE",
                "https://tickets.example/api/v1/tickets/42/metadata.json",
                "summer-2026",
                "vip"};
    }

    /// Creates and issues a ticket NFT to the holder (two transactions).
    void mint_ticket(const solana::KeyPair& mint) {
        const auto s = spec(mint);
        const auto lamports =
            rpc.get_minimum_balance_for_rent_exemption(solana::ticket_nft::funded_mint_size(s));
        REQUIRE(lamports);
        send(solana::ticket_nft::create_mint(s, *lamports), {&payer, &mint, &authority});
        send(solana::ticket_nft::issue(s), {&payer, &authority});
    }
};

}  // namespace gate::test
