// Message compilation (account order, privilege merge, header) and the wire format.
#include "gate/solana/Message.h"

#include <doctest/doctest.h>

#include <vector>

#include "TestKeys.h"
#include "gate/codec/Hex.h"
#include "gate/solana/Programs.h"
#include "gate/solana/SystemProgram.h"

using namespace gate;
using namespace gate::solana;

namespace {

Blockhash blockhash_of(std::uint8_t fill) {
    Blockhash h;
    h.bytes.fill(fill);
    return h;
}

std::size_t index_of(const Message& m, const Pubkey& key) {
    for (std::size_t i = 0; i < m.account_keys.size(); ++i)
        if (m.account_keys[i] == key) return i;
    FAIL("key not in message");
    return 0;
}

}  // namespace

TEST_CASE("compile puts the fee payer first, then signers before non-signers, writable first") {
    const auto payer = test::key(1).public_key();
    const auto ro_signer = test::key(2).public_key();
    const auto w_signer = test::key(3).public_key();
    const auto w_plain = test::key(4).public_key();
    const auto ro_plain = test::key(5).public_key();
    const auto program_id = test::key(6).public_key();
    const Instruction ix{
        program_id,
        {AccountMeta::readonly(ro_plain), AccountMeta::writable(w_plain),
         AccountMeta::readonly(ro_signer, true), AccountMeta::writable(w_signer, true)},
        Bytes{9}};
    const auto m = Message::compile(payer, std::vector<Instruction>{ix}, blockhash_of(7)).value();
    REQUIRE(m.account_keys.size() == 6);
    CHECK(m.account_keys[0] == payer);
    CHECK(m.account_keys[1] == w_signer);
    CHECK(m.account_keys[2] == ro_signer);
    CHECK(m.account_keys[3] == w_plain);
    // ro_plain and the program are both readonly non-signers: kit's address order decides.
    CHECK(m.header == MessageHeader{3, 1, 2});
    CHECK(m.is_writable(0));
    CHECK(m.is_writable(1));
    CHECK_FALSE(m.is_writable(2));
    CHECK(m.is_writable(3));
    CHECK_FALSE(m.is_writable(4));
    CHECK(m.is_signer(2));
    CHECK_FALSE(m.is_signer(3));
    const auto& ci = m.instructions.at(0);
    CHECK(ci.program_id_index == index_of(m, program_id));
    CHECK(ci.accounts ==
          std::vector<std::uint8_t>{static_cast<std::uint8_t>(index_of(m, ro_plain)), 3, 2, 1});
}

TEST_CASE("an account named twice appears once with the union of its privileges") {
    const auto payer = test::key(1).public_key();
    const auto shared = test::key(2).public_key();
    const auto program_id = test::key(3).public_key();
    const std::vector<Instruction> ixs{
        {program_id, {AccountMeta::readonly(shared, true)}, {}},
        {program_id, {AccountMeta::writable(shared), AccountMeta::readonly(payer)}, {}},
    };
    const auto m = Message::compile(payer, ixs, blockhash_of(0)).value();
    REQUIRE(m.account_keys.size() == 3);
    CHECK(m.account_keys[1] == shared);
    CHECK(m.is_signer(1));
    CHECK(m.is_writable(1));  // writable from the second, signer from the first
    CHECK(m.header == MessageHeader{2, 0, 1});
    CHECK(m.instructions[1].accounts == std::vector<std::uint8_t>{1, 0});
}

