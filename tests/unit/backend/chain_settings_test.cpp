// The chain side of the backend without a chain: its settings, the ticket JSON and device
// assignments that leave it out when it is not configured, the fee payer key file, and
// the dirty marking that sales, transfers and status changes do in their own transaction.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "BackendFixture.h"
#include "gate/backend/ChainSync.h"
#include "gate/config/ConfigError.h"
#include "gate/crypto/KeyFile.h"

using namespace gate;
using namespace gate::test;

TEST_CASE("chain settings have defaults, take overrides and refuse bad values") {
    const auto defaults = settings_with({});
    CHECK(defaults.chain_rpc_url.empty());
    CHECK(defaults.chain_payer_key_file == "ticket-api.payer.json");
    CHECK(defaults.chain_airdrop_lamports == 0);
    CHECK(defaults.chain_validator_lamports == 50'000'000);
    CHECK(defaults.chain_sync_interval == std::chrono::milliseconds{1000});
    CHECK(defaults.chain_max_backoff == std::chrono::milliseconds{60000});
    CHECK(defaults.chain_audit_interval == std::chrono::minutes{15});

    const auto set = settings_with({{"GATE_CHAIN_RPC_URL", "http://127.0.0.1:8899"},
                                    {"GATE_CHAIN_DEVICE_RPC_URL", "https://rpc.example"},
                                    {"GATE_CHAIN_AIRDROP_LAMPORTS", "5000000000"},
                                    {"GATE_CHAIN_SYNC_INTERVAL", "250ms"},
                                    {"GATE_CHAIN_AUDIT_INTERVAL", "2m"}});
    CHECK(set.chain_rpc_url == "http://127.0.0.1:8899");
    CHECK(set.chain_device_rpc_url == "https://rpc.example");
    CHECK(set.chain_airdrop_lamports == 5'000'000'000ULL);
    CHECK(set.chain_sync_interval == std::chrono::milliseconds{250});
    CHECK(set.chain_audit_interval == std::chrono::minutes{2});
    const auto json = backend::to_json(set);
    CHECK(json["chain"]["airdrop_lamports"] == 5'000'000'000ULL);
    CHECK(json["chain"]["device_rpc_url"] == "https://rpc.example");
    for (const char* key : {"chain.payer_key_file", "chain.airdrop_lamports",
                            "chain.validator_lamports", "chain.device_rpc_url",
                            "chain.sync_interval", "chain.max_backoff", "chain.audit_interval"}) {
        CAPTURE(key);
        const auto keys = backend::settings_keys();
        CHECK(std::find(keys.begin(), keys.end(), key) != keys.end());
    }

    CHECK_THROWS_AS(settings_with({{"GATE_CHAIN_RPC_URL", "127.0.0.1:8899"}}), config::ConfigError);
    CHECK_THROWS_AS(settings_with({{"GATE_CHAIN_AIRDROP_LAMPORTS", "-1"}}), config::ConfigError);
    CHECK_THROWS_AS(settings_with({{"GATE_CHAIN_MAX_BACKOFF", "0"}}), config::ConfigError);
    CHECK_THROWS_AS(settings_with({{"GATE_CHAIN_AUDIT_INTERVAL", "0"}}), config::ConfigError);
}

TEST_CASE("without a chain, tickets and assignments say nothing about it") {
    Backend b;
    CHECK(b.app->chain() == nullptr);
    const auto organizer = b.sign_in(b.organizer);
    const auto event = b.create_event(organizer, b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto ticket = b.buy(alice, event);
    CHECK_FALSE(ticket.contains("chain"));
    // The row is marked all the same, so configuring a chain later puts every ticket on it.
    const auto queue = b.app->store().chain_queue().value();
    CHECK(queue.dirty == 1);
    CHECK(queue.issued == 0);
}

TEST_CASE("with a chain, the payer key file is created 0600 and reused") {
    TempDir dir;
    const auto payer_file = dir / "payer.json";
    std::string first;
    for (int i = 0; i < 2; ++i) {
        Backend b([&](backend::Settings& s) {
            s.chain_rpc_url = "http://127.0.0.1:9";  // never reached: no round runs
            s.chain_payer_key_file = payer_file;
        });
        REQUIRE(b.app->chain() != nullptr);
        const auto key = b.app->chain()->payer().to_base58();
        if (i == 0) first = key;
        CHECK(key == first);
        CHECK(crypto::load_keypair(payer_file).value().public_key().to_base58() == key);
        struct stat st {};
        REQUIRE(::stat(payer_file.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }

    SUBCASE("a key file others can read stops the service") {
        REQUIRE(::chmod(payer_file.c_str(), 0644) == 0);
        CHECK_THROWS_AS(Backend([&](backend::Settings& s) {
                            s.chain_rpc_url = "http://127.0.0.1:9";
                            s.chain_payer_key_file = payer_file;
                        }),
                        config::ConfigError);
    }
}

TEST_CASE("transfers and status changes mark the ticket dirty in their own transaction") {
    Backend b([](backend::Settings& s) { s.chain_rpc_url = "http://127.0.0.1:9"; });
    const auto organizer = b.sign_in(b.organizer);
    const auto event = b.create_event(organizer, b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto id = b.buy(alice, event)["ticket_id"].get<std::string>();
    auto& store = b.app->store();

    // Pretend the reconciler synced it.
    auto work = store.chain_work(b.clock->now_ms(), 10).value();
    REQUIRE(work.size() == 1);
    backend::ChainOutcome synced{
        work[0].ticket.id, work[0].dirty_seq, "issued", b.alice.address(), true, std::nullopt, 0};
    REQUIRE(store.record_chain(synced, b.clock->now_ms()).ok());
    CHECK(store.chain_queue().value().dirty == 0);
    CHECK(store.chain_work(b.clock->now_ms(), 10).value().empty());

    SUBCASE("transfer") {
        auto r = b.call(Method::Post, "/api/v1/tickets/" + id + "/transfer",
                        json{{"to_wallet", b.bob.address()}}, alice);
        REQUIRE(r.status == 200);
    }
    SUBCASE("status") {
        auto r = b.call(Method::Post, "/api/v1/tickets/" + id + "/status",
                        json{{"status", "frozen"}}, organizer);
        REQUIRE(r.status == 200);
        CHECK(r.json()["chain"]["in_sync"] == false);
        CHECK(r.json()["chain"]["state"] == "issued");
    }
    const auto again = store.chain_work(b.clock->now_ms(), 10).value();
    REQUIRE(again.size() == 1);
    CHECK(again[0].dirty_seq > work[0].dirty_seq);

    // A result recorded for the older change does not clear the newer one.
    REQUIRE(store.record_chain(synced, b.clock->now_ms()).ok());
    CHECK(store.chain_queue().value().dirty == 1);
}
