#pragma once
// ticket-api with its chain reconciler on a fresh local chain: the App behind a real
// loopback server (LoopbackServer), an RPC client to read the chain back, and helpers
// that run reconciler rounds until the queue is empty.

#include <doctest/doctest.h>

#include "LocalChain.h"
#include "LoopbackServer.h"
#include "gate/solana/ProgramAddress.h"
#include "gate/solana/Programs.h"
#include "gate/solana/RpcClient.h"
#include "gate/solana/TokenState.h"

namespace gate::test {

inline constexpr std::uint64_t kAirdrop = 20'000'000'000ULL;

/// Points `s` at `rpc_url` with a payer key beside the database and fast retries.
inline void use_chain(backend::Settings& s, const std::string& rpc_url) {
    s.chain_rpc_url = rpc_url;
    s.chain_payer_key_file = std::filesystem::path(s.database_url).parent_path() / "payer.json";
    s.chain_airdrop_lamports = kAirdrop;
    s.chain_sync_interval = std::chrono::milliseconds{100};
    s.chain_max_backoff = std::chrono::milliseconds{400};
}

inline solana::token2022::Mint read_mint(solana::RpcClient& rpc, const solana::Pubkey& mint) {
    const auto info = rpc.get_account_info(mint).value();
    REQUIRE(info);
    CHECK(info->owner == solana::program::token_2022());
    auto parsed = solana::token2022::parse_mint(info->data);
    REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().message));
    return *parsed;
}

/// The wallet's associated token account for `mint`, if it exists.
inline std::optional<solana::token2022::TokenAccount> read_holding(solana::RpcClient& rpc,
                                                                   const std::string& wallet,
                                                                   const solana::Pubkey& mint) {
    const auto owner = solana::parse_pubkey(wallet).value();
    const auto info = rpc.get_account_info(solana::associated_token_address(owner, mint)).value();
    if (!info) return std::nullopt;
    auto parsed = solana::token2022::parse_token_account(info->data);
    REQUIRE(parsed);
    return *parsed;
}

/// Checks that `mint` (base58) is one finished NFT: supply one, no mint authority left,
/// held by `owner`'s associated account.
inline void check_one_nft_held(solana::RpcClient& rpc, const std::string& mint,
                               const std::string& owner) {
    const auto key = solana::parse_pubkey(mint).value();
    const auto m = read_mint(rpc, key);
    CHECK(m.supply == 1);
    CHECK_FALSE(m.mint_authority);
    const auto held = read_holding(rpc, owner, key);
    REQUIRE(held);
    CHECK(held->amount == 1);
}

/// Runs rounds (moving the manual clock past any backoff) until no ticket is dirty.
inline void drain(backend::App& app, gate::ManualClock& clock, int max_rounds = 20) {
    REQUIRE(app.chain() != nullptr);
    for (int i = 0; i < max_rounds; ++i) {
        const auto round = app.chain()->run_round();
        auto queue = app.store().chain_queue();
        REQUIRE(queue.ok());
        if (queue->dirty == 0) return;
        CAPTURE(round.failed);
        if (i == max_rounds - 1) {
            auto listed = app.store().chain_work(INT64_MAX, 10);
            if (listed.ok())
                for (const auto& w : listed.value())
                    MESSAGE(w.ticket.id << ": " << w.ticket.chain.last_error.value_or("-"));
        }
        clock.advance(60'000);
    }
    FAIL("the chain queue did not drain");
}

struct ChainApi {
    LocalChain chain;
    solana::RpcClient rpc{solana::RpcOptions{chain.url(), "confirmed", {}}};
    LoopbackServer api{[this](backend::Settings& s) { use_chain(s, chain.url()); }};
    Backend& b = api.backend;
    std::string organizer = api.sign_in(b.organizer);
    std::string alice = api.sign_in(b.alice);
    std::int64_t event_id = create_event();

    std::int64_t create_event() {
        auto r = api.post("/api/v1/events", b.event_body("Chain Fest"), organizer);
        REQUIRE_MESSAGE(r.status == 201, r.body);
        return r.json().value()["id"].get<std::int64_t>();
    }

    /// Buys over HTTP; returns the ticket JSON.
    json buy(const std::string& token, int tier = 0) {
        auto r = api.post("/api/v1/tickets/mint",
                          json{{"event_id", event_id}, {"tier", tier}, {"payment_method", "test"}},
                          token);
        REQUIRE_MESSAGE(r.status == 201, r.body);
        return r.json().value()["ticket"];
    }

    /// The ticket as its owner sees it in GET /tickets/my.
    json mine(const std::string& token, const std::string& ticket_id) {
        auto r = api.get("/api/v1/tickets/my", token);
        REQUIRE(r.status == 200);
        const json body = r.json().value();
        for (const auto& t : body["tickets"])
            if (t["ticket_id"] == ticket_id) return t;
        FAIL("ticket " << ticket_id << " is not listed: " << r.body);
        return {};
    }

    void drain() { gate::test::drain(*b.app, *b.clock); }

    backend::EventChainKeys event_keys() {
        auto keys = b.app->store().ensure_chain_keys({event_id, "", {}, "", {}, false}, 0);
        REQUIRE(keys.ok());
        return *keys;
    }
};

}  // namespace gate::test
