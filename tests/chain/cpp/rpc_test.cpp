// The RPC client against the local chain: reads, airdrops, and the node refusing what a
// real cluster refuses (forged signatures, stale blockhashes), with readable errors.
#include <doctest/doctest.h>

#include "ChainTest.h"
#include "gate/solana/Memo.h"
#include "gate/solana/Programs.h"
#include "gate/solana/SystemProgram.h"
#include "gate/solana/Token2022.h"

using namespace gate;
using namespace gate::solana;

TEST_CASE("reads: balance after airdrop, rent, account info, blockhash") {
    test::ChainFixture f;
    const auto fresh = KeyPair::generate();
    CHECK(f.rpc.get_balance(fresh.public_key()).value() == 0);
    const auto sig = f.rpc.request_airdrop(fresh.public_key(), 123'456'789);
    REQUIRE(sig);
    CHECK(f.rpc.get_balance(fresh.public_key()).value() == 123'456'789);
    const auto statuses = f.rpc.get_signature_statuses(std::vector<Signature>{*sig}).value();
    REQUIRE(statuses.size() == 1);
    REQUIRE(statuses[0]);
    CHECK_FALSE(statuses[0]->failed());

    CHECK(f.rpc.get_minimum_balance_for_rent_exemption(token2022::kMintSize).value() == 1'461'600);
    CHECK_FALSE(f.rpc.get_account_info(KeyPair::generate().public_key()).value());
    const auto program = f.rpc.get_account_info(program::token_2022()).value();
    REQUIRE(program);
    CHECK(program->executable);
    const auto wallet = f.rpc.get_account_info(fresh.public_key()).value();
    REQUIRE(wallet);
    CHECK(wallet->owner == program::system());
    CHECK(wallet->lamports == 123'456'789);

    const auto latest = f.rpc.get_latest_blockhash().value();
    CHECK(f.rpc.is_blockhash_valid(latest.blockhash).value());
    CHECK(latest.last_valid_block_height > 0);
}

