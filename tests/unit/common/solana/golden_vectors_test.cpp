// Our encodings against @solana/kit's and @solana-program/*'s for the same inputs:
// the vectors in tests/data/solana/ come from tests/chain/make-vectors.mjs.
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "TestKeys.h"
#include "gate/codec/Hex.h"
#include "gate/solana/AssociatedToken.h"
#include "gate/solana/ComputeBudget.h"
#include "gate/solana/Memo.h"
#include "gate/solana/ProgramAddress.h"
#include "gate/solana/Programs.h"
#include "gate/solana/SystemProgram.h"
#include "gate/solana/Token2022.h"
#include "gate/solana/TokenMetadata.h"
#include "gate/solana/Transaction.h"

using namespace gate;
using namespace gate::solana;
using nlohmann::json;

namespace {

json load(const std::string& name) {
    std::ifstream in(std::string(GATE_TEST_DATA_DIR) + "/solana/" + name);
    REQUIRE_MESSAGE(in.good(), "missing vector file " << name);
    return json::parse(in);
}

Bytes unhex(const std::string& h) {
    return codec::hex_decode(h).value();
}

Bytes from_base64(const std::string& text) {
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    Bytes out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') break;
        buffer = (buffer << 6) | static_cast<unsigned>(alphabet.find(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xffU));
        }
    }
    return out;
}

// The parties of make-vectors.mjs, by the same seed bytes.
struct Parties {
    KeyPair payer = test::key(1);
    KeyPair holder = test::key(2);
    KeyPair authority = test::key(3);
    KeyPair validator = test::key(4);
    KeyPair delegate = test::key(5);
    KeyPair other = test::key(6);
    KeyPair mint = test::key(10);
};

