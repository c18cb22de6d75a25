// A ticket's life on the local chain, read back through getAccountInfo: a Token-2022
// mint with metadata pointer and metadata (event, tier, status), one token in the
// holder's associated account, mint authority revoked, checked in (status=used), frozen.
#include <doctest/doctest.h>

#include "ChainTest.h"
#include "gate/solana/AssociatedToken.h"
#include "gate/solana/ProgramAddress.h"
#include "gate/solana/Programs.h"
#include "gate/solana/Token2022.h"
#include "gate/solana/TokenState.h"

using namespace gate;
using namespace gate::solana;

namespace {

token2022::Mint read_mint(RpcClient& rpc, const Pubkey& mint) {
    const auto info = rpc.get_account_info(mint).value();
    REQUIRE(info);
    CHECK(info->owner == program::token_2022());
    auto parsed = token2022::parse_mint(info->data);
    REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().message));
    return *parsed;
}

token2022::TokenAccount read_account(RpcClient& rpc, const Pubkey& address) {
    const auto info = rpc.get_account_info(address).value();
    REQUIRE(info);
    auto parsed = token2022::parse_token_account(info->data);
    REQUIRE(parsed);
    return *parsed;
}

}  // namespace

TEST_CASE("mint, issue, check in and freeze a ticket NFT") {
    test::ChainFixture f;
    const auto mint = KeyPair::generate();
    f.mint_ticket(mint);

    const auto m = read_mint(f.rpc, mint.public_key());
    CHECK(m.is_initialized);
    CHECK(m.decimals == 0);
    CHECK(m.supply == 1);
    CHECK_FALSE(m.mint_authority);  // revoked: supply fixed at 1
    CHECK(m.freeze_authority == f.authority.public_key());
    REQUIRE(m.metadata_pointer);
    CHECK(m.metadata_pointer->metadata_address == mint.public_key());
    CHECK(m.metadata_pointer->authority == f.authority.public_key());
    REQUIRE(m.metadata);
    CHECK(m.metadata->mint == mint.public_key());
    CHECK(m.metadata->update_authority == f.validator.public_key());
    CHECK(m.metadata->name == "Summer Festival 2026 #42");
    CHECK(m.metadata->symbol == "GATE");
    CHECK(m.metadata->uri == "https://tickets.example/api/v1/tickets/42/metadata.json");
    CHECK(m.metadata->get("event") == "summer-2026");
    CHECK(m.metadata->get("tier") == "vip");
    CHECK(m.metadata->get("status") == "valid");

    const Pubkey holder_account =
        associated_token_address(f.holder.public_key(), mint.public_key());
    auto account = read_account(f.rpc, holder_account);
    CHECK(account.mint == mint.public_key());
    CHECK(account.owner == f.holder.public_key());
    CHECK(account.amount == 1);
    CHECK(account.state == token2022::AccountState::Initialized);

    SUBCASE("no second token can be minted") {
        TransactionSender sender(f.rpc);
        const std::vector<Instruction> more{
            token2022::mint_to(mint.public_key(), holder_account, f.authority.public_key(), 1)};
        const KeyPair* signers[] = {&f.payer, &f.authority};
        const auto r = sender.send_and_confirm(f.payer.public_key(), more, signers);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == Error::Kind::Transaction);
        CHECK(r.error().message.find("instruction 0 (Token-2022): FixedSupply (custom error 5)") !=
              std::string::npos);
    }

    SUBCASE("issuing again (a retry after a lost answer) mints nothing") {
        TransactionSender sender(f.rpc);
        const KeyPair* signers[] = {&f.payer, &f.authority};
        const auto issue = ticket_nft::issue(f.spec(mint));
        // Same blockhash: the very same transaction, recognised as landed already.
        const auto same = sender.send_and_confirm(f.payer.public_key(), issue, signers);
        REQUIRE_MESSAGE(same, (same ? "" : to_string(same.error())));
        // A new blockhash makes a new transaction; it fails as a whole.
        REQUIRE(f.rpc.call("gate_expireBlockhash", nlohmann::json::array()));
        const auto again = sender.send_and_confirm(f.payer.public_key(), issue, signers);
        REQUIRE_FALSE(again);
        CHECK(again.error().message.find("instruction 0 (Token-2022): IncorrectUpdateAuthority") !=
              std::string::npos);
        CHECK(read_mint(f.rpc, mint.public_key()).supply == 1);
        CHECK(read_account(f.rpc, holder_account).amount == 1);
    }

    SUBCASE("check-in by the validator; status, gate and time recorded") {
        f.send(ticket_nft::check_in(mint.public_key(), f.validator.public_key(), "north-3",
                                    "2026-07-01T18:00:00Z"),
               {&f.validator}, &f.validator);
        const auto after = read_mint(f.rpc, mint.public_key());
        REQUIRE(after.metadata);
        CHECK(after.metadata->get("status") == "used");
        CHECK(after.metadata->get("gate") == "north-3");
        CHECK(after.metadata->get("at") == "2026-07-01T18:00:00Z");
        CHECK(after.metadata->get("event") == "summer-2026");
        // The account grew in place; it stays within what creation funded.
        const auto info = f.rpc.get_account_info(mint.public_key()).value();
        REQUIRE(info);
        CHECK(info->data.size() <= ticket_nft::funded_mint_size(f.spec(mint)));
        CHECK(info->data.size() > token2022::kMintWithMetadataPointerSize);
    }

    SUBCASE("only the validator can check in") {
        TransactionSender sender(f.rpc);
        const auto ixs = ticket_nft::check_in(mint.public_key(), f.authority.public_key());
        const KeyPair* signers[] = {&f.payer, &f.authority};
        const auto r = sender.send_and_confirm(f.payer.public_key(), ixs, signers);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("IncorrectUpdateAuthority") != std::string::npos);
        CHECK(read_mint(f.rpc, mint.public_key()).metadata->get("status") == "valid");
    }

    SUBCASE("frozen: the account shows it and a transfer fails with AccountFrozen") {
        f.send({ticket_nft::freeze(f.holder.public_key(), mint.public_key(),
                                   f.authority.public_key())},
               {&f.payer, &f.authority});
        CHECK(read_account(f.rpc, holder_account).state == token2022::AccountState::Frozen);

        const auto buyer = KeyPair::generate();
        const Pubkey buyer_account =
            associated_token_address(buyer.public_key(), mint.public_key());
        TransactionSender sender(f.rpc);
        const std::vector<Instruction> move{
            ata::create_idempotent(f.payer.public_key(), buyer.public_key(), mint.public_key()),
            token2022::transfer_checked(holder_account, mint.public_key(), buyer_account,
                                        f.holder.public_key(), 1, 0)};
        const KeyPair* signers[] = {&f.payer, &f.holder};
        const auto r = sender.send_and_confirm(f.payer.public_key(), move, signers);
        REQUIRE_FALSE(r);
        CHECK(
            r.error().message.find("instruction 1 (Token-2022): AccountFrozen (custom error 17)") !=
            std::string::npos);
        CHECK(read_account(f.rpc, holder_account).amount == 1);
    }

    SUBCASE("a transfer moves the ticket to the buyer's account") {
        const auto buyer = KeyPair::generate();
        const Pubkey buyer_account =
            associated_token_address(buyer.public_key(), mint.public_key());
        f.send({ata::create_idempotent(f.payer.public_key(), buyer.public_key(), mint.public_key()),
                token2022::transfer_checked(holder_account, mint.public_key(), buyer_account,
                                            f.holder.public_key(), 1, 0)},
               {&f.payer, &f.holder});
        CHECK(read_account(f.rpc, holder_account).amount == 0);
        const auto theirs = read_account(f.rpc, buyer_account);
        CHECK(theirs.amount == 1);
        CHECK(theirs.owner == buyer.public_key());
    }
}
