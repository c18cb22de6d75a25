// The chain reconciler against a local chain: a ticket bought over HTTP becomes a
// Token-2022 NFT held by its buyer, transfers move it through the permanent delegate,
// revocation freezes it, and a crash between chain and database is repaired by reading
// the chain, never by minting again.
#include <doctest/doctest.h>

#include "ChainBackend.h"
#include "gate/backend/ChainSync.h"

using namespace gate;
using namespace gate::test;
using solana::token2022::AccountState;

TEST_CASE("a ticket bought over HTTP becomes an NFT held by the buyer's account") {
    ChainApi f;
    const auto bought = f.buy(f.alice, 1);  // vip
    const auto id = bought["ticket_id"].get<std::string>();
    CHECK(bought["chain"]["state"] == "pending");
    CHECK(bought["chain"]["mint"].is_null());
    CHECK(bought["chain"]["in_sync"] == false);

    f.drain();

    const auto ticket = f.mine(f.alice, id);
    CAPTURE(ticket.dump());
    CHECK(ticket["chain"]["state"] == "issued");
    CHECK(ticket["chain"]["in_sync"] == true);
    CHECK(ticket["chain"]["last_error"].is_null());
    CHECK(ticket["chain"]["holder"] == f.b.alice.address());
    const auto mint = solana::parse_pubkey(ticket["chain"]["mint"].get<std::string>()).value();
    const auto keys = f.event_keys();

    const auto m = read_mint(f.rpc, mint);
    CHECK(m.supply == 1);
    CHECK(m.decimals == 0);
    CHECK_FALSE(m.mint_authority);
    CHECK(m.freeze_authority == solana::parse_pubkey(keys.authority).value());
    CHECK(m.permanent_delegate == solana::parse_pubkey(keys.authority).value());
    REQUIRE(m.metadata);
    CHECK(m.metadata->name == "Chain Fest #" + id);
    CHECK(m.metadata->symbol == "GATE");
    CHECK(m.metadata->uri == "https://tickets.example/api/v1/tickets/" + id + "/metadata.json");
    CHECK(m.metadata->get("event") == std::to_string(f.event_id));
    CHECK(m.metadata->get("tier") == "vip");
    CHECK(m.metadata->get("status") == "valid");
    CHECK(m.metadata->update_authority == solana::parse_pubkey(keys.validator).value());

    const auto holding = read_holding(f.rpc, f.b.alice.address(), mint);
    REQUIRE(holding);
    CHECK(holding->amount == 1);
    CHECK(holding->state == AccountState::Initialized);

    // The validator was funded for its check-in fees.
    const auto validator_balance =
        f.rpc.get_balance(solana::parse_pubkey(keys.validator).value()).value();
    CHECK(validator_balance >= f.b.settings.chain_validator_lamports);

    // Another round finds nothing to do and sends nothing.
    const auto idle = f.b.app->chain()->run_round();
    CHECK(idle.tickets == 0);
    CHECK(idle.transactions == 0);

    const auto metrics = f.api.get("/metrics").body;
    CHECK(metrics.find("gate_chain_queue_dirty 0") != std::string::npos);
    CHECK(metrics.find("gate_chain_tickets_issued 1") != std::string::npos);
}

TEST_CASE("a direct transfer moves the NFT to the new owner through the permanent delegate") {
    ChainApi f;
    const auto id = f.buy(f.alice)["ticket_id"].get<std::string>();
    f.drain();
    const auto mint =
        solana::parse_pubkey(f.mine(f.alice, id)["chain"]["mint"].get<std::string>()).value();

    auto moved = f.api.post("/api/v1/tickets/" + id + "/transfer",
                            json{{"to_wallet", f.b.bob.address()}}, f.alice);
    REQUIRE_MESSAGE(moved.status == 200, moved.body);
    f.drain();

    const auto bob = f.api.sign_in(f.b.bob);
    const auto ticket = f.mine(bob, id);
    CHECK(ticket["chain"]["holder"] == f.b.bob.address());
    CHECK(ticket["chain"]["mint"] == mint.to_base58());  // the same NFT, moved
    const auto to = read_holding(f.rpc, f.b.bob.address(), mint);
    REQUIRE(to);
    CHECK(to->amount == 1);
    const auto from = read_holding(f.rpc, f.b.alice.address(), mint);
    REQUIRE(from);
    CHECK(from->amount == 0);
    CHECK(read_mint(f.rpc, mint).supply == 1);
}

