// The ticket's whole life on chain through the three real programs over loopback: ticket-api
// with a local Solana chain (LiteSVM) mints the NFT when a ticket is bought, moves it on a
// transfer and freezes it on revocation; gate-scanner admits the holder; gate-syncd pushes
// the entry to the backend and records the check-in on chain. Also: the chain going down
// blocks neither the backend nor the gate, and the check-ins drain when it returns.
#include <doctest/doctest.h>

#include "../syncd/SyncdHarness.h"
#include "LocalChain.h"
#include "gate/solana/ProgramAddress.h"
#include "gate/solana/RpcClient.h"
#include "gate/solana/TicketNft.h"
#include "gate/solana/TokenState.h"

using namespace gate;
using namespace gate::test;
namespace nft = gate::solana::ticket_nft;

namespace {

/// What the chain says about one ticket NFT.
struct OnChain {
    solana::token2022::Mint mint;
    solana::token2022::TokenAccount holder_account;
};

class ChainWorld {
  public:
    ChainWorld() : api(api_dir) {}

    void start_backend() {
        api.start({"GATE_CHAIN_RPC_URL=" + chain.url(),
                   "GATE_CHAIN_PAYER_KEY_FILE=" + (api_dir / "payer.json").string(),
                   "GATE_CHAIN_AIRDROP_LAMPORTS=20000000000", "GATE_CHAIN_SYNC_INTERVAL=100ms"});
    }

    json ticket(const std::string& token, const std::string& id) {
        // Keep the list alive: a range-for over get(...)["tickets"] would outlive it.
        const json mine = api.get("/api/v1/tickets/my", token);
        for (const auto& t : mine["tickets"])
            if (t["ticket_id"] == id) return t;
        FAIL("ticket " << id << " not among the caller's tickets: " << mine.dump());
        return {};
    }

    /// Waits until the backend says the ticket's NFT reached `state` and is in sync.
    json wait_chain_state(const std::string& token, const std::string& id,
                          const std::string& state) {
        json last;
        const bool reached = eventually(
            [&] {
                last = ticket(token, id);
                return last.contains("chain") && last["chain"]["state"] == state &&
                       last["chain"]["in_sync"] == true;
            },
            std::chrono::seconds{60});
        REQUIRE_MESSAGE(reached, "ticket " << id << " never reached chain state " << state << ": "
                                           << last.dump());
        return last["chain"];
    }

    OnChain read(const solana::Pubkey& mint, const solana::Pubkey& holder_wallet) {
        OnChain out;
        auto info = rpc.get_account_info(mint);
        REQUIRE(info.ok());
        REQUIRE(info->has_value());
        auto parsed = solana::token2022::parse_mint((*info)->data);
        REQUIRE(parsed.ok());
        out.mint = *parsed;
        auto account = rpc.get_account_info(solana::associated_token_address(holder_wallet, mint));
        REQUIRE(account.ok());
        REQUIRE_MESSAGE(account->has_value(), "the holder has no token account for the mint");
        auto token = solana::token2022::parse_token_account((*account)->data);
        REQUIRE(token.ok());
        out.holder_account = *token;
        return out;
    }

    /// `gate-syncd run --once` with the device key (for the sealed validator key); exit 1
    /// when the backend or the chain round failed.
    std::string sync_once(Device& device, const std::vector<std::string>& extra = {},
                          int expected_exit = 0) {
        std::string out;
        auto env = device.syncd_env(extra);
        env.push_back("GATE_DEVICE_KEY_FILE=" + (device.dir() / "key.json").string());
        const int code = device.run({GATE_SYNCD, "run", "--once"}, env, "syncd-once.log", &out);
        INFO(out);
        CHECK(code == expected_exit);
        return out;
    }

    TempDir api_dir;
    LocalChain chain;
    solana::RpcClient rpc{solana::RpcOptions{chain.url(), "confirmed", {}}};
    BackendProcess api;
};

solana::Pubkey mint_of(const json& chain) {
    return solana::pubkey(chain["mint"].get<std::string>());
}

}  // namespace

