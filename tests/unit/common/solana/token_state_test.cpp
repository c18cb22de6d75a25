// Parsing Token-2022 account data: mints with metadata pointer and token metadata in
// their TLV area, token accounts, and strict refusal of damaged data.
#include <doctest/doctest.h>

#include <string>

#include "TestKeys.h"
#include "gate/solana/Token2022.h"
#include "gate/solana/TokenState.h"

using namespace gate;
using namespace gate::solana;

namespace {

void put_u16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_u32(Bytes& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u64(Bytes& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_key(Bytes& out, const Pubkey& k) {
    out.insert(out.end(), k.bytes.begin(), k.bytes.end());
}
void put_str(Bytes& out, const std::string& s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}
void put_coption(Bytes& out, const std::optional<Pubkey>& k) {
    put_u32(out, k ? 1 : 0);
    put_key(out, k.value_or(Pubkey{}));
}

// A mint laid out as Token-2022 stores it, built by hand from the documented layout.
Bytes ticket_mint(const Pubkey& mint, const Pubkey& authority, const Pubkey& validator) {
    Bytes d;
    put_coption(d, std::nullopt);  // mint authority revoked
    put_u64(d, 1);
    d.push_back(0);  // decimals
    d.push_back(1);  // initialized
    put_coption(d, authority);
    d.resize(token2022::kAccountSize, 0);
    d.push_back(1);  // AccountType::Mint
    put_u16(d, 18);
    put_u16(d, 64);
    put_key(d, authority);
    put_key(d, mint);
    Bytes meta;
    put_key(meta, validator);
    put_key(meta, mint);
    put_str(meta, "Ticket #1");
    put_str(meta, "GATE");
    put_str(meta, "https://t.example/1.json");
    put_u32(meta, 2);
    put_str(meta, "event");
    put_str(meta, "summer");
    put_str(meta, "status");
    put_str(meta, "used");
    put_u16(d, 19);
    put_u16(d, static_cast<std::uint16_t>(meta.size()));
    d.insert(d.end(), meta.begin(), meta.end());
    return d;
}

}  // namespace

TEST_CASE("a ticket mint parses with its metadata pointer and metadata") {
    const auto mint = test::key(10).public_key();
    const auto authority = test::key(3).public_key();
    const auto validator = test::key(4).public_key();
    const auto m = token2022::parse_mint(ticket_mint(mint, authority, validator)).value();
    CHECK_FALSE(m.mint_authority);
    CHECK(m.freeze_authority == authority);
    CHECK(m.supply == 1);
    CHECK(m.is_initialized);
    REQUIRE(m.metadata_pointer);
    CHECK(m.metadata_pointer->metadata_address == mint);
    REQUIRE(m.metadata);
    CHECK(m.metadata->update_authority == validator);
    CHECK(m.metadata->name == "Ticket #1");
    CHECK(m.metadata->get("status") == "used");
    CHECK(m.metadata->get("event") == "summer");
    CHECK_FALSE(m.metadata->get("gate"));
    CHECK(m.metadata->packed_size() == 32 + 32 + 13 + 8 + 28 + 4 + 9 + 10 + 10 + 8);
}

TEST_CASE("a ticket mint's permanent delegate is read from its TLV entry") {
    const auto mint = test::key(10).public_key();
    const auto authority = test::key(3).public_key();
    Bytes d = ticket_mint(mint, authority, test::key(4).public_key());
    CHECK_FALSE(token2022::parse_mint(d).value().permanent_delegate);
    put_u16(d, 12);  // ExtensionType::PermanentDelegate
    put_u16(d, 32);
    put_key(d, authority);
    CHECK(token2022::parse_mint(d).value().permanent_delegate == authority);

    SUBCASE("a delegate of the wrong length is refused") {
        Bytes bad = ticket_mint(mint, authority, test::key(4).public_key());
        put_u16(bad, 12);
        put_u16(bad, 31);
        bad.insert(bad.end(), 31, 7);
        const auto parsed = token2022::parse_mint(bad);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().message.find("permanent delegate") != std::string::npos);
    }
}

TEST_CASE("a plain 82-byte mint has no extensions") {
    Bytes d;
    put_coption(d, test::key(3).public_key());
    put_u64(d, 0);
    d.push_back(6);
    d.push_back(1);
    put_coption(d, std::nullopt);
    const auto m = token2022::parse_mint(d).value();
    CHECK(m.mint_authority == test::key(3).public_key());
    CHECK(m.decimals == 6);
    CHECK_FALSE(m.metadata);
}

TEST_CASE("damaged mint data is refused with a reason") {
    const Bytes good = ticket_mint(test::key(10).public_key(), test::key(3).public_key(),
                                   test::key(4).public_key());
    SUBCASE("truncated inside an extension") {
        const Bytes cut(good.begin(), good.end() - 3);
        const auto r = token2022::parse_mint(cut);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == Error::Kind::Malformed);
    }
    SUBCASE("too short for a mint") {
        CHECK_FALSE(token2022::parse_mint(ByteView(good).first(81)));
    }
    SUBCASE("not a mint account type") {
        Bytes bad = good;
        bad[token2022::kAccountSize] = 2;
        CHECK_FALSE(token2022::parse_mint(bad));
    }
    SUBCASE("non-zero padding") {
        Bytes bad = good;
        bad[100] = 1;
        CHECK_FALSE(token2022::parse_mint(bad));
    }
    SUBCASE("a bad COption tag") {
        Bytes bad = good;
        bad[0] = 7;
        CHECK_FALSE(token2022::parse_mint(bad));
    }
    SUBCASE("a metadata string longer than the data") {
        Bytes bad = good;
        // name length sits after the TLV header (4) and two keys (64) of the metadata.
        const std::size_t meta_start = token2022::kAccountSize + 1 + 4 + 64 + 4;
        bad[meta_start + 64] = 0xff;
        CHECK_FALSE(token2022::parse_mint(bad));
    }
}

TEST_CASE("token accounts parse, frozen state included") {
    Bytes d;
    put_key(d, test::key(10).public_key());
    put_key(d, test::key(2).public_key());
    put_u64(d, 1);
    put_coption(d, std::nullopt);
    d.push_back(2);  // frozen
    put_u32(d, 0);
    put_u64(d, 0);
    put_u64(d, 0);
    put_coption(d, std::nullopt);
    REQUIRE(d.size() == token2022::kAccountSize);
    const auto a = token2022::parse_token_account(d).value();
    CHECK(a.mint == test::key(10).public_key());
    CHECK(a.owner == test::key(2).public_key());
    CHECK(a.amount == 1);
    CHECK(a.state == token2022::AccountState::Frozen);
    d[108] = 3;  // no such state
    CHECK_FALSE(token2022::parse_token_account(d));
    CHECK_FALSE(token2022::parse_token_account(ByteView(d).first(100)));
}
