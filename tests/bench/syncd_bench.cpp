// gate-syncd's throughput against a real ticket-api on loopback (App + Server in process):
// (a) scans pushed per second from a real device database (WAL) by the real SyncEngine until
// the queue is empty, per batch size; (b) applying a 100,000-ticket snapshot, alone and end to
// end (GET from the backend + parse + apply); (c) applying a 1,000-change delta page of mixed
// ticket and entry changes. Prints figures, never asserts on time.
//   syncd_bench [--quick]     (--quick: small sizes, for CTest)
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "SyncKey.h"
#include "gate/backend/App.h"
#include "gate/backend/Server.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/Ed25519.h"
#include "gate/crypto/Random.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/http/Client.h"
#include "gate/syncd/Service.h"
#include "gate/syncd/SyncEngine.h"

using namespace gate;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "syncd_bench: %s\n", what.c_str());
    std::exit(1);
}

double ms_since(Steady::time_point start) {
    return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

/// The backend over HTTP, as an organizer or buyer would drive it.
struct Api {
    std::string base;
    http::Client client;

    json call(http::Method method, const std::string& path, const std::string& token,
              const std::optional<json>& body, int expected) {
        http::Request r;
        r.method = method;
        r.url = base + path;
        if (body) {
            r.body = body->dump();
            r.headers.set("Content-Type", "application/json");
        }
        if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
        auto answer = client.send(r);
        if (!answer.ok()) die(path + ": " + http::to_string(answer.error()));
        if (answer->status != expected)
            die(path + ": HTTP " + std::to_string(answer->status) + " " + answer->body);
        return answer->json().value();
    }
    std::string sign_in(const crypto::KeyPair& key) {
        const auto wallet = key.public_key().to_base58();
        auto nonce =
            call(http::Method::Post, "/api/v1/auth/nonce", "", json{{"wallet", wallet}}, 201);
        const auto message = nonce["message"].get<std::string>();
        return call(http::Method::Post, "/api/v1/auth/sign-in", "",
                    json{{"wallet", wallet},
                         {"nonce", nonce["nonce"]},
                         {"signature", key.sign(as_bytes(message)).to_base58()}},
                    200)["token"]
            .get<std::string>();
    }
    std::vector<std::uint64_t> mint(const std::string& token, std::int64_t event_id, int count) {
        std::vector<std::uint64_t> ids;
        while (count > 0) {
            const int n = std::min(count, 100);
            const auto bought = call(http::Method::Post, "/api/v1/tickets/batch-mint", token,
                                     json{{"event_id", event_id},
                                          {"tier", 0},
                                          {"quantity", n},
                                          {"payment_method", "test"}},
                                     201);
            for (const auto& t : bought["tickets"])
                ids.push_back(
                    domain::ticket_id_from_string(t["ticket_id"].get<std::string>()).value());
            count -= n;
        }
        return ids;
    }
};

// Opens a device database; with `pin`, pins that backend sync key as provisioning does.
device::DeviceDatabase open_store(const std::filesystem::path& path,
                                  const std::optional<crypto::PublicKey>& pin = std::nullopt) {
    auto store = device::DeviceDatabase::open(path);
    if (!store) die("cannot open " + path.string() + ": " + db::to_string(store.error()));
    if (pin && !store->pin_sync_key(*pin)) die("cannot pin the sync key beside " + path.string());
    return std::move(store).value();
}

domain::TicketRecord ticket_row(std::uint64_t id, std::uint32_t generation = 0,
                                domain::TicketStatus status = domain::TicketStatus::Valid) {
    domain::TicketRecord t;
    t.ticket_id = id;
    t.tier = static_cast<std::uint8_t>(id % 3);
    t.generation = generation;
    t.status = status;
    return t;
}

/// (a) N accepted scans queued, then one engine cycle until the queue is empty.
void bench_push(device::DeviceDatabase& store, device::BackendLink& link,
                const std::filesystem::path& db_path, const std::vector<std::uint64_t>& tickets,
                const std::vector<std::string>& codes, const domain::Assignment& assignment,
                int scans, std::size_t batch_size) {
    // The scanner's records: admissions, each ticket alternating in and out so the
    // backend sees no conflicts. Each is its own durable commit, as at the gate.
    const auto now = gate::system_clock().now_ms();
    for (int i = 0; i < scans; ++i) {
        const auto n = static_cast<std::size_t>(i);
        domain::EntryRecord e;
        e.nonce = codec::base64url_encode(crypto::random_array<16>());
        e.ticket_id = tickets[n % tickets.size()];
        e.event_id = assignment.event_id;
        e.gate = assignment.gate;
        e.direction =
            (n / tickets.size()) % 2 == 0 ? domain::Direction::In : domain::Direction::Out;
        e.reason = "ok";
        e.scanned_at = now + i;
        e.proof = codes[n % codes.size()];  // the code the scanner read
        if (!store.scans().record_scan(e)) die("cannot queue a scan");
    }

    // The queue is watched from a second connection, as the scanner's display would: the
    // push is done the moment it is empty (the cycle then pulls the entries back as changes).
    std::atomic<bool> running{true};
    std::atomic<double> push_ms{0};
    const auto start = Steady::now();
    std::thread watcher([&] {
        auto watch = open_store(db_path);
        while (running) {
            auto status = watch.sync().sync_status();
            if (status && status->queue_depth == 0) {
                push_ms = ms_since(start);
                return;
            }
            std::this_thread::sleep_for(std::chrono::microseconds{500});
        }
    });
    syncd::SyncEngine engine(store, link, gate::system_clock(), {.batch_size = batch_size});
    const std::atomic<bool> stop{false};
    const auto report = engine.run_cycle(stop);
    const double cycle_ms = ms_since(start);
    running = false;
    watcher.join();
    if (!report.ok()) die("push cycle failed: " + report.error->message);
    if (report.pushed != static_cast<std::size_t>(scans))
        die("the backend stored " + std::to_string(report.pushed) + " of " + std::to_string(scans) +
            " scans");
    const double pushed_ms = push_ms > 0 ? push_ms.load() : cycle_ms;
    const auto batches = (static_cast<std::size_t>(scans) + batch_size - 1) / batch_size;
    std::printf(
        "  batch %4zu%s %5zu batches  %8.0f ms  %8.0f scans/s   (whole cycle, pulling the "
        "%zu entry changes back: %.0f ms)\n",
        batch_size, batch_size == 200 ? " (default)" : "          ", batches, pushed_ms,
        static_cast<double>(scans) / pushed_ms * 1000.0, report.changes, cycle_ms);
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int push_scans = quick ? 600 : 20'000;
    const int snapshot_tickets = quick ? 3'000 : 100'000;
    const int runs = quick ? 3 : 5;
    const int page_runs = quick ? 3 : 9;

    char pattern[] = "/tmp/gate-syncd-bench-XXXXXX";
    if (!::mkdtemp(pattern)) die("mkdtemp failed");
    const std::filesystem::path dir = pattern;
    const auto organizer = crypto::KeyPair::generate();
    const auto buyer = crypto::KeyPair::generate();

    backend::Settings settings;
    settings.address = "127.0.0.1";
    settings.port = 0;
    settings.threads = 2;
    settings.database_url = dir / "api.db";
    settings.master_key_file = dir / "master.key";
    settings.organizers = {organizer.public_key().to_base58()};
    settings.validate_limit = {0, 0};  // measure the sync, not the limiter
    settings.mint_limit = {0, 0};
    settings.sign_in_limit = {0, 0};
    log::Logger::Options quiet;
    quiet.level = log::Level::Warn;
    const log::Logger logger("bench", nullptr, quiet);
    {
        backend::App app(settings, logger);
        backend::Server server(
            settings, [&app](backend::Request r) { return app.handle(std::move(r)); }, logger);
        server.start();
        Api api{"http://127.0.0.1:" + std::to_string(server.port()), http::Client()};
        const auto org = api.sign_in(organizer);
        const auto holder = api.sign_in(buyer);
        const auto start = gate::system_clock().now_ms() + 3600 * 1000;
        const auto event_id =
            api.call(http::Method::Post, "/api/v1/events", org,
                     json{{"name", "Sync Bench"},
                          {"venue", "Hall"},
                          {"starts_at", start},
                          {"ends_at", start + 4 * 3600 * 1000},
                          {"capacity", snapshot_tickets},
                          {"tiers", json::array({{{"name", "general"}, {"price_cents", 100}}})}},
                     201)["id"]
                .get<std::int64_t>();
        auto tickets = api.mint(holder, event_id, quick ? 100 : 1000);

        // A registered device, as gate-scanner provision leaves it.
        const auto setup = domain::parse_setup_code(
            api.call(http::Method::Post, "/api/v1/devices/setup-codes", org,
                     json{{"event_id", event_id}, {"gate", "north-1"}}, 201)["setup_code"]
                .get<std::string>());
        if (!setup) die("setup code: " + setup.error().message);
        const auto device_key = crypto::KeyPair::generate();
        const domain::RegisterRequest registration{
            setup->token, device_key.public_key(), "bench-1",
            device_key.sign(as_bytes(domain::register_signing_input(setup->token)))};
        const auto registered = domain::from_json<domain::RegisterResponse>(api.call(
            http::Method::Post, "/api/v1/devices/register", "", nlohmann::json(registration), 201));
        if (!registered) die("register: " + registered.error().message);
        device::BackendLink link(api.base, registered->device_token, {}, gate::system_clock());
        link.sign_batches_with(crypto::KeyPair::from_secret(device_key.secret()).value());
        const auto& assignment = registered->assignment;
        std::vector<std::string> codes;  // what each ticket's QR holds: the scans' proofs
        for (const auto id : tickets)
            codes.push_back(api.call(http::Method::Get,
                                     "/api/v1/tickets/" + domain::ticket_id_to_string(id) + "/code",
                                     holder, std::nullopt, 200)["code"]
                                .get<std::string>());

        std::printf(
            "gate-syncd (%s run): ticket-api in process on loopback (%zu threads), "
            "device database in WAL\n\n",
            quick ? "quick" : "full", settings.threads);

        // (a) Push.
        {
            const auto path = dir / "device-push.db";
            auto store = open_store(path, setup->sync_key);
            (void)store.sync().set_identity(registered->device_id, api.base);
            syncd::SyncEngine first(store, link, gate::system_clock());
            const std::atomic<bool> stop{false};
            if (auto r = first.run_cycle(stop); !r.ok()) die("first sync: " + r.error->message);
            std::printf("push: %d queued admissions each, SyncEngine until the queue is empty\n",
                        push_scans);
            for (std::size_t batch : {std::size_t{200}, std::size_t{50}, std::size_t{500}})
                bench_push(store, link, path, tickets, codes, assignment, push_scans, batch);
        }

        // (b) Snapshot: the apply alone, from a snapshot built in memory.
        std::printf("\nsnapshot of %d tickets\n", snapshot_tickets);
        {
            domain::Snapshot snapshot;
            snapshot.cursor = 1;
            snapshot.assignment = assignment;
            for (int i = 1; i <= snapshot_tickets; ++i)
                snapshot.tickets.push_back(ticket_row(static_cast<std::uint64_t>(i)));
            // Signed as the backend signs (here by the tests' key); applying verifies it all.
            snapshot = gate::test::signed_copy(std::move(snapshot));
            auto store =
                open_store(dir / "device-snapshot.db", gate::test::test_sync_key().public_key());
            std::vector<double> times;
            for (int run = 0; run < runs; ++run) {
                const auto t0 = Steady::now();
                if (!store.cache().apply_snapshot(snapshot)) die("apply_snapshot failed");
                times.push_back(ms_since(t0));
            }
            std::printf("  DeviceDatabase::apply_snapshot            median %8.1f ms  (%d runs)\n",
                        median(times), runs);
        }

        // End to end: the backend holds that many tickets; GET + parse, then apply.
        const auto more =
            api.mint(holder, event_id, snapshot_tickets - static_cast<int>(tickets.size()));
        tickets.insert(tickets.end(), more.begin(), more.end());
        auto store = open_store(dir / "device-e2e.db", setup->sync_key);
        (void)store.sync().set_identity(registered->device_id, api.base);
        {
            // Only to learn the body's size: allowed past gate-syncd's response limit.
            http::ClientOptions roomy;
            roomy.max_response_bytes = std::size_t{256} << 20;
            http::Client raw(roomy);
            http::Request r;
            r.url = api.base + "/api/v1/devices/me/snapshot";
            r.headers.set("Authorization", "Bearer " + registered->device_token);
            r.timeout = std::chrono::seconds{60};
            auto body = raw.send(r);
            if (body.ok())
                std::printf("  snapshot body                          %8.2f MiB\n",
                            static_cast<double>(body->body.size()) / (1024.0 * 1024.0));
            else
                std::printf("  snapshot body: %s\n", http::to_string(body.error()).c_str());
            std::vector<double> fetch, apply, total;
            for (int run = 0; run < runs; ++run) {
                const auto t0 = Steady::now();
                auto snapshot = link.snapshot();
                if (!snapshot) die("GET snapshot: " + snapshot.error().message);
                fetch.push_back(ms_since(t0));
                const auto t1 = Steady::now();
                if (!store.cache().apply_snapshot(snapshot->value)) die("apply_snapshot failed");
                apply.push_back(ms_since(t1));
                total.push_back(ms_since(t0));
                if (snapshot->value.tickets.size() != static_cast<std::size_t>(snapshot_tickets))
                    die("the snapshot holds " + std::to_string(snapshot->value.tickets.size()) +
                        " tickets");
            }
            std::printf(
                "  end to end: GET + parse + apply        median %8.1f ms  "
                "(GET + parse %.1f ms, apply %.1f ms; %d runs)\n",
                median(total), median(fetch), median(apply), runs);
        }

        // (c) A delta page of 1,000 changes against that cache: 400 updated tickets (a
        // transfer or a revocation), 200 new tickets, 400 entries seen at other gates.
        {
            std::vector<double> apply, parse_apply;
            std::int64_t seq = store.sync().sync_status().value().cursor;
            std::uint64_t next_new = 1ULL << 40;
            auto make_page = [&](int run) {
                domain::ChangesPage page;
                page.server_time = gate::system_clock().now_ms();
                for (int i = 0; i < 1000; ++i) {
                    domain::Change c;
                    c.seq = ++seq;
                    const auto pick =
                        tickets[static_cast<std::size_t>(run * 1000 + i * 97) % tickets.size()];
                    if (i % 5 < 2) {
                        c.payload = ticket_row(pick, static_cast<std::uint32_t>(run + 1),
                                               i % 10 == 0 ? domain::TicketStatus::Revoked
                                                           : domain::TicketStatus::Valid);
                    } else if (i % 5 == 2) {
                        c.payload = ticket_row(next_new++);
                    } else {
                        domain::InsideRecord in;
                        in.ticket_id = pick;
                        in.direction = i % 2 == 0 ? domain::Direction::In : domain::Direction::Out;
                        in.at = page.server_time + i;
                        in.gate = "south-2";
                        c.payload = in;
                    }
                    page.changes.push_back(std::move(c));
                }
                page.cursor = seq;
                return page;
            };
            // The pages are made here, so signed by the tests' key (outside the timing);
            // applying verifies every signature.
            if (!store.pin_sync_key(gate::test::test_sync_key().public_key()))
                die("cannot pin the tests' sync key");
            for (int run = 0; run < page_runs; ++run) {
                const auto page = gate::test::signed_copy(make_page(run));
                const auto t0 = Steady::now();
                if (!store.cache().apply_changes(page)) die("apply_changes failed");
                apply.push_back(ms_since(t0));
            }
            for (int run = 0; run < page_runs; ++run) {
                const auto text =
                    nlohmann::json(gate::test::signed_copy(make_page(page_runs + run))).dump();
                const auto t0 = Steady::now();
                auto page = domain::parse_message<domain::ChangesPage>(text);
                if (!page) die("page: " + page.error().message);
                if (!store.cache().apply_changes(*page)) die("apply_changes failed");
                parse_apply.push_back(ms_since(t0));
            }
            std::printf(
                "\ndelta page of 1000 changes (400 ticket updates, 200 new tickets, "
                "400 entries) on that cache\n");
            std::printf("  DeviceDatabase::apply_changes             median %8.2f ms  (%d runs)\n",
                        median(apply), page_runs);
            std::printf("  parse JSON + apply                     median %8.2f ms\n",
                        median(parse_apply));
        }
        server.stop();
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
}