TEST_CASE("revoking or freezing a ticket freezes the holder's token account") {
    ChainApi f;
    const auto id = f.buy(f.alice)["ticket_id"].get<std::string>();
    f.drain();
    const auto mint =
        solana::parse_pubkey(f.mine(f.alice, id)["chain"]["mint"].get<std::string>()).value();
    const auto set_status = [&](const std::string& status) {
        auto r =
            f.api.post("/api/v1/tickets/" + id + "/status", json{{"status", status}}, f.organizer);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        f.drain();
    };

    SUBCASE("revoked") {
        set_status("revoked");
        CHECK(read_holding(f.rpc, f.b.alice.address(), mint)->state == AccountState::Frozen);
        CHECK(f.mine(f.alice, id)["chain"]["state"] == "frozen");
    }
    SUBCASE("frozen, then valid again: thawed") {
        set_status("frozen");
        CHECK(read_holding(f.rpc, f.b.alice.address(), mint)->state == AccountState::Frozen);
        set_status("valid");
        CHECK(read_holding(f.rpc, f.b.alice.address(), mint)->state == AccountState::Initialized);
        CHECK(f.mine(f.alice, id)["chain"]["state"] == "issued");
    }
}

TEST_CASE("a ticket revoked before its NFT exists is issued and frozen") {
    ChainApi f;
    const auto id = f.buy(f.alice)["ticket_id"].get<std::string>();
    auto r =
        f.api.post("/api/v1/tickets/" + id + "/status", json{{"status", "revoked"}}, f.organizer);
    REQUIRE(r.status == 200);
    f.drain();
    const auto mint =
        solana::parse_pubkey(f.mine(f.alice, id)["chain"]["mint"].get<std::string>()).value();
    CHECK(read_holding(f.rpc, f.b.alice.address(), mint)->state == AccountState::Frozen);
}

TEST_CASE("a mint created on chain but never recorded is continued, not minted again") {
    ChainApi f;
    const auto id = f.buy(f.alice)["ticket_id"].get<std::string>();

    // A reconciler of its own over the same database and master key, whose hook "crashes"
    // right after the first transaction landed: nothing about it reaches the database.
    auto vault = backend::KeyVault::open(f.b.settings.master_key_file);
    backend::Metrics metrics;
    backend::ChainSyncOptions options;
    std::vector<std::string> steps;
    options.after_send = [&](std::string_view step) {
        steps.emplace_back(step);
        return false;
    };
    backend::ChainSync crashing(f.b.app->store(), vault, f.b.settings, *f.b.clock, metrics,
                                log::Logger("chain", nullptr, {log::Level::Error, {}, {}}),
                                options);
    const auto round = crashing.run_round();
    CHECK(round.transactions == 2);  // funding the event's validator, then the mint
    REQUIRE(steps == std::vector<std::string>{"create"});

    auto before = f.mine(f.alice, id);
    CHECK(before["chain"]["state"] == "pending");  // the database never heard of the mint
    const auto mint = solana::parse_pubkey(before["chain"]["mint"].get<std::string>()).value();
    const auto created = read_mint(f.rpc, mint);  // but it is on chain
    CHECK(created.supply == 0);

    // The next round (the App's reconciler) reads the chain and issues that very mint.
    f.drain();
    const auto after = f.mine(f.alice, id);
    CHECK(after["chain"]["state"] == "issued");
    CHECK(after["chain"]["mint"] == mint.to_base58());
    CHECK(read_mint(f.rpc, mint).supply == 1);
    CHECK(read_holding(f.rpc, f.b.alice.address(), mint)->amount == 1);

    SUBCASE("a crash after a transfer landed is repaired the same way") {
        auto moved = f.api.post("/api/v1/tickets/" + id + "/transfer",
                                json{{"to_wallet", f.b.bob.address()}}, f.alice);
        REQUIRE(moved.status == 200);
        steps.clear();
        crashing.run_round();
        REQUIRE(steps == std::vector<std::string>{"transfer"});
        f.drain();
        const auto bob = f.api.sign_in(f.b.bob);
        CHECK(f.mine(bob, id)["chain"]["holder"] == f.b.bob.address());
        CHECK(read_holding(f.rpc, f.b.bob.address(), mint)->amount == 1);
    }
}