std::map<std::string, std::function<Instruction()>> builders(const Parties& p) {
    const Pubkey mint = p.mint.public_key();
    const Pubkey holder_ata = associated_token_address(p.holder.public_key(), mint);
    const Pubkey other_ata = associated_token_address(p.other.public_key(), mint);
    using token_metadata::Field;
    const Pubkey auth = p.authority.public_key();
    const Pubkey val = p.validator.public_key();
    return {
        {"system_create_account",
         [=, &p] {
             return system::create_account(p.payer.public_key(), mint, 4'176'000, 234,
                                           program::token_2022());
         }},
        {"system_transfer",
         [=, &p] {
             return system::transfer(p.payer.public_key(), p.holder.public_key(), 1'000'000'007);
         }},
        {"token_initialize_metadata_pointer",
         [=] { return token2022::initialize_metadata_pointer(mint, auth, mint); }},
        {"token_initialize_metadata_pointer_none",
         [=] { return token2022::initialize_metadata_pointer(mint, std::nullopt, std::nullopt); }},
        {"token_initialize_permanent_delegate",
         [=] { return token2022::initialize_permanent_delegate(mint, auth); }},
        {"token_initialize_mint2",
         [=] { return token2022::initialize_mint2(mint, 0, auth, auth); }},
        {"token_initialize_mint2_no_freeze",
         [=] { return token2022::initialize_mint2(mint, 6, auth, std::nullopt); }},
        {"token_metadata_initialize",
         [=] {
             return token_metadata::initialize(
                 mint, val, mint, auth, "Summer Festival 2026 #42", "GATE",
                 "https://tickets.example/api/v1/tickets/42/metadata.json");
         }},
        {"token_metadata_update_status",
         [=] { return token_metadata::update_field(mint, val, Field::custom("status"), "used"); }},
        {"token_metadata_update_name",
         [=] { return token_metadata::update_field(mint, val, Field::name(), "Renamed ticket"); }},
        {"token_metadata_update_symbol",
         [=] { return token_metadata::update_field(mint, val, Field::symbol(), "TIX"); }},
        {"token_metadata_update_uri",
         [=] {
             return token_metadata::update_field(mint, val, Field::uri(), "https://u.example/1");
         }},
        {"token_metadata_update_authority",
         [=] { return token_metadata::update_authority(mint, auth, val); }},
        {"token_metadata_make_immutable",
         [=] { return token_metadata::update_authority(mint, val, std::nullopt); }},
        {"token_mint_to", [=] { return token2022::mint_to(mint, holder_ata, auth, 1); }},
        {"token_revoke_mint_authority",
         [=] {
             return token2022::set_authority(mint, auth, token2022::AuthorityType::MintTokens,
                                             std::nullopt);
         }},
        {"token_set_freeze_authority",
         [=, &p] {
             return token2022::set_authority(mint, auth, token2022::AuthorityType::FreezeAccount,
                                             p.other.public_key());
         }},
        {"token_freeze_account", [=] { return token2022::freeze_account(holder_ata, mint, auth); }},
        {"token_thaw_account", [=] { return token2022::thaw_account(holder_ata, mint, auth); }},
        {"token_transfer_checked",
         [=, &p] {
             return token2022::transfer_checked(holder_ata, mint, other_ata, p.holder.public_key(),
                                                1, 0);
         }},
        {"token_approve",
         [=, &p] {
             return token2022::approve(holder_ata, p.delegate.public_key(), p.holder.public_key(),
                                       1);
         }},
        {"ata_create_idempotent",
         [=, &p] {
             return ata::create_idempotent(p.payer.public_key(), p.holder.public_key(), mint);
         }},
        {"compute_unit_limit", [] { return compute_budget::set_compute_unit_limit(200'000); }},
        {"compute_unit_price", [] { return compute_budget::set_compute_unit_price(12'345); }},
        {"memo", [] { return memo::memo("gate 7 check-in 2026-07-01T18:00:00Z"); }},
        {"memo_signed", [=] { return memo::memo("signed", std::vector<Pubkey>{val}); }},
    };
}

}  // namespace

TEST_CASE("test keys match the vectors' key pairs") {
    const auto vectors = load("addresses.json");  // kept alive for the loop
    for (const auto& k : vectors.at("keys")) {
        const auto n = k.at("seed_byte").get<std::uint8_t>();
        CHECK(test::key(n).public_key().to_base58() == k.at("address").get<std::string>());
    }
}

TEST_CASE("PDAs and bumps equal kit's getProgramDerivedAddress") {
    const auto vectors = load("addresses.json");
    REQUIRE(vectors.at("pdas").size() >= 90);
    for (const auto& v : vectors.at("pdas")) {
        std::vector<Bytes> storage;
        for (const auto& s : v.at("seeds"))
            storage.push_back(unhex(s.get<std::string>()));
        const std::vector<ByteView> seeds(storage.begin(), storage.end());
        const auto found = find_program_address(seeds, pubkey(v.at("program").get<std::string>()));
        REQUIRE(found);
        CAPTURE(v.dump());
        CHECK(found->address.to_base58() == v.at("address").get<std::string>());
        CHECK(found->bump == v.at("bump").get<int>());
    }
}

TEST_CASE("associated token addresses equal kit's findAssociatedTokenPda") {
    const auto vectors = load("addresses.json");
    for (const auto& v : vectors.at("atas")) {
        CAPTURE(v.dump());
        const auto got = associated_token_address(pubkey(v.at("wallet").get<std::string>()),
                                                  pubkey(v.at("mint").get<std::string>()),
                                                  pubkey(v.at("token_program").get<std::string>()));
        CHECK(got.to_base58() == v.at("address").get<std::string>());
    }
}

TEST_CASE("every instruction builder encodes as the program clients do") {
    const Parties parties;
    const auto ours = builders(parties);
    const auto vectors = load("instructions.json").at("instructions");
    CHECK(vectors.size() == ours.size());
    for (const auto& v : vectors) {
        const auto name = v.at("name").get<std::string>();
        CAPTURE(name);
        const auto it = ours.find(name);
        REQUIRE_MESSAGE(it != ours.end(), "no C++ builder for vector " << name);
        const Instruction ix = it->second();
        CHECK(ix.program_id.to_base58() == v.at("program").get<std::string>());
        CHECK(codec::hex_encode(ix.data) == v.at("data").get<std::string>());
        const auto& accounts = v.at("accounts");
        REQUIRE(ix.accounts.size() == accounts.size());
        for (std::size_t i = 0; i < accounts.size(); ++i) {
            CAPTURE(i);
            CHECK(ix.accounts[i].pubkey.to_base58() ==
                  accounts[i].at("address").get<std::string>());
            CHECK(ix.accounts[i].is_signer == accounts[i].at("signer").get<bool>());
            CHECK(ix.accounts[i].is_writable == accounts[i].at("writable").get<bool>());
        }
    }
}

TEST_CASE("whole signed transactions are byte-identical to kit's") {
    const Parties parties;
    const auto ours = builders(parties);
    std::map<std::string, KeyPair> keys;
    for (std::uint8_t n = 1; n <= 60; ++n)
        keys.emplace(test::key(n).public_key().to_base58(), test::key(n));
    const auto vectors = load("transactions.json").at("transactions");
    REQUIRE(vectors.size() >= 8);
    for (const auto& v : vectors) {
        const auto name = v.at("name").get<std::string>();
        CAPTURE(name);
        std::vector<Instruction> ixs;
        for (const auto& ix_name : v.at("instructions")) {
            if (ix_name == "ordering") {
                Instruction ix{
                    pubkey(v.at("ordering_program").get<std::string>()), {}, Bytes{1, 2, 3}};
                for (const auto& a : v.at("ordering_accounts")) {
                    ix.accounts.push_back({pubkey(a.at("address").get<std::string>()),
                                           a.at("signer").get<bool>(),
                                           a.at("writable").get<bool>()});
                }
                ixs.push_back(std::move(ix));
            } else {
                ixs.push_back(ours.at(ix_name.get<std::string>())());
            }
        }
        std::vector<const KeyPair*> signers;
        for (const auto& s : v.at("signers"))
            signers.push_back(&keys.at(s.get<std::string>()));
        const auto version = v.at("version") == "v0" ? MessageVersion::V0 : MessageVersion::Legacy;
        const auto tx = build_transaction(
            pubkey(v.at("fee_payer").get<std::string>()), ixs,
            Blockhash::from_base58(v.at("blockhash").get<std::string>()).value(), signers, version);
        REQUIRE(tx);
        const Bytes expected = from_base64(v.at("wire_base64").get<std::string>());
        CHECK(codec::hex_encode(tx->serialize()) == codec::hex_encode(expected));
        // And kit's bytes parse with our decoder into the same transaction.
        const auto parsed = Transaction::deserialize(expected);
        REQUIRE(parsed);
        CHECK(parsed->message == tx->message);
        CHECK(parsed->verify());
    }
}
