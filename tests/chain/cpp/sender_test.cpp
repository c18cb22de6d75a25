// Confirmation with blockhash expiry: a lost transaction is rebuilt with a new blockhash
// only once the old one can no longer land, and one that landed is never sent again.
#include <doctest/doctest.h>

#include "ChainTest.h"
#include "gate/solana/SystemProgram.h"

using namespace gate;
using namespace gate::solana;

namespace {

// A sleep hook that expires the chain's blockhash at the first wait.
SenderOptions expire_on_first_wait(RpcClient& rpc, int& waits) {
    SenderOptions o;
    o.poll_interval = std::chrono::milliseconds(10);
    o.rebroadcast_interval = std::chrono::hours(1);  // the test decides what lands
    o.sleep = [&rpc, &waits](std::chrono::milliseconds) {
        if (waits++ == 0) REQUIRE(rpc.call("gate_expireBlockhash", nlohmann::json::array()));
    };
    return o;
}

}  // namespace

TEST_CASE("a dropped transaction is re-signed with a fresh blockhash after expiry") {
    test::ChainFixture f;
    const auto to = KeyPair::generate();
    REQUIRE(f.rpc.call("gate_dropNextTransactions", nlohmann::json::array({1})));
    int waits = 0;
    TransactionSender sender(f.rpc, expire_on_first_wait(f.rpc, waits));
    const std::vector<Instruction> ixs{
        system::transfer(f.payer.public_key(), to.public_key(), 7'000'000)};
    const KeyPair* signers[] = {&f.payer};
    const auto r = sender.send_and_confirm(f.payer.public_key(), ixs, signers);
    REQUIRE_MESSAGE(r, (r ? "" : to_string(r.error())));
    CHECK(r->attempts == 2);
    REQUIRE(r->sent.size() == 2);
    CHECK(r->signature == r->sent[1]);
    CHECK(f.rpc.get_balance(to.public_key()).value() == 7'000'000);
    const auto statuses = f.rpc.get_signature_statuses(r->sent).value();
    CHECK_FALSE(statuses[0]);  // the dropped one never landed
    CHECK(statuses[1]);
}

TEST_CASE(
    "a transaction that landed is not sent again when the node lags and the blockhash expires") {
    test::ChainFixture f;
    const auto to = KeyPair::generate();
    // The node answers "unknown" to the first two status queries although the transfer
    // landed; the second comes after the blockhash expired.
    REQUIRE(f.rpc.call("gate_hideNextStatuses", nlohmann::json::array({2})));
    int waits = 0;
    TransactionSender sender(f.rpc, expire_on_first_wait(f.rpc, waits));
    const std::vector<Instruction> ixs{
        system::transfer(f.payer.public_key(), to.public_key(), 3'000'000)};
    const KeyPair* signers[] = {&f.payer};
    const auto r = sender.send_and_confirm(f.payer.public_key(), ixs, signers);
    REQUIRE_MESSAGE(r, (r ? "" : to_string(r.error())));
    CHECK(r->attempts == 1);
    CHECK(f.rpc.get_balance(to.public_key()).value() == 3'000'000);  // once, not twice
}

TEST_CASE("a transaction that keeps getting lost ends as Unconfirmed, listing what was sent") {
    test::ChainFixture f;
    const auto to = KeyPair::generate();
    REQUIRE(f.rpc.call("gate_dropNextTransactions", nlohmann::json::array({100})));
    SenderOptions o;
    o.poll_interval = std::chrono::milliseconds(1);
    o.rebroadcast_interval = std::chrono::hours(1);
    o.max_attempts = 3;
    o.sleep = [&f](std::chrono::milliseconds) {
        REQUIRE(f.rpc.call("gate_expireBlockhash", nlohmann::json::array()));
    };
    TransactionSender sender(f.rpc, o);
    const std::vector<Instruction> ixs{system::transfer(f.payer.public_key(), to.public_key(), 1)};
    const KeyPair* signers[] = {&f.payer};
    const auto r = sender.send_and_confirm(f.payer.public_key(), ixs, signers);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == Error::Kind::Unconfirmed);
    CHECK(r.error().retryable());
    CHECK(r.error().message.find("3 times") != std::string::npos);
    CHECK(f.rpc.get_balance(to.public_key()).value() == 0);
}