TEST_CASE("with the chain down purchases answer at once and the queue drains when it is back") {
    TempDir dir;
    const std::string closed = "http://127.0.0.1:" + std::to_string(free_port());
    std::vector<std::string> ids;
    std::int64_t event_id = 0;
    Wallet organizer, alice;
    const auto configure = [&](backend::Settings& s, const std::string& url) {
        s.database_url = dir / "api.db";
        s.master_key_file = dir / "master.key";
        s.organizers = {organizer.address()};
        use_chain(s, url);
    };
    {
        LoopbackServer down([&](backend::Settings& s) { configure(s, closed); });
        down.backend.app->start_chain_sync();
        const auto organizer_token = down.sign_in(organizer);
        auto event =
            down.post("/api/v1/events", down.backend.event_body("Offline"), organizer_token);
        REQUIRE(event.status == 201);
        event_id = event.json().value()["id"].get<std::int64_t>();
        const auto token = down.sign_in(alice);
        for (int i = 0; i < 3; ++i) {
            const auto started = std::chrono::steady_clock::now();
            auto r = down.post(
                "/api/v1/tickets/mint",
                json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "test"}}, token);
            const auto took = std::chrono::steady_clock::now() - started;
            REQUIRE(r.status == 201);
            CHECK(took < std::chrono::seconds{1});
            ids.push_back(r.json().value()["ticket"]["ticket_id"].get<std::string>());
        }
        // The worker tried, failed and kept the reason per ticket; the API stayed up.
        std::this_thread::sleep_for(std::chrono::milliseconds{600});
        const auto health = down.get("/api/v1/health");
        CHECK(health.status == 200);
        CHECK(health.json().value()["checks"]["chain"] == "unreachable");
        const auto queue = down.backend.app->store().chain_queue().value();
        CHECK(queue.dirty == 3);
        auto listed = down.get("/api/v1/tickets/my", token).json().value()["tickets"];
        bool some_error = false;
        for (const auto& t : listed) {
            CHECK(t["chain"]["state"] == "pending");
            some_error = some_error || t["chain"]["last_error"].is_string();
        }
        CHECK(some_error);
        CHECK(down.get("/metrics").body.find("gate_chain_queue_dirty 3") != std::string::npos);
    }
    // The same database, now pointed at a live chain: the worker drains the queue.
    LocalChain chain;
    LoopbackServer up([&](backend::Settings& s) { configure(s, chain.url()); });
    up.backend.clock->advance(60'000);  // past every backoff the first run recorded
    up.backend.app->start_chain_sync();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{60};
    std::int64_t dirty = -1;
    while (std::chrono::steady_clock::now() < until) {
        dirty = up.backend.app->store().chain_queue().value().dirty;
        if (dirty == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    REQUIRE(dirty == 0);
    solana::RpcClient rpc(solana::RpcOptions{chain.url(), "confirmed", {}});
    const auto token = up.sign_in(alice);
    const json listed = up.get("/api/v1/tickets/my", token).json().value();
    REQUIRE(listed["tickets"].size() == 3);
    for (const auto& t : listed["tickets"]) {
        CHECK(t["chain"]["state"] == "issued");
        const auto mint = solana::parse_pubkey(t["chain"]["mint"].get<std::string>()).value();
        CHECK(read_holding(rpc, alice.address(), mint)->amount == 1);
    }
}
