// The ticket NFT transactions: who signs, and that they fit in a packet with
// realistic metadata lengths.
#include <doctest/doctest.h>

#include <string>

#include "TestKeys.h"
#include "gate/solana/TicketNft.h"
#include "gate/solana/Token2022.h"
#include "gate/solana/Transaction.h"

using namespace gate;
using namespace gate::solana;

namespace {

struct Keys {
    KeyPair payer = test::key(1);
    KeyPair holder = test::key(2);
    KeyPair authority = test::key(3);
    KeyPair validator = test::key(4);
    KeyPair mint = test::key(10);
};

ticket_nft::TicketSpec spec(const Keys& k, std::size_t uri_length) {
    return {
        k.payer.public_key(),     k.mint.public_key(),
        k.authority.public_key(), k.validator.public_key(),
        k.holder.public_key(),    std::string(32, 'N'),  // the metadata name limit wallets display
        std::string(10, 'S'),     "https://" + std::string(uri_length - 8, 'u'),
        std::string(36, 'e'),  // a UUID event id
        std::string(16, 't')};
}

}  // namespace

TEST_CASE("creation and issuance fit in two transactions with a 200-character uri") {
    const Keys k;
    const auto s = spec(k, 200);
    const KeyPair* create_signers[] = {&k.payer, &k.mint, &k.authority};
    const auto create = build_transaction(
        k.payer.public_key(), ticket_nft::create_mint(s, 1'000'000), Blockhash{}, create_signers);
    REQUIRE_MESSAGE(create, (create ? "" : create.error().message));
    CHECK(create->signatures.size() == 3);
    MESSAGE("create: " << create->serialize().size() << " bytes");

    const KeyPair* issue_signers[] = {&k.payer, &k.authority};
    const auto issue =
        build_transaction(k.payer.public_key(), ticket_nft::issue(s), Blockhash{}, issue_signers);
    REQUIRE_MESSAGE(issue, (issue ? "" : issue.error().message));
    CHECK(issue->signatures.size() == 2);
    MESSAGE("issue: " << issue->serialize().size() << " bytes");
}

TEST_CASE("a check-in needs only the validator's signature") {
    const Keys k;
    const auto ixs = ticket_nft::check_in(k.mint.public_key(), k.validator.public_key(), "north-3",
                                          "2026-07-01T18:00:00Z");
    CHECK(ixs.size() == 3);
    const KeyPair* signers[] = {&k.validator};
    const auto tx = build_transaction(k.validator.public_key(), ixs, Blockhash{}, signers);
    REQUIRE(tx);
    CHECK(tx->message.signer_keys().size() == 1);
    CHECK(ticket_nft::check_in(k.mint.public_key(), k.validator.public_key()).size() == 1);
}

TEST_CASE("the funded size covers the metadata and the check-in fields") {
    const Keys k;
    const auto s = spec(k, 60);
    // 234 (mint + pointer) + 4 (TLV header) + the Borsh metadata + the reserve.
    const std::size_t metadata =
        64 + 4 + 32 + 4 + 10 + 4 + 60 + 4 + (4 + 5 + 4 + 36) + (4 + 4 + 4 + 16) + (4 + 6 + 4 + 5);
    CHECK(ticket_nft::funded_mint_size(s, 0) ==
          token2022::kMintWithMetadataPointerSize + 4 + metadata + (8 + 4) + (8 + 2));
    CHECK(ticket_nft::funded_mint_size(s) == ticket_nft::funded_mint_size(s, 0) + 64);
}