TEST_CASE("a ticket's NFT follows purchase, transfer, check-in and revocation") {
    ChainWorld w;
    w.start_backend();
    const auto organizer = w.api.sign_in(w.api.organizer);
    const auto event_id = w.api.create_event(organizer);
    Wallet alice, bob, carol;
    const auto alice_token = w.api.sign_in(alice);
    const auto bob_token = w.api.sign_in(bob);
    const auto carol_token = w.api.sign_in(carol);

    // Bought: the NFT exists with its metadata, held by the buyer, supply fixed at 1.
    const auto ticket_id = w.api.buy(alice_token, event_id);
    const auto issued = w.wait_chain_state(alice_token, ticket_id, "issued");
    const auto mint = mint_of(issued);
    CHECK(issued["holder"] == alice.address());
    auto state = w.read(mint, alice.key.public_key());
    CHECK(state.mint.supply == 1);
    CHECK(state.mint.decimals == 0);
    CHECK_FALSE(state.mint.mint_authority);
    REQUIRE(state.mint.metadata);
    CHECK(state.mint.metadata->uri.find("/api/v1/tickets/" + ticket_id + "/metadata.json") !=
          std::string::npos);
    CHECK(state.mint.metadata->get(nft::kEventField) == std::to_string(event_id));
    CHECK(state.mint.metadata->get(nft::kStatusField) == std::string(nft::kStatusValid));
    CHECK(state.holder_account.amount == 1);
    CHECK(state.holder_account.owner == alice.key.public_key());

    // Transferred directly: the NFT moves to the new owner's account.
    w.api.post("/api/v1/tickets/" + ticket_id + "/transfer", json{{"to_wallet", bob.address()}},
               alice_token, 200);
    const auto moved = w.wait_chain_state(bob_token, ticket_id, "issued");
    CHECK(moved["holder"] == bob.address());
    CHECK(w.read(mint, bob.key.public_key()).holder_account.amount == 1);
    CHECK(w.read(mint, alice.key.public_key()).holder_account.amount == 0);

    // A second ticket, revoked by the organizer: its holder's account is frozen.
    const auto revoked_id = w.api.buy(carol_token, event_id);
    const auto carol_code_before = w.api.code_of(carol_token, revoked_id);
    const auto revoked_mint = mint_of(w.wait_chain_state(carol_token, revoked_id, "issued"));
    w.api.post("/api/v1/tickets/" + revoked_id + "/status", json{{"status", "revoked"}}, organizer,
               200);
    w.wait_chain_state(carol_token, revoked_id, "frozen");
    CHECK(w.read(revoked_mint, carol.key.public_key()).holder_account.state ==
          solana::token2022::AccountState::Frozen);

    // The gate: provisioned, synced; Bob is admitted, the revoked ticket is not.
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(organizer, event_id, "north-1"));
    w.sync_once(gate);
    const auto bob_code = w.api.code_of(bob_token, ticket_id);
    auto admitted = gate.check(bob_code);
    CHECK(admitted.verdict == "accepted");
    auto refused = gate.check(carol_code_before);
    CHECK(refused.verdict == "rejected");
    CHECK(refused.reason == "ticket.revoked");
    CHECK(w.read(mint, bob.key.public_key()).mint.metadata->get(nft::kStatusField) ==
          std::string(nft::kStatusValid));

    // After the next sync the chain shows the check-in.
    w.sync_once(gate);
    CHECK(gate.queue_depth() == 0);
    auto after = w.read(mint, bob.key.public_key());
    REQUIRE(after.mint.metadata);
    CHECK(after.mint.metadata->get(nft::kStatusField) == std::string(nft::kStatusUsed));
    CHECK(after.mint.metadata->get(nft::kGateField) == std::string("north-1"));
    CHECK(after.mint.metadata->get(nft::kAtField).has_value());
    // The refused scan was not recorded on chain; the revocation was (docs/domain.md,
    // "Public status").
    const auto revoked_nft = w.read(revoked_mint, carol.key.public_key());
    CHECK(revoked_nft.mint.metadata->get(nft::kStatusField) == std::string("revoked"));
    CHECK_FALSE(revoked_nft.mint.metadata->get(nft::kGateField));
    w.api.stop();
}

TEST_CASE("the chain down blocks neither the backend nor the gate, and check-ins drain later") {
    ChainWorld w;
    w.start_backend();
    const auto organizer = w.api.sign_in(w.api.organizer);
    const auto event_id = w.api.create_event(organizer);
    Wallet alice;
    const auto alice_token = w.api.sign_in(alice);
    const auto id = w.api.buy(alice_token, event_id);
    const auto mint = mint_of(w.wait_chain_state(alice_token, id, "issued"));

    Device gate("south-1-a");
    gate.provision(w.api.setup_code(organizer, event_id, "south-1"));
    w.sync_once(gate);
    CHECK(gate.check(w.api.code_of(alice_token, id)).verdict == "accepted");

    // The device's chain endpoint is dead: the entry still reaches the backend.
    const std::string dead = "http://127.0.0.1:" + std::to_string(free_port());
    const auto out = w.sync_once(gate, {"GATE_CHAIN_RPC_URL=" + dead}, 1);
    CHECK(out.find("chain round failed") != std::string::npos);
    CHECK(out.find("Couldn't connect") != std::string::npos);
    CHECK(gate.queue_depth() == 0);
    // The device's check-in waits (the backend, having the entry, may write status=used
    // itself; the gate and time only the device knows).
    CHECK_FALSE(w.read(mint, alice.key.public_key()).mint.metadata->get(nft::kGateField));
    const auto stats = w.api.stats(organizer, event_id);
    INFO(stats.dump());
    CHECK(stats["inside_now"] == 1);

    // The chain is reachable again: the waiting check-in is recorded.
    w.sync_once(gate);
    const auto after = w.read(mint, alice.key.public_key());
    CHECK(after.mint.metadata->get(nft::kStatusField) == std::string(nft::kStatusUsed));
    CHECK(after.mint.metadata->get(nft::kGateField) == std::string("south-1"));
    w.api.stop();
}
