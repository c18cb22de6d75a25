// Three ticket-api processes on one PostgreSQL database and one local chain, buyers spread
// over them. The process that holds the chain reconciler's lease is SIGKILLed while it
// mints: another process takes the lease over once it runs out and mints on, and every
// ticket, sold before or after the kill, ends with exactly one NFT held by its buyer. A
// ticket's mint key never changes once stored, and no sale answered 201 is lost.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "ApiCluster.h"
#include "ChainBackend.h"
#include "ProcessApi.h"
#include "gate/db/Postgres.h"

using namespace gate;
using namespace gate::test;

namespace {

constexpr int kProcesses = 3;

struct ChainRow {
    std::optional<std::string> mint;
    std::string state;
    bool dirty = true;
    std::string owner;
};

db::Database connect(const ApiCluster& cluster) {
    auto db = db::open_postgres({cluster.pg->conninfo(), "takeover-test"});
    REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db::to_string(db.error())));
    return std::move(db).value();
}

std::map<std::int64_t, ChainRow> read_rows(db::Database& db) {
    std::map<std::int64_t, ChainRow> out;
    auto read = db.for_each<std::int64_t, std::optional<std::string>, std::string, std::int64_t,
                            std::string>(
        "SELECT t.id, c.mint, c.state, c.dirty, t.owner_wallet FROM tickets t "
        "JOIN chain_tickets c ON c.ticket_id = t.id",
        [&](std::int64_t id, std::optional<std::string> mint, std::string state, std::int64_t dirty,
            std::string owner) {
            out[id] = ChainRow{std::move(mint), std::move(state), dirty != 0, std::move(owner)};
        });
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? "" : db::to_string(read.error())));
    return out;
}

// The pid in the lease holder's name ("ticket-api-PID-..."), or 0 while nobody holds it.
pid_t lease_holder(db::Database& db) {
    auto row = db.query_optional<std::string>("SELECT holder FROM leases WHERE name = ?",
                                              std::string("chain-reconciler"));
    REQUIRE(row.ok());
    if (!row->has_value()) return 0;
    const std::string& holder = **row;
    const auto first = holder.find('-', holder.find("api-") + 4);
    return static_cast<pid_t>(std::stol(holder.substr(11, first - 11)));
}

}  // namespace

