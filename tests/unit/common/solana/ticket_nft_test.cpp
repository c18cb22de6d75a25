// The ticket NFT transactions: who signs, and that they fit in a packet with
// realistic metadata lengths.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

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

TEST_CASE("a long gate name is cut to the room the mint was funded for, never mid-character") {
    const std::string at = "1767225600000";  // what gate-syncd writes: Unix ms
    CHECK(ticket_nft::chain_gate("north-3", at.size()) == "north-3");
    const std::string ascii(64, 'g');
    CHECK(ticket_nft::chain_gate(ascii, at.size()) == std::string(51, 'g'));
    // "é" is two bytes: 25 of them are 50 bytes, the 26th would end at byte 52.
    std::string accents;
    for (int i = 0; i < 30; ++i)
        accents += "\xC3\xA9";
    const auto cut = ticket_nft::chain_gate(accents, at.size());
    CHECK(cut.size() == 50);
    CHECK(cut == accents.substr(0, 50));
    CHECK(ticket_nft::chain_gate("gate", ticket_nft::kCheckInReserve + 1).empty());
    // The instruction carries the cut value, so the account never outgrows its rent.
    const Keys k;
    const auto full = ticket_nft::check_in(k.mint.public_key(), k.validator.public_key(),
                                           std::string(51, 'g'), at);
    const auto cut_ix =
        ticket_nft::check_in(k.mint.public_key(), k.validator.public_key(), ascii, at);
    REQUIRE(cut_ix.size() == 3);
    CHECK(cut_ix[1].data == full[1].data);
}

TEST_CASE("the funded size covers the metadata and the check-in fields") {
    const Keys k;
    const auto s = spec(k, 60);
    // 270 (mint + pointer + permanent delegate) + 4 (TLV header) + the Borsh metadata (the
    // status at its longest, "cancelled") + the reserve.
    const std::size_t metadata =
        64 + 4 + 32 + 4 + 10 + 4 + 60 + 4 + (4 + 5 + 4 + 36) + (4 + 4 + 4 + 16) + (4 + 6 + 4 + 9);
    CHECK(ticket_nft::funded_mint_size(s, 0) ==
          token2022::kTicketMintBaseSize + 4 + metadata + (8 + 4) + (8 + 2));
    CHECK(token2022::kTicketMintBaseSize == 270);
    CHECK(ticket_nft::funded_mint_size(s) == ticket_nft::funded_mint_size(s, 0) + 64);
}

TEST_CASE("the mint is created with the authority as permanent delegate before InitializeMint2") {
    const Keys k;
    const auto ixs = ticket_nft::create_mint(spec(k, 60), 1'000'000);
    REQUIRE(ixs.size() == 5);
    // Instruction 35, then the delegate's 32 bytes; the mint is its only (writable) account.
    const Instruction& delegate = ixs[2];
    REQUIRE(delegate.data.size() == 33);
    CHECK(delegate.data[0] == 35);
    CHECK(std::equal(delegate.data.begin() + 1, delegate.data.end(),
                     k.authority.public_key().bytes.begin()));
    REQUIRE(delegate.accounts.size() == 1);
    CHECK(delegate.accounts[0].pubkey == k.mint.public_key());
    CHECK(delegate.accounts[0].is_writable);
    CHECK(ixs[3].data[0] == 20);  // InitializeMint2 comes after every mint extension
}

TEST_CASE("a transfer by the permanent delegate needs no holder signature") {
    const Keys k;
    const KeyPair to = test::key(7);
    const auto ixs =
        ticket_nft::transfer(k.payer.public_key(), k.mint.public_key(), k.authority.public_key(),
                             k.holder.public_key(), to.public_key());
    REQUIRE(ixs.size() == 2);
    CHECK(ixs[1].data == Bytes{12, 1, 0, 0, 0, 0, 0, 0, 0, 0});  // TransferChecked 1, decimals 0
    const KeyPair* signers[] = {&k.payer, &k.authority};
    const auto tx = build_transaction(k.payer.public_key(), ixs, Blockhash{}, signers);
    REQUIRE_MESSAGE(tx, (tx ? "" : tx.error().message));
    CHECK(tx->message.signer_keys().size() == 2);
}

TEST_CASE("a status write is signed by the validator, and its size change is known") {
    const Keys k;
    const auto ix =
        ticket_nft::set_status(k.mint.public_key(), k.validator.public_key(), "revoked");
    REQUIRE(ix.accounts.size() == 2);
    CHECK(ix.accounts[0].pubkey == k.mint.public_key());
    CHECK(ix.accounts[1].pubkey == k.validator.public_key());
    CHECK(ix.accounts[1].is_signer);
    const KeyPair* signers[] = {&k.validator};
    const std::vector<Instruction> ixs{ix};
    CHECK(build_transaction(k.validator.public_key(), ixs, Blockhash{}, signers));

    token_metadata::TokenMetadata m;
    m.additional_metadata = {{"event", "1"}, {"status", "valid"}};
    CHECK(ticket_nft::size_after_status(400, m, "cancelled") == 404);
    CHECK(ticket_nft::size_after_status(400, m, "used") == 399);
    m.additional_metadata.pop_back();
    CHECK(ticket_nft::size_after_status(400, m, "used") == 400 + 4 + 6 + 4 + 4);
}
