// Load on ticket-api over loopback: the real server (in process) and keep-alive HTTP
// clients on their own threads, for a bounded time. Prints requests per second and
// latency percentiles for listing events and for online validation.
//   backend_load_bench [--quick]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "gate/backend/App.h"
#include "gate/backend/Server.h"
#include "gate/crypto/Ed25519.h"
#include "gate/http/Client.h"

using namespace gate;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

struct Api {
    std::string base;
    http::Response call(http::Client& client, http::Method method, const std::string& path,
                        const std::string& token, const std::optional<json>& body = std::nullopt) {
        http::Request r;
        r.method = method;
        r.url = base + path;
        if (body) {
            r.body = body->dump();
            r.headers.set("Content-Type", "application/json");
        }
        if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
        auto answer = client.send(r);
        if (!answer.ok()) {
            std::fprintf(stderr, "request failed: %s\n", http::to_string(answer.error()).c_str());
            std::exit(1);
        }
        return std::move(answer).value();
    }
    std::string sign_in(http::Client& client, const crypto::KeyPair& key) {
        const auto wallet = key.public_key().to_base58();
        auto nonce =
            call(client, http::Method::Post, "/api/v1/auth/nonce", "", json{{"wallet", wallet}})
                .json()
                .value();
        const auto message = nonce["message"].get<std::string>();
        return call(client, http::Method::Post, "/api/v1/auth/sign-in", "",
                    json{{"wallet", wallet},
                         {"nonce", nonce["nonce"]},
                         {"signature", key.sign(as_bytes(message)).to_base58()}})
            .json()
            .value()["token"]
            .get<std::string>();
    }
};

void run(const char* name, int clients, std::chrono::milliseconds duration,
         const std::function<int(http::Client&)>& request) {
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
    std::atomic<int> errors{0};
    const auto until = Steady::now() + duration;
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            http::Client client;
            auto& mine = latencies[static_cast<std::size_t>(c)];
            while (Steady::now() < until) {
                const auto t0 = Steady::now();
                if (request(client) != 200) ++errors;
                mine.push_back(
                    std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
            }
        });
    for (auto& t : threads)
        t.join();
    std::vector<double> all;
    for (auto& l : latencies)
        all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) {
        return all.empty() ? 0.0
                           : all[static_cast<std::size_t>(p * static_cast<double>(all.size() - 1))];
    };
    const double seconds = std::chrono::duration<double>(duration).count();
    std::printf(
        "%-28s %3d clients  %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%zu requests, %d non-200)\n",
        name, clients, static_cast<double>(all.size()) / seconds, pct(0.5), pct(0.99), all.size(),
        errors.load());
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const auto duration = quick ? std::chrono::milliseconds{700} : std::chrono::milliseconds{10000};
    const int clients = quick ? 2 : 8;

    char pattern[] = "/tmp/gate-bench-XXXXXX";
    if (!::mkdtemp(pattern)) return 1;
    const std::filesystem::path dir = pattern;
    const auto organizer = crypto::KeyPair::generate();
    const auto validator = crypto::KeyPair::generate();
    const auto buyer = crypto::KeyPair::generate();

    backend::Settings settings;
    settings.address = "127.0.0.1";
    settings.port = 0;
    settings.threads = 2;
    settings.database_url = dir / "bench.db";
    settings.master_key_file = dir / "master.key";
    settings.organizers = {organizer.public_key().to_base58()};
    settings.validators = {validator.public_key().to_base58()};
    settings.validate_limit = {0, 0};  // measure the service, not the limiter
    settings.mint_limit = {0, 0};
    settings.sign_in_limit = {0, 0};
    settings.code_valid_before_start = std::chrono::milliseconds{48LL * 3600 * 1000};
    log::Logger::Options quiet;
    quiet.level = log::Level::Warn;
    const log::Logger logger("bench", nullptr, quiet);
    {
        backend::App app(settings, logger);
        backend::Server server(
            settings, [&app](backend::Request r) { return app.handle(std::move(r)); }, logger);
        server.start();
        Api api{"http://127.0.0.1:" + std::to_string(server.port())};
        http::Client setup;
        const auto org = api.sign_in(setup, organizer);
        const auto now = gate::SystemClock().now_ms();
        std::int64_t event_id = 0;
        for (int i = 0; i < 20; ++i) {
            const auto start = now + 3600 * 1000 + i * 60000;
            auto r = api.call(
                setup, http::Method::Post, "/api/v1/events", org,
                json{{"name", "Bench " + std::to_string(i)},
                     {"venue", "Hall"},
                     {"starts_at", start},
                     {"ends_at", start + 4 * 3600 * 1000},
                     {"capacity", 1000},
                     {"tiers", json::array({{{"name", "general"}, {"price_cents", 5000}}})}});
            if (i == 0) event_id = r.json().value()["id"].get<std::int64_t>();
        }
        const auto holder = api.sign_in(setup, buyer);
        auto ticket =
            api.call(setup, http::Method::Post, "/api/v1/tickets/mint", holder,
                     json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "test"}})
                .json()
                .value()["ticket"]["ticket_id"]
                .get<std::string>();
        const auto code =
            api.call(setup, http::Method::Get, "/api/v1/tickets/" + ticket + "/code", holder)
                .json()
                .value()["code"]
                .get<std::string>();
        api.call(setup, http::Method::Post,
                 "/api/v1/events/" + std::to_string(event_id) + "/validators", org,
                 json{{"wallet", validator.public_key().to_base58()}});
        const auto staff = api.sign_in(setup, validator);

        std::printf("ticket-api on loopback, %zu server threads, %s run\n", settings.threads,
                    quick ? "quick" : "full");
        run("GET /api/v1/events (20)", clients, duration, [&](http::Client& c) {
            return api.call(c, http::Method::Get, "/api/v1/events?limit=20", "").status;
        });
        // Every validation parses, verifies the signature and writes its audit record in a
        // transaction; after the first, the answer is entry.already_inside.
        const json body{{"code", code}, {"gate", "bench"}, {"event_id", event_id}};
        run("POST /api/v1/validate", clients, duration, [&](http::Client& c) {
            return api.call(c, http::Method::Post, "/api/v1/validate", staff, body).status;
        });
        server.stop();
    }
    std::filesystem::remove_all(dir);
    return 0;
}
