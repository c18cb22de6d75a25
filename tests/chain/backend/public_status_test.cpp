// Hole 11 ("the chain and the backend tell different stories"): the NFT's metadata JSON and
// its on-chain TokenMetadata `status` field say the same public status (docs/domain.md,
// "Public status") - used, frozen, revoked, cancelled - read back as a wallet does, with
// @solana/kit (tests/chain/read-status.mjs), and the reconciler repairs a status written
// on chain behind the backend's back, but never takes a gate's check-in back.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "ChainBackend.h"
#include "gate/backend/ChainSync.h"
#include "gate/backend/KeyVault.h"
#include "gate/solana/TicketNft.h"
#include "gate/solana/TokenMetadata.h"
#include "gate/solana/TransactionSender.h"

using namespace gate;
using namespace gate::test;
using solana::token2022::AccountState;
namespace nft = solana::ticket_nft;

namespace {

/// The `status` field of each mint as @solana/kit decodes it (node read-status.mjs).
std::map<std::string, std::string> kit_statuses(const std::string& rpc_url,
                                                const std::vector<std::string>& mints) {
    std::string command =
        std::string(GATE_NODE_EXECUTABLE) + " " + GATE_CHAIN_DIR + "/read-status.mjs " + rpc_url;
    for (const auto& m : mints)
        command += " " + m;  // base58: nothing a shell would read
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    std::array<char, 256> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr)
        out += buf.data();
    const int rc = ::pclose(pipe);
    REQUIRE_MESSAGE(rc == 0, command << ": " << out);
    std::map<std::string, std::string> statuses;
    std::size_t at = 0;
    while (at < out.size()) {
        const auto end = out.find('\n', at);
        const std::string line = out.substr(at, end - at);
        at = end == std::string::npos ? out.size() : end + 1;
        const auto split = line.find(" status=");
        if (split != std::string::npos) statuses[line.substr(0, split)] = line.substr(split + 8);
    }
    return statuses;
}

std::string kit_status(const std::string& rpc_url, const std::string& mint) {
    return kit_statuses(rpc_url, {mint})[mint];
}

/// UpdateField status=`value`, as anyone holding the validator key can send it.
solana::Instruction tamper(const solana::Pubkey& mint, const solana::Pubkey& validator,
                           const std::string& value) {
    using solana::token_metadata::Field;
    return solana::token_metadata::update_field(mint, validator, Field::custom("status"), value);
}

struct StatusFixture : ChainApi {
    /// The Status attribute of the ticket's public metadata JSON (no token).
    std::string json_status(const std::string& id) {
        auto r = api.get("/api/v1/tickets/" + id + "/metadata.json");
        REQUIRE(r.status == 200);
        const json body = r.json().value();
        for (const auto& a : body["attributes"])
            if (a["trait_type"] == "Status") return a["value"].get<std::string>();
        FAIL("no Status attribute: " << r.body);
        return {};
    }
    std::string mint_of(const std::string& id) {
        return mine(alice, id)["chain"]["mint"].get<std::string>();
    }
    std::string chain_status(const std::string& id) {
        const auto m = read_mint(rpc, solana::parse_pubkey(mint_of(id)).value());
        REQUIRE(m.metadata);
        return m.metadata->get(nft::kStatusField).value_or("-");
    }
    void set_status(const std::string& id, const std::string& status) {
        auto r = api.post("/api/v1/tickets/" + id + "/status", json{{"status", status}}, organizer);
        REQUIRE_MESSAGE(r.status == 200, r.body);
    }
    void admit(const std::string& id) {
        if (staff.empty()) staff = b.staff_of(event_id);
        b.clock->advance(kDay);  // doors open
        auto r = api.post(
            "/api/v1/validate",
            json{{"code", b.code_of(alice, id)}, {"gate", "north-1"}, {"event_id", event_id}},
            staff);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        REQUIRE_MESSAGE(r.json().value()["verdict"] == "accepted", r.body);
    }
    /// The event's validator key, as the backend holds it (sealed with its master key).
    solana::KeyPair validator() {
        auto vault = backend::KeyVault::open(b.settings.master_key_file);
        auto key = vault.open_key(event_keys().validator_sealed);
        REQUIRE(key.ok());
        return std::move(key).value();
    }
    /// Sends `ixs` signed and paid by the validator, as a gate device (or a thief) would.
    void send_as_validator(const std::vector<solana::Instruction>& ixs) {
        const auto key = validator();
        solana::TransactionSender sender(rpc);
        const solana::KeyPair* signers[] = {&key};
        auto sent = sender.send_and_confirm(key.public_key(), ixs, signers);
        REQUIRE_MESSAGE(sent, (sent ? "" : solana::to_string(sent.error())));
    }
    /// One reconciler round once every ticket in step is due for reading back.
    backend::ChainRound audit_round() {
        b.clock->advance(b.settings.chain_audit_interval.count() + 1);
        return b.app->chain()->run_round();
    }

