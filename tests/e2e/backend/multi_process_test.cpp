// Several ticket-api processes on one database, as behind a load balancer: on PostgreSQL
// (backend_e2e_pg.*) and on one SQLite file (backend_e2e.*). Buyers spread over three
// processes, one is killed mid-sale: no oversell, no lost sale. Rate limits hold in total
// over the processes, per real client behind a trusted proxy.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "ApiCluster.h"
#include "ProcessApi.h"

using namespace gate::test;

namespace {

constexpr int kProcesses = 3;
constexpr int kBuyersPerProcess = 4;
constexpr std::int64_t kCapacity = 1500;

struct Sale {
    std::string ticket_id;
    std::string buyer;
};

}  // namespace

TEST_CASE("three ticket-api processes on one database sell each seat once, one killed mid-sale") {
    TempDir dir;
    Wallet organizer;
    ApiCluster cluster(dir, kProcesses,
                       {"GATE_AUTH_ORGANIZERS=" + organizer.address(),
                        "GATE_LIMITS_MINT_PER_MINUTE=0", "GATE_LIMITS_SIGN_IN_PER_MINUTE=0"});
    auto& apis = cluster.apis;
    auto base = [&](int i) { return cluster.base(i); };

    // The organizer signs in on one process and creates the event on another: nonces and
    // tokens live in the database.
    ProcessApi first{base(0), gate::http::Client()};
    auto nonce =
        first.post("/api/v1/auth/nonce", json{{"wallet", organizer.address()}}).json().value();
    ProcessApi second{base(1), gate::http::Client()};
    const auto message = nonce["message"].get<std::string>();
    auto signed_in =
        second.post("/api/v1/auth/sign-in",
                    json{{"wallet", organizer.address()},
                         {"nonce", nonce["nonce"]},
                         {"signature", organizer.key.sign(gate::as_bytes(message)).to_base58()}});
    REQUIRE(signed_in.status == 200);
    const auto org = signed_in.json().value()["token"].get<std::string>();
    const auto start = wall_now_ms() + kDay;
    ProcessApi third{base(2), gate::http::Client()};
    auto event =
        third.post("/api/v1/events", one_tier_event("Three doors", kCapacity, 100, start), org);
    REQUIRE(event.status == 201);
    const auto event_id = event.json().value()["id"].get<std::int64_t>();

    // Buyers, each signed in on its own process, buy until the event is sold out.
    std::mutex mutex;
    std::vector<Sale> answered;
    std::map<std::string, std::string> tokens;  // buyer -> token
    std::atomic<int> sold_out{0};
    std::vector<std::thread> buyers;
    // Every buyer signs in first, so that the sale starts for all of them at once.
    std::vector<std::pair<int, std::string>> signed_in_buyers;  // process, wallet
    for (int p = 0; p < kProcesses; ++p) {
        for (int b = 0; b < kBuyersPerProcess; ++b) {
            Wallet wallet;
            ProcessApi api{base(p), gate::http::Client()};
            tokens[wallet.address()] = api.sign_in(wallet);
            signed_in_buyers.emplace_back(p, wallet.address());
        }
    }
    for (const auto& [p, buyer] : signed_in_buyers) {
        buyers.emplace_back([&, p = p, token = tokens[buyer], address = buyer] {
            gate::http::ClientOptions options;
            options.timeout = std::chrono::seconds{5};
            gate::http::Client client(options);
            for (;;) {
                gate::http::Request r;
                r.method = gate::http::Method::Post;
                r.url = base(p) + "/api/v1/tickets/mint";
                r.body =
                    json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "test"}}.dump();
                r.headers.set("Authorization", "Bearer " + token);
                r.headers.set("Content-Type", "application/json");
                auto answer = client.send(r);
                if (!answer.ok()) return;  // its process was killed
                if (answer->status == 201) {
                    std::lock_guard lock(mutex);
                    answered.push_back(
                        {answer->json().value()["ticket"]["ticket_id"].get<std::string>(),
                         address});
                } else if (answer->status == 409) {
                    ++sold_out;
                    return;
                } else {
                    return;  // anything else fails the checks below
                }
            }
        });
    }
    // Killed mid-sale: once a fifth of the seats are sold, whatever the machine's speed.
    for (int i = 0; i < 2000; ++i) {
        {
            std::lock_guard lock(mutex);
            if (answered.size() >= static_cast<std::size_t>(kCapacity / 5)) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    apis[1]->signal(SIGKILL);
    CHECK(apis[1]->wait(std::chrono::seconds{5}) == 128 + SIGKILL);
    for (auto& t : buyers)
        t.join();

    // The survivors' buyers ran into "sold out"; every seat was sold once, none twice, and
    // every answered sale is stored. A purchase in flight in the killed process may hold its
    // seat until the reservation expires (tickets.reservation_ttl): at most one per buyer.
    CHECK(sold_out.load() == 2 * kBuyersPerProcess);
    std::set<std::string> stored;
    for (const auto& [buyer, token] : tokens) {
        auto mine = first.get("/api/v1/tickets/my", token).json().value()["tickets"];
        for (const auto& t : mine)
            stored.insert(t["ticket_id"].get<std::string>());
    }
    CHECK(stored.size() <= static_cast<std::size_t>(kCapacity));
    CHECK(stored.size() >= static_cast<std::size_t>(kCapacity - kBuyersPerProcess));
    std::set<std::string> unique;
    for (const auto& sale : answered) {
        CHECK(stored.count(sale.ticket_id) == 1);
        unique.insert(sale.ticket_id);
    }
    CHECK(unique.size() == answered.size());
    auto stats = third.get("/api/v1/events/" + std::to_string(event_id) + "/stats", org);
    REQUIRE(stats.status == 200);
    CHECK(stats.json().value()["sold"] == stored.size());
}

TEST_CASE("rate limits hold in total over three processes, per real client behind the proxy") {
    TempDir dir;
    // On SQLite buckets are per process unless limits.store says database (auto picks it
    // on PostgreSQL).
    ApiCluster cluster(dir, kProcesses,
                       {"GATE_LIMITS_SIGN_IN_PER_MINUTE=6", "GATE_LIMITS_STORE=database",
                        "GATE_SERVER_TRUSTED_PROXIES=127.0.0.1"});
    Wallet wallet;
    gate::http::Client client;
    auto nonce_status = [&](int process, const std::string& forwarded_for) {
        gate::http::Request r;
        r.method = gate::http::Method::Post;
        r.url = cluster.base(process) + "/api/v1/auth/nonce";
        r.body = json{{"wallet", wallet.address()}}.dump();
        r.headers.set("Content-Type", "application/json");
        if (!forwarded_for.empty()) r.headers.set("X-Forwarded-For", forwarded_for);
        auto answer = client.send(r);
        REQUIRE(answer.ok());
        if (answer->status == 429) CHECK(answer->headers.get("Retry-After").has_value());
        return answer->status;
    };
    // Each client's six a minute, in total over the processes the balancer spreads it on;
    // the balancer itself (no header) is a client of its own.
    for (const std::string client_address : {"203.0.113.1", "203.0.113.2", ""}) {
        CAPTURE(client_address);
        int allowed = 0, limited = 0;
        for (int i = 0; i < 12; ++i) {
            const int status = nonce_status(i % kProcesses, client_address);
            allowed += status == 201 ? 1 : 0;
            limited += status == 429 ? 1 : 0;
        }
        CHECK(allowed == 6);
        CHECK(limited == 6);
    }
}
