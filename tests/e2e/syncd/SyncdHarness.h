#pragma once
// The three real executables over loopback for gate-syncd's end-to-end tests: a
// ticket-api process that can be stopped and started again on the same port, and
// handheld devices (gate-scanner + gate-syncd sharing one SQLite file in a temp dir).

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../backend/LoopbackServer.h"
#include "gate/device/DeviceDatabase.h"

namespace gate::test {

inline constexpr std::chrono::seconds kProcessTimeout{60};

/// ticket-api as a child process on a fixed port, its database kept across restarts.
class BackendProcess {
  public:
    explicit BackendProcess(const TempDir& dir) : dir_(dir), port_(free_port()) {}

    /// `extra_env` (GATE_*=...) is added to the settings for this run only.
    void start(const std::vector<std::string>& extra_env = {}) {
        REQUIRE(!process_);
        const std::string base = "http://127.0.0.1:" + std::to_string(port_);
        std::vector<std::string> env{"GATE_SERVER_PORT=" + std::to_string(port_),
                                     "GATE_DATABASE_PATH=" + db_path().string(),
                                     "GATE_KEYS_MASTER_KEY_FILE=" + (dir_ / "master.key").string(),
                                     "GATE_AUTH_ORGANIZERS=" + organizer.address(),
                                     "GATE_PUBLIC_BASE_URL=" + base,
                                     "GATE_LIMITS_MINT_PER_MINUTE=0",
                                     "GATE_LOG_LEVEL=warn"};
        env.insert(env.end(), extra_env.begin(), extra_env.end());
        process_ =
            std::make_unique<ChildProcess>(std::vector<std::string>{GATE_TICKET_API}, env,
                                           dir_ / ("api-" + std::to_string(++starts_) + ".log"));
        REQUIRE_MESSAGE(process_->wait_for_output("listening on 127.0.0.1:" + std::to_string(port_),
                                                  std::chrono::seconds{20}),
                        process_->output());
    }
    void stop() {
        REQUIRE(process_);
        process_->signal(SIGTERM);
        CHECK(process_->wait(kProcessTimeout) == 0);
        process_.reset();
    }
    /// SIGKILL: no graceful shutdown, requests in flight die with it.
    void kill() {
        REQUIRE(process_);
        process_->signal(SIGKILL);
        CHECK(process_->wait(kProcessTimeout) == 128 + SIGKILL);
        process_.reset();
    }
    bool running() const { return process_ != nullptr; }
    /// The backend's SQLite file (WAL): tests read it to check what was stored.
    std::filesystem::path db_path() const { return dir_ / "api.db"; }

    std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

    http::Response send(http::Method method, const std::string& path, const std::string& token,
                        const std::optional<json>& body = std::nullopt) {
        http::Request r;
        r.method = method;
        r.url = base() + path;
        if (body) {
            r.body = body->dump();
            r.headers.set("Content-Type", "application/json");
        }
        if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
        auto answer = client_.send(r);
        // Not REQUIRE_MESSAGE: doctest evaluates its message lazily, also for a passing
        // check when run with -s, and error() of a success asserts.
        if (!answer.ok()) FAIL(http::to_string(answer.error()));
        return std::move(answer).value();
    }
    json post(const std::string& path, const json& body, const std::string& token,
              int expected_status) {
        auto r = send(http::Method::Post, path, token, body);
        REQUIRE_MESSAGE(r.status == expected_status, r.body);
        return r.json().value();
    }
    json get(const std::string& path, const std::string& token) {
        auto r = send(http::Method::Get, path, token);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        return r.json().value();
    }

    std::string sign_in(const Wallet& w) {
        auto nonce = post("/api/v1/auth/nonce", json{{"wallet", w.address()}}, {}, 201);
        const auto message = nonce["message"].get<std::string>();
        auto r = post("/api/v1/auth/sign-in",
                      json{{"wallet", w.address()},
                           {"nonce", nonce["nonce"]},
                           {"signature", w.key.sign(as_bytes(message)).to_base58()}},
                      {}, 200);
        return r["token"].get<std::string>();
    }