TEST_CASE("a transfer lands once and moves the lamports") {
    test::ChainFixture f;
    const auto to = KeyPair::generate();
    const auto before = f.rpc.get_balance(f.payer.public_key()).value();
    const auto done =
        f.send({system::transfer(f.payer.public_key(), to.public_key(), 5'000'000)}, {&f.payer});
    CHECK(done.attempts == 1);
    CHECK(f.rpc.get_balance(to.public_key()).value() == 5'000'000);
    CHECK(f.rpc.get_balance(f.payer.public_key()).value() == before - 5'000'000 - 5'000);  // fee
}

TEST_CASE("a transfer is found by a reference key it names, and read back whole") {
    // Solana Pay: the payer's wallet adds a fresh key to the transfer as a read-only
    // account, so whoever asked for the payment can find it by that key.
    test::ChainFixture f;
    const auto to = KeyPair::generate();
    const auto reference = KeyPair::generate().public_key();
    auto ix = system::transfer(f.payer.public_key(), to.public_key(), 7'000'000);
    ix.accounts.push_back(AccountMeta::readonly(reference));
    CHECK(f.rpc.get_signatures_for_address(reference).value().empty());
    const auto done = f.send({ix}, {&f.payer});

    const auto found = f.rpc.get_signatures_for_address(reference).value();
    REQUIRE(found.size() == 1);
    CHECK(found[0].signature == done.signature);
    CHECK_FALSE(found[0].failed());
    CHECK(found[0].confirmation_status == "finalized");

    const auto tx = f.rpc.get_transaction(done.signature).value();
    REQUIRE(tx.has_value());
    CHECK_FALSE(tx->failed());
    CHECK(tx->fee == 5'000);
    CHECK(tx->num_required_signatures == 1);
    REQUIRE(tx->account_keys.size() == 4);  // payer, recipient, reference, System program
    CHECK(tx->account_keys[0] == f.payer.public_key());
    std::size_t at_to = 0, at_reference = 0;
    for (std::size_t i = 0; i < tx->account_keys.size(); ++i) {
        if (tx->account_keys[i] == to.public_key()) at_to = i;
        if (tx->account_keys[i] == reference) at_reference = i;
    }
    REQUIRE(at_to != 0);
    REQUIRE(at_reference != 0);
    CHECK(tx->post_balances[at_to] - tx->pre_balances[at_to] == 7'000'000);
    CHECK(tx->pre_balances[0] - tx->post_balances[0] == 7'005'000);
    REQUIRE(tx->instructions.size() == 1);
    const auto& sent = tx->instructions[0];
    CHECK(tx->account_keys[sent.program_id_index] == program::system());
    CHECK(sent.data == ix.data);
    REQUIRE(sent.accounts.size() == 3);
    CHECK(sent.accounts[1] == at_to);
    CHECK(sent.accounts[2] == at_reference);

    // The recipient names it too; an unknown signature is no transaction.
    CHECK(f.rpc.get_signatures_for_address(to.public_key()).value().size() == 1);
    CHECK_FALSE(f.rpc.get_transaction(KeyPair::generate().sign(as_bytes("x"))).value());
}

TEST_CASE("v0 messages are accepted by the runtime like legacy ones") {
    test::ChainFixture f;
    const auto to = KeyPair::generate();
    SenderOptions options;
    options.version = MessageVersion::V0;
    TransactionSender sender(f.rpc, options);
    const std::vector<Instruction> ixs{
        system::transfer(f.payer.public_key(), to.public_key(), 2'500'000),
        memo::memo("v0", std::vector<Pubkey>{f.payer.public_key()})};
    const KeyPair* signers[] = {&f.payer};
    const auto r = sender.send_and_confirm(f.payer.public_key(), ixs, signers);
    REQUIRE_MESSAGE(r, (r ? "" : to_string(r.error())));
    CHECK(f.rpc.get_balance(to.public_key()).value() == 2'500'000);
}

TEST_CASE("a forged signature is rejected and changes nothing") {
    test::ChainFixture f;
    const auto to = KeyPair::generate();
    const auto latest = f.rpc.get_latest_blockhash().value();
    const KeyPair* signers[] = {&f.payer};
    const std::vector<Instruction> ixs{
        system::transfer(f.payer.public_key(), to.public_key(), 1'000'000)};
    auto tx = build_transaction(f.payer.public_key(), ixs, latest.blockhash, signers).value();
    SUBCASE("a flipped signature bit") {
        tx.signatures[0].bytes[5] ^= 0x20;
    }
    SUBCASE("signed by another key") {
        const auto mallory = KeyPair::generate();
        tx.signatures[0] = mallory.sign(tx.message.serialize());
    }
    for (bool skip : {false, true}) {
        const auto r = f.rpc.send_transaction(tx, SendOptions{skip});
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == Error::Kind::Transaction);
        CHECK(r.error().rpc_code == -32003);
        CHECK(r.error().message.find("signature verification failure") != std::string::npos);
    }
    CHECK(f.rpc.get_balance(to.public_key()).value() == 0);
    CHECK_FALSE(f.rpc.get_signature_statuses(std::vector<Signature>{tx.id()}).value()[0]);
}

TEST_CASE("a stale blockhash is rejected and changes nothing") {
    test::ChainFixture f;
    const auto to = KeyPair::generate();
    const auto latest = f.rpc.get_latest_blockhash().value();
    REQUIRE(f.rpc.call("gate_expireBlockhash", nlohmann::json::array()));
    CHECK_FALSE(f.rpc.is_blockhash_valid(latest.blockhash).value());
    const KeyPair* signers[] = {&f.payer};
    const std::vector<Instruction> ixs{
        system::transfer(f.payer.public_key(), to.public_key(), 1'000'000)};
    const auto tx = build_transaction(f.payer.public_key(), ixs, latest.blockhash, signers).value();
    const auto r = f.rpc.send_transaction(tx);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == Error::Kind::Transaction);
    CHECK(r.error().chain_error == "BlockhashNotFound");
    CHECK(r.error().message.find("BlockhashNotFound") != std::string::npos);
    CHECK(f.rpc.get_balance(to.public_key()).value() == 0);
}

TEST_CASE("simulation reports logs, units and a decoded failure") {
    test::ChainFixture f;
    const auto latest = f.rpc.get_latest_blockhash().value();
    const KeyPair* signers[] = {&f.payer};
    const std::vector<Instruction> ok{memo::memo("hello chain")};
    const auto good =
        build_transaction(f.payer.public_key(), ok, latest.blockhash, signers).value();
    const auto sim = f.rpc.simulate_transaction(good).value();
    CHECK(sim.err.is_null());
    CHECK(sim.units_consumed > 0);
    CHECK_FALSE(sim.logs.empty());

    // Initializing a mint on an account that does not exist fails in instruction 0.
    const auto nowhere = KeyPair::generate();
    const std::vector<Instruction> bad{
        token2022::initialize_mint2(nowhere.public_key(), 0, f.payer.public_key(), std::nullopt)};
    const auto failing =
        build_transaction(f.payer.public_key(), bad, latest.blockhash, signers).value();
    const auto sim2 = f.rpc.simulate_transaction(failing).value();
    REQUIRE_FALSE(sim2.err.is_null());
    CHECK(sim2.err.contains("InstructionError"));
}

TEST_CASE("the client reports JSON-RPC errors with their code, and a dead endpoint as retryable") {
    test::ChainFixture f;
    const auto r = f.rpc.call("noSuchMethod", nlohmann::json::array());
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == Error::Kind::Rpc);
    CHECK(r.error().rpc_code == -32601);
    CHECK_FALSE(r.error().retryable());

    RpcClient dead(RpcOptions{"http://127.0.0.1:1", "confirmed", {}});
    const auto down = dead.get_latest_blockhash();
    REQUIRE_FALSE(down);
    CHECK(down.error().kind == Error::Kind::Network);
    CHECK(down.error().retryable());
}
