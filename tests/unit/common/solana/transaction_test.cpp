// Signing, the wire format and the 1232-byte limit.
#include "gate/solana/Transaction.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "TestKeys.h"
#include "gate/solana/Memo.h"
#include "gate/solana/SystemProgram.h"

using namespace gate;
using namespace gate::solana;

namespace {

Blockhash some_blockhash() {
    Blockhash h;
    h.bytes.fill(0x42);
    return h;
}

}  // namespace

TEST_CASE("a signed transaction verifies and survives a round trip") {
    const auto payer = test::key(1);
    const auto other = test::key(2);
    const std::vector<Instruction> ixs{
        system::transfer(payer.public_key(), other.public_key(), 10),
        memo::memo("hello", std::vector<Pubkey>{other.public_key()})};
    const KeyPair* signers[] = {&other, &payer};  // any order
    auto tx = build_transaction(payer.public_key(), ixs, some_blockhash(), signers).value();
    REQUIRE(tx.signatures.size() == 2);
    CHECK(tx.verify());
    CHECK(tx.id() == payer.sign(tx.message.serialize()));

    const Bytes wire = tx.serialize();
    CHECK(wire[0] == 2);
    const auto back = Transaction::deserialize(wire);
    REQUIRE(back);
    CHECK(back->signatures == tx.signatures);
    CHECK(back->message == tx.message);
    CHECK(back->verify());

    SUBCASE("a flipped message bit breaks verification") {
        Bytes forged = wire;
        forged.back() ^= 1;
        const auto f = Transaction::deserialize(forged).value();
        CHECK_FALSE(f.verify());
    }
}

TEST_CASE("signing needs exactly the message's signers") {
    const auto payer = test::key(1);
    const auto other = test::key(2);
    const auto stranger = test::key(3);
    const std::vector<Instruction> ixs{system::transfer(payer.public_key(), other.public_key(), 1),
                                       memo::memo("x", std::vector<Pubkey>{other.public_key()})};
    const auto m = Message::compile(payer.public_key(), ixs, some_blockhash()).value();
    const auto missing = Transaction::sign(m, {&payer});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == Error::Kind::MissingSigner);
    CHECK(missing.error().message.find(other.public_key().to_base58()) != std::string::npos);
    const auto extra = Transaction::sign(m, {&payer, &other, &stranger});
    REQUIRE_FALSE(extra);
    CHECK(extra.error().kind == Error::Kind::MissingSigner);
}

TEST_CASE("the 1232-byte packet limit is enforced with a clear error") {
    const auto payer = test::key(1);
    // Fixed part: 1 + 64 signature, 3 header, 1 + 2*32 keys, 32 blockhash, 1 count,
    // 1 program index, 1 account count, then the memo length prefix and the memo.
    auto build = [&](std::size_t memo_size) {
        const std::vector<Instruction> ixs{memo::memo(std::string(memo_size, 'm'))};
        const KeyPair* signers[] = {&payer};
        return build_transaction(payer.public_key(), ixs, some_blockhash(), signers);
    };
    const std::size_t fixed = 1 + 64 + 3 + 1 + 64 + 32 + 1 + 1 + 1 + 2;
    const std::size_t fits = kMaxTransactionSize - fixed;
    const auto ok = build(fits);
    REQUIRE(ok);
    CHECK(ok->serialize().size() == kMaxTransactionSize);
    const auto too_big = build(fits + 1);
    REQUIRE_FALSE(too_big);
    CHECK(too_big.error().kind == Error::Kind::TooLarge);
    CHECK(too_big.error().message.find("1233 bytes") != std::string::npos);
    CHECK(too_big.error().message.find("1232") != std::string::npos);

    Bytes oversized = ok->serialize();
    oversized.push_back(0);
    CHECK(Transaction::deserialize(oversized).error().kind == Error::Kind::TooLarge);
}

TEST_CASE("malformed transactions are refused") {
    const auto payer = test::key(1);
    const std::vector<Instruction> ixs{memo::memo("x")};
    const KeyPair* signers[] = {&payer};
    const Bytes wire =
        build_transaction(payer.public_key(), ixs, some_blockhash(), signers).value().serialize();
    SUBCASE("truncated anywhere") {
        for (std::size_t n = 0; n < wire.size(); ++n)
            CHECK_FALSE(Transaction::deserialize(ByteView(wire).first(n)));
    }
    SUBCASE("trailing bytes") {
        Bytes bad = wire;
        bad.push_back(0);
        CHECK_FALSE(Transaction::deserialize(bad));
    }
    SUBCASE("signature count differs from the header") {
        Bytes bad = wire;
        bad[0] = 0;
        bad.erase(bad.begin() + 1, bad.begin() + 65);
        CHECK_FALSE(Transaction::deserialize(bad));
    }
}