    /// An event starting within the hour, so its codes are valid now.
    std::int64_t create_event(const std::string& organizer_token, std::int64_t capacity = 1000) {
        const auto start = wall_now_ms() + kHour;
        auto event =
            post("/api/v1/events",
                 json{{"name", "Sync E2E"},
                      {"venue", "Hall"},
                      {"starts_at", start},
                      {"ends_at", start + 4 * kHour},
                      {"capacity", capacity},
                      {"tiers", json::array({{{"name", "general"}, {"price_cents", 100}}})}},
                 organizer_token, 201);
        return event["id"].get<std::int64_t>();
    }
    std::string buy(const std::string& token, std::int64_t event_id) {
        return post("/api/v1/tickets/mint",
                    json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "test"}}, token,
                    201)["ticket"]["ticket_id"]
            .get<std::string>();
    }
    /// Buys `quantity` (1..100) tickets in one order; returns their ids.
    std::vector<std::string> buy_many(const std::string& token, std::int64_t event_id,
                                      int quantity) {
        const auto bought = post("/api/v1/tickets/batch-mint",
                                 json{{"event_id", event_id},
                                      {"tier", 0},
                                      {"quantity", quantity},
                                      {"payment_method", "test"}},
                                 token, 201);
        std::vector<std::string> ids;
        for (const auto& t : bought["tickets"])
            ids.push_back(t["ticket_id"].get<std::string>());
        return ids;
    }
    std::string code_of(const std::string& token, const std::string& ticket_id) {
        return get("/api/v1/tickets/" + ticket_id + "/code", token)["code"].get<std::string>();
    }
    std::string setup_code(const std::string& organizer_token, std::int64_t event_id,
                           const std::string& gate) {
        return post("/api/v1/devices/setup-codes", json{{"event_id", event_id}, {"gate", gate}},
                    organizer_token, 201)["setup_code"]
            .get<std::string>();
    }
    json stats(const std::string& organizer_token, std::int64_t event_id) {
        return get("/api/v1/events/" + std::to_string(event_id) + "/stats", organizer_token);
    }

    Wallet organizer;

  private:
    const TempDir& dir_;
    unsigned short port_;
    int starts_ = 0;
    std::unique_ptr<ChildProcess> process_;
    http::Client client_;
};

/// The result of one `gate-scanner check --json`.
/// A running backend with one event, a signed-in organizer and buyer.
struct World {
    TempDir dir;
    BackendProcess api{dir};
    Wallet buyer;
    std::string organizer_token, buyer_token;
    std::int64_t event_id = 0;

    explicit World(std::int64_t capacity = 1000) {
        api.start();
        organizer_token = api.sign_in(api.organizer);
        buyer_token = api.sign_in(buyer);
        event_id = api.create_event(organizer_token, capacity);
    }
    /// One ticket for the buyer: its id.
    std::string buy() { return api.buy(buyer_token, event_id); }
    /// `count` tickets, bought 100 at a time.
    std::vector<std::string> buy(int count) {
        std::vector<std::string> ids;
        while (count > 0) {
            const int n = std::min(count, 100);
            auto more = api.buy_many(buyer_token, event_id, n);
            ids.insert(ids.end(), more.begin(), more.end());
            count -= n;
        }
        return ids;
    }
    /// The ticket code of one of the buyer's tickets (what its QR holds).
    std::string code(const std::string& ticket) { return api.code_of(buyer_token, ticket); }
    json stats() { return api.stats(organizer_token, event_id); }
    /// Admissions over all gates.
    std::int64_t entries() {
        std::int64_t n = 0;
        const auto s = stats();  // held: a loop over stats()["gates"] would outlive it
        for (const auto& g : s["gates"])
            n += g["entries"].get<std::int64_t>();
        return n;
    }
};