    std::string staff;
};

}  // namespace

TEST_CASE("an admitted ticket says used in its metadata JSON and on chain (read with kit)") {
    StatusFixture f;
    const auto id = f.buy(f.alice)["ticket_id"].get<std::string>();
    f.drain();
    const auto mint = f.mint_of(id);
    CHECK(f.json_status(id) == "valid");
    CHECK(kit_status(f.chain.url(), mint) == "valid");

    f.admit(id);  // online, at the backend: no gate device writes it on chain
    f.drain();

    CHECK(f.json_status(id) == "used");
    CHECK(f.chain_status(id) == "used");
    CHECK(kit_status(f.chain.url(), mint) == "used");
    CHECK(f.mine(f.alice, id)["chain"]["in_sync"] == true);
    // Written once: the next rounds find it in step and send nothing.
    const auto idle = f.audit_round();
    CHECK(idle.audited == 1);
    CHECK(idle.transactions == 0);
}

TEST_CASE("a revoked or frozen ticket says so in its metadata JSON and on chain") {
    StatusFixture f;
    const auto id = f.buy(f.alice)["ticket_id"].get<std::string>();
    f.drain();
    const auto mint = f.mint_of(id);
    const auto holder = [&] {
        return read_holding(f.rpc, f.b.alice.address(), solana::parse_pubkey(mint).value())->state;
    };

    SUBCASE("revoked") {
        f.set_status(id, "revoked");
        f.drain();
        CHECK(f.json_status(id) == "revoked");
        CHECK(kit_status(f.chain.url(), mint) == "revoked");
        CHECK(holder() == AccountState::Frozen);  // and its token account stays frozen
    }
    SUBCASE("frozen, then valid again") {
        f.set_status(id, "frozen");
        f.drain();
        CHECK(f.json_status(id) == "frozen");
        CHECK(kit_status(f.chain.url(), mint) == "frozen");
        CHECK(holder() == AccountState::Frozen);
        f.set_status(id, "valid");
        f.drain();
        CHECK(f.json_status(id) == "valid");
        CHECK(kit_status(f.chain.url(), mint) == "valid");
        CHECK(holder() == AccountState::Initialized);
    }
    SUBCASE("used, then revoked") {
        f.admit(id);
        f.drain();
        CHECK(f.chain_status(id) == "used");
        f.set_status(id, "revoked");
        f.drain();
        CHECK(f.json_status(id) == "revoked");
        CHECK(kit_status(f.chain.url(), mint) == "revoked");
    }
}