TEST_CASE("the reconciler's process SIGKILLed mid-mint: another takes over and mints once") {
    LocalChain chain;
    TempDir dir;
    Wallet organizer;
    ApiCluster cluster(
        dir, kProcesses,
        {"GATE_AUTH_ORGANIZERS=" + organizer.address(),
         "GATE_PUBLIC_BASE_URL=https://tickets.example", "GATE_LIMITS_MINT_PER_MINUTE=0",
         "GATE_LIMITS_SIGN_IN_PER_MINUTE=0", "GATE_CHAIN_RPC_URL=" + chain.url(),
         "GATE_CHAIN_PAYER_KEY_FILE=" + (dir / "payer.json").string(),
         "GATE_CHAIN_AIRDROP_LAMPORTS=" + std::to_string(kAirdrop), "GATE_CHAIN_SYNC_INTERVAL=50ms",
         "GATE_CHAIN_MAX_BACKOFF=200ms", "GATE_CHAIN_LEASE_TTL=2s"},
        ApiCluster::Engine::Postgres);
    auto db = connect(cluster);
    std::vector<ProcessApi> apis;
    for (int i = 0; i < kProcesses; ++i)
        apis.push_back(ProcessApi{cluster.base(i), http::Client()});
    const auto org = apis[0].sign_in(organizer);
    const auto start = wall_now_ms() + kDay;
    auto event =
        apis[1].post("/api/v1/events", one_tier_event("Takeover Fest", 100, 100, start), org);
    REQUIRE_MESSAGE(event.status == 201, event.body);
    const auto event_id = event.json().value()["id"].get<std::int64_t>();

    // One buyer per process, each buying one ticket at a time until told to stop.
    std::vector<Wallet> buyers(kProcesses);
    std::vector<std::string> tokens;
    for (int i = 0; i < kProcesses; ++i)
        tokens.push_back(
            apis[static_cast<std::size_t>(i)].sign_in(buyers[static_cast<std::size_t>(i)]));
    std::mutex mutex;
    std::map<std::string, std::string> answered;  // ticket id -> buyer wallet
    std::atomic<bool> stop{false};
    std::atomic<int> killed{-1};
    std::vector<std::thread> threads;
    for (int i = 0; i < kProcesses; ++i)
        threads.emplace_back([&, i] {
            ProcessApi api{cluster.base(i), http::Client()};
            const auto n = static_cast<std::size_t>(i);
            for (int bought = 0; bought < 8 && !stop; ++bought) {
                if (killed == i) return;  // its process is gone: the balancer sends no more
                http::Request r;
                r.method = http::Method::Post;
                r.url = cluster.base(i) + "/api/v1/tickets/mint";
                r.body =
                    json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "test"}}.dump();
                r.headers.set("Content-Type", "application/json");
                r.headers.set("Authorization", "Bearer " + tokens[n]);
                auto sent = api.client.send(r);
                if (!sent.ok() || sent->status != 201) continue;  // died under the request
                std::lock_guard lock(mutex);
                answered[sent->json().value()["ticket"]["ticket_id"].get<std::string>()] =
                    buyers[n].address();
                std::this_thread::sleep_for(std::chrono::milliseconds{40});
            }
        });

    // Kill the lease holder while it mints: a mint key stored, the NFT not yet issued.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{60};
    pid_t holder = 0;
    std::map<std::int64_t, std::string> first_mint;
    while (std::chrono::steady_clock::now() < until) {
        holder = lease_holder(db);
        const auto rows = read_rows(db);
        int keyed = 0, issued = 0;
        for (const auto& [id, row] : rows) {
            keyed += row.mint ? 1 : 0;
            issued += row.state == "issued" ? 1 : 0;
        }
        // A ticket whose mint key is stored but which is not issued yet is mid-mint.
        if (holder != 0 && keyed > issued) break;
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    int victim = -1;
    for (int i = 0; i < kProcesses; ++i)
        if (cluster.apis[static_cast<std::size_t>(i)]->pid() == holder) victim = i;
    REQUIRE_MESSAGE(victim >= 0, "no process holds the reconciler's lease");
    killed = victim;
    auto& dead = *cluster.apis[static_cast<std::size_t>(victim)];
    dead.signal(SIGKILL);
    REQUIRE(dead.wait(std::chrono::seconds{10}) == 128 + SIGKILL);
    const auto killed_at = std::chrono::steady_clock::now();
    for (const auto& [id, row] : read_rows(db))
        if (row.mint) first_mint[id] = *row.mint;
    MESSAGE("killed process " << victim << " holding the lease with " << first_mint.size()
                              << " mint keys stored");

    for (auto& t : threads)
        t.join();

    // Another process takes the lease over and drains the queue.
    pid_t successor = 0;
    bool drained = false;
    const auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds{120};
    while (!drained && std::chrono::steady_clock::now() < drain_until) {
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
        const pid_t now_holder = lease_holder(db);
        if (successor == 0 && now_holder != 0 && now_holder != holder) {
            successor = now_holder;
            MESSAGE("lease taken over after "
                    << std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - killed_at)
                           .count()
                    << " ms");
        }
        drained = true;
        for (const auto& [id, row] : read_rows(db))
            drained = drained && !row.dirty && row.state == "issued";
    }
    REQUIRE(drained);
    CHECK(successor != 0);
    CHECK(successor != holder);

    const auto rows = read_rows(db);
    // No lost sale: every ticket answered 201 is stored, for its buyer.
    for (const auto& [ticket_id, buyer] : answered) {
        CAPTURE(ticket_id);
        auto found = rows.find(std::stoll(ticket_id));
        REQUIRE(found != rows.end());
        CHECK(found->second.owner == buyer);
    }
    CHECK(rows.size() >= answered.size());
    // One NFT per ticket: the key stored before the kill is the mint, supply one, held by
    // the owner, and no two tickets share a mint.
    solana::RpcClient rpc(solana::RpcOptions{chain.url(), "confirmed", {}});
    std::set<std::string> mints;
    for (const auto& [id, row] : rows) {
        CAPTURE(id);
        REQUIRE(row.mint);
        if (auto before = first_mint.find(id); before != first_mint.end())
            CHECK(before->second == *row.mint);
        mints.insert(*row.mint);
        check_one_nft_held(rpc, *row.mint, row.owner);
    }
    CHECK(mints.size() == rows.size());
}