TEST_CASE("legacy and v0 messages serialize to the documented layout") {
    const auto payer = test::key(1).public_key();
    const auto to = test::key(2).public_key();
    const std::vector<Instruction> ixs{system::transfer(payer, to, 5)};
    const auto legacy = Message::compile(payer, ixs, blockhash_of(0xaa)).value();
    const Bytes wire = legacy.serialize();
    // header, 3 keys, blockhash, 1 instruction: program 2, accounts [0, 1], 12 data bytes
    REQUIRE(wire.size() == 3 + 1 + 3 * 32 + 32 + 1 + 1 + 1 + 2 + 1 + 12);
    CHECK(codec::hex_encode(ByteView(wire).first(4)) == "01000103");
    CHECK(codec::hex_encode(ByteView(wire).last(18)) == "01020200010c020000000500000000000000");

    const auto v0 = Message::compile(payer, ixs, blockhash_of(0xaa), MessageVersion::V0).value();
    const Bytes wire0 = v0.serialize();
    REQUIRE(wire0.size() == wire.size() + 2);
    CHECK(wire0.front() == 0x80);
    CHECK(wire0.back() == 0x00);  // no address lookup tables
    CHECK(Bytes(wire0.begin() + 1, wire0.end() - 1) == wire);
}

TEST_CASE("a serialized message parses back to the same message") {
    const auto payer = test::key(1).public_key();
    const std::vector<Instruction> ixs{system::transfer(payer, test::key(2).public_key(), 1),
                                       system::transfer(payer, test::key(3).public_key(), 2)};
    for (auto version : {MessageVersion::Legacy, MessageVersion::V0}) {
        const auto m = Message::compile(payer, ixs, blockhash_of(3), version).value();
        std::size_t used = 0;
        const Bytes wire = m.serialize();
        const auto back = Message::deserialize(wire, &used);
        REQUIRE(back);
        CHECK(*back == m);
        CHECK(used == wire.size());
    }
}

TEST_CASE("malformed messages are refused with a reason") {
    const auto payer = test::key(1).public_key();
    const std::vector<Instruction> ixs{system::transfer(payer, test::key(2).public_key(), 1)};
    const Bytes wire = Message::compile(payer, ixs, blockhash_of(3)).value().serialize();
    SUBCASE("every truncation") {
        for (std::size_t n = 0; n < wire.size(); ++n) {
            CAPTURE(n);
            CHECK_FALSE(Message::deserialize(ByteView(wire).first(n)));
        }
    }
    SUBCASE("an account index out of range") {
        Bytes bad = wire;
        bad[bad.size() - 15] = 9;  // first account index of the instruction
        const auto r = Message::deserialize(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("missing account") != std::string::npos);
    }
    SUBCASE("a header that claims more signers than keys") {
        Bytes bad = wire;
        bad[0] = 4;
        CHECK_FALSE(Message::deserialize(bad));
    }
    SUBCASE("version 1 and lookup tables") {
        Bytes v1 = wire;
        v1.insert(v1.begin(), 0x81);
        CHECK_FALSE(Message::deserialize(v1));
        Bytes lookups =
            Message::compile(payer, ixs, blockhash_of(3), MessageVersion::V0).value().serialize();
        lookups.back() = 1;
        const auto r = Message::deserialize(lookups);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("lookup") != std::string::npos);
    }
}

TEST_CASE("compile refuses an empty instruction list and more than 256 accounts") {
    const auto payer = test::key(1).public_key();
    CHECK_FALSE(Message::compile(payer, {}, blockhash_of(0)));
    Instruction big{program::memo(), {}, {}};
    for (int i = 0; i < 300; ++i) {
        Pubkey k;
        k.bytes[0] = static_cast<std::uint8_t>(i);
        k.bytes[1] = static_cast<std::uint8_t>(i >> 8);
        k.bytes[2] = 1;
        big.accounts.push_back(AccountMeta::readonly(k));
    }
    const auto r = Message::compile(payer, std::vector<Instruction>{big}, blockhash_of(0));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("at most 256") != std::string::npos);
}

TEST_CASE("kit address order: digits, then letters ignoring case, then lower case first") {
    // Raw bytes chosen for their base58 forms; the order is on the text, not the bytes.
    const auto a = pubkey("11111111111111111111111111111111");
    const auto b = pubkey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
    const auto c = pubkey("ComputeBudget111111111111111111111111111111");
    const auto d = pubkey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
    CHECK(kit_address_less(a, b));
    CHECK(kit_address_less(b, c));
    CHECK(kit_address_less(c, d));
    CHECK_FALSE(kit_address_less(d, c));
    CHECK_FALSE(kit_address_less(a, a));
}