TEST_CASE("a cancelled event's tickets say cancelled, within the rent they were funded for") {
    StatusFixture f;
    const auto plain = f.buy(f.alice)["ticket_id"].get<std::string>();
    const auto checked_in = f.buy(f.alice)["ticket_id"].get<std::string>();
    f.drain();
    const auto plain_mint = f.mint_of(plain);
    const auto mint = solana::parse_pubkey(f.mint_of(checked_in)).value();
    // A gate device's check-in whose gate name and time fill the whole 64-byte check-in
    // reserve (51 + 13 bytes); "cancelled" then takes 5 bytes more than "used" (and 4 more
    // than the "valid" that creation used to be funded for).
    const std::string gate(51, 'g');
    const std::string at = "1795614506637";
    f.send_as_validator(nft::check_in(mint, f.validator().public_key(), gate, at));
    const auto before = f.rpc.get_account_info(mint).value();
    REQUIRE(before);

    auto r = f.api.send(http::Method::Put, "/api/v1/events/" + std::to_string(f.event_id),
                        f.organizer, json{{"status", "cancelled"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    f.drain();

    CHECK(f.json_status(plain) == "cancelled");
    CHECK(f.json_status(checked_in) == "cancelled");
    const auto kit = kit_statuses(f.chain.url(), {plain_mint, mint.to_base58()});
    CHECK(kit.at(plain_mint) == "cancelled");
    CHECK(kit.at(mint.to_base58()) == "cancelled");
    const auto m = read_mint(f.rpc, mint);
    REQUIRE(m.metadata);
    CHECK(m.metadata->get(nft::kGateField) == gate);  // the check-in is kept beside it
    CHECK(m.metadata->get(nft::kAtField) == at);
    // The account grew in place within what creation funded: nothing was topped up.
    const auto after = f.rpc.get_account_info(mint).value();
    REQUIRE(after);
    CHECK(after->data.size() == before->data.size() + 5);
    CHECK(after->lamports == before->lamports);
    CHECK(after->lamports >=
          f.rpc.get_minimum_balance_for_rent_exemption(after->data.size()).value());
}

TEST_CASE("a status written on chain behind the backend's back is repaired, a check-in kept") {
    StatusFixture f;
    const auto id = f.buy(f.alice)["ticket_id"].get<std::string>();
    f.drain();
    const auto mint = solana::parse_pubkey(f.mint_of(id)).value();
    const auto validator = f.validator().public_key();

    SUBCASE("a revoked ticket made valid on chain with the validator key") {
        f.set_status(id, "revoked");
        f.drain();
        f.send_as_validator({tamper(mint, validator, "valid")});
        CHECK(kit_status(f.chain.url(), mint.to_base58()) == "valid");
        const auto round = f.audit_round();
        CHECK(round.audited == 1);
        CHECK(round.transactions == 1);
        CHECK(kit_status(f.chain.url(), mint.to_base58()) == "revoked");
        CHECK(f.json_status(id) == "revoked");
    }
    SUBCASE("a valid ticket marked revoked, cancelled or garbage on chain") {
        for (const std::string wrong : {"revoked", "cancelled", "VALID"}) {
            CAPTURE(wrong);
            f.send_as_validator({tamper(mint, validator, wrong)});
            CHECK(f.chain_status(id) == wrong);
            const auto round = f.audit_round();
            CHECK(round.transactions == 1);
            CHECK(kit_status(f.chain.url(), mint.to_base58()) == "valid");
            CHECK(f.json_status(id) == "valid");
        }
    }
    SUBCASE("a gate device's check-in that reached the chain before its entry reached us") {
        f.send_as_validator(nft::check_in(mint, validator, "north-1", "1795614506637"));
        const auto round = f.audit_round();
        CHECK(round.audited == 1);
        CHECK(round.transactions == 0);  // used is never put back to valid
        CHECK(f.chain_status(id) == "used");
        // When the admission reaches the backend the JSON says used as well.
        f.admit(id);
        f.drain();
        CHECK(f.json_status(id) == "used");
        CHECK(kit_status(f.chain.url(), mint.to_base58()) == "used");
        CHECK(read_mint(f.rpc, mint).metadata->get(nft::kGateField) == "north-1");
    }
}