struct Verdict {
    int exit_code = -1;
    std::string verdict;
    std::string reason;
    std::string output;
};

/// One handheld: its own directory, database, key and token files.
class Device {
  public:
    explicit Device(std::string name) : name_(std::move(name)) {}

    std::filesystem::path db() const { return dir_ / "device.db"; }
    const TempDir& dir() const { return dir_; }

    int run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::string& log, std::string* output = nullptr) {
        ChildProcess p(argv, env, dir_ / log);
        const int code = p.wait(kProcessTimeout);
        if (output) *output = p.output();
        return code;
    }

    void provision(const std::string& setup_code) {
        std::string out;
        const int code = run({GATE_SCANNER, "--db", db().string(), "provision", setup_code,
                              "--key-file", (dir_ / "key.json").string(), "--token-file",
                              (dir_ / "device.token").string(), "--name", name_},
                             {}, "provision.log", &out);
        REQUIRE_MESSAGE(code == 0, out);
    }

    Verdict check(const std::string& code) {
        Verdict v;
        v.exit_code = run({GATE_SCANNER, "--db", db().string(), "check", code, "--json"}, {},
                          "check.log", &v.output);
        // stdout and stderr share the file: the verdict is the line that parses as an
        // object with a "verdict" member (log lines may be JSON too).
        std::istringstream lines(v.output);
        for (std::string line; std::getline(lines, line);) {
            auto parsed = json::parse(line, nullptr, false);
            if (parsed.is_object() && parsed.contains("verdict")) {
                v.verdict = parsed["verdict"].get<std::string>();
                v.reason = parsed.value("reason", "");
            }
        }
        REQUIRE_MESSAGE(!v.verdict.empty(), v.output);
        return v;
    }

    std::vector<std::string> syncd_env(const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> env{"GATE_DEVICE_DATABASE=" + db().string(),
                                     "GATE_DEVICE_TOKEN_FILE=" + (dir_ / "device.token").string(),
                                     "GATE_DEVICE_KEY_FILE=" + (dir_ / "key.json").string(),
                                     "GATE_LOG_LEVEL=warn"};
        env.insert(env.end(), extra.begin(), extra.end());
        return env;
    }

    /// `gate-syncd run --once`; returns its exit code (output in *out).
    int sync_once(std::string* out = nullptr) {
        return run({GATE_SYNCD, "run", "--once"}, syncd_env(), "syncd-once.log", out);
    }
    /// `gate-syncd run --once` as a child the test can kill.
    std::unique_ptr<ChildProcess> start_sync_once(const std::string& log) {
        return std::make_unique<ChildProcess>(std::vector<std::string>{GATE_SYNCD, "run", "--once"},
                                              syncd_env(), dir_ / log);
    }

    std::unique_ptr<ChildProcess> start_syncd(const std::vector<std::string>& extra_env,
                                              const std::string& log) {
        return std::make_unique<ChildProcess>(std::vector<std::string>{GATE_SYNCD, "run"},
                                              syncd_env(extra_env), dir_ / log);
    }

    device::DeviceDatabase store() {
        auto s = device::DeviceDatabase::open(db());
        REQUIRE(s.ok());
        return std::move(s).value();
    }
    std::int64_t queue_depth() {
        auto status = store().sync().sync_status();
        REQUIRE(status.ok());
        return status->queue_depth;
    }

  private:
    std::string name_;
    TempDir dir_;
};

/// A read-only connection to a SQLite file another process writes (WAL): what the backend
/// or the device really stored.
inline db::Database read_only(const std::filesystem::path& path) {
    auto opened = db::Database::open(path, {.read_only = true});
    if (!opened.ok()) FAIL(db::to_string(opened.error()));
    return std::move(opened).value();
}

/// Polls `done` every 50 ms for up to `timeout`.
template <typename F>
bool eventually(F done, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return done();
}

}  // namespace gate::test
