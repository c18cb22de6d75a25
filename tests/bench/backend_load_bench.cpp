// Load on a real ticket-api process over loopback, for each storage engine (an SQLite file,
// synchronous=FULL; PostgreSQL 15 with fsync on, started for the run). wrk drives it
// (epoll, keep-alive, --latency) with a Lua script per endpoint that also counts statuses;
// this program sets the data up, runs wrk, and prints req/s, p50/p99/mean latency and
// errors per endpoint, then sells a small event out to check that no seat is sold twice.
//
//   backend_load_bench [--quick] [--engine sqlite|postgresql|both] [--connections N]
//                      [--seconds S] [--handlers N] [--env GATE_NAME=VALUE]...
// Defaults: both engines, 50 connections, 8 s per endpoint (--quick: 8 connections, 1 s).
// The figures depend on the machine; they are printed, never asserted.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "PostgresServer.h"
#include "gate/Clock.h"
#include "gate/crypto/Ed25519.h"
#include "gate/http/Client.h"

extern char** environ;

using namespace gate;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Options {
    bool quick = false;
    std::vector<std::string> engines{"sqlite", "postgresql"};
    int connections = 50;
    int seconds = 8;
    int handlers = 0;                // 0: ticket-api's default
    std::vector<std::string> extra;  // more GATE_* settings for ticket-api
};

[[noreturn]] void die(const std::string& why) {
    std::fprintf(stderr, "backend_load_bench: %s\n", why.c_str());
    std::exit(1);
}

Options parse(int argc, char** argv) {
    Options o;
    bool connections_given = false, seconds_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) die(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--quick") {
            o.quick = true;
        } else if (arg == "--engine") {
            const auto e = value();
            if (e == "both")
                o.engines = {"sqlite", "postgresql"};
            else if (e == "sqlite" || e == "postgresql")
                o.engines = {e};
            else
                die("--engine takes sqlite, postgresql or both, not " + e);
        } else if (arg == "--connections") {
            o.connections = std::atoi(value().c_str());
            connections_given = true;
            if (o.connections < 1 || o.connections > 5000) die("--connections takes 1..5000");
        } else if (arg == "--seconds") {
            o.seconds = std::atoi(value().c_str());
            seconds_given = true;
            if (o.seconds < 1 || o.seconds > 600) die("--seconds takes 1..600");
        } else if (arg == "--handlers") {
            o.handlers = std::atoi(value().c_str());
            if (o.handlers < 1 || o.handlers > 1024) die("--handlers takes 1..1024");
        } else if (arg == "--env") {
            const auto setting = value();
            if (setting.rfind("GATE_", 0) != 0 || setting.find('=') == std::string::npos)
                die("--env takes GATE_NAME=VALUE, not " + setting);
            o.extra.push_back(setting);
        } else {
            die("unknown option " + arg +
                " (--quick, --engine sqlite|postgresql|both, --connections N, --seconds S, "
                "--handlers N, --env GATE_NAME=VALUE)");
        }
    }
    if (o.quick) {
        if (!connections_given) o.connections = 8;
        if (!seconds_given) o.seconds = 1;
    }
    return o;
}

/// ticket-api as a child process, stopped (SIGTERM, then SIGKILL) when this goes.
class ApiProcess {
  public:
    ApiProcess(const std::vector<std::string>& env, const fs::path& log) : log_(log) {
        std::vector<std::string> envp_text;
        for (char** e = environ; *e != nullptr; ++e)
            if (std::string_view(*e).substr(0, 5) != "GATE_") envp_text.emplace_back(*e);
        envp_text.insert(envp_text.end(), env.begin(), env.end());
        std::vector<char*> envp;
        for (auto& e : envp_text)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        std::string program = GATE_TICKET_API, serve = "serve";
        char* argv[] = {program.data(), serve.data(), nullptr};
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) die("cannot write " + log.string());
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::execve(argv[0], argv, envp.data());
            ::_exit(127);
        }
        ::close(fd);
        if (pid_ < 0) die("fork failed");
    }
    ~ApiProcess() {
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    ApiProcess(const ApiProcess&) = delete;
    ApiProcess& operator=(const ApiProcess&) = delete;

    void wait_until_listening(unsigned short port) const {
        const std::string line = "listening on 127.0.0.1:" + std::to_string(port);
        for (int i = 0; i < 400; ++i) {
            std::ifstream in(log_);
            std::stringstream text;
            text << in.rdbuf();
            if (text.str().find(line) != std::string::npos) return;
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_)
                die("ticket-api exited at start:\n" + text.str());
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
        die("ticket-api did not start within 20 s; see " + log_.string());
    }

  private:
    fs::path log_;
    pid_t pid_ = -1;
};

unsigned short free_port() {
    for (unsigned short port = 20000 + static_cast<unsigned short>(::getpid() % 20000);; ++port) {
        const int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool free = ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(s);
        if (free) return port;
    }
}

struct Api {
    std::string base;
    http::Client client;
    json call(http::Method method, const std::string& path, const std::string& token,
              const std::optional<json>& body, int expect) {
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
        if (answer->status != expect)
            die(path + ": expected " + std::to_string(expect) + ", got " +
                std::to_string(answer->status) + " " + answer->body);
        return answer->body.empty() ? json{} : answer->json().value();
    }
    /// The store's commits so far and the writes they carried, from /metrics.
    std::pair<double, double> commit_totals() {
        http::Request r;
        r.method = http::Method::Get;
        r.url = base + "/metrics";
        auto answer = client.send(r);
        if (!answer.ok() || answer->status != 200) die("/metrics did not answer");
        auto read = [&](const std::string& name) {
            std::string line = "\n";
            line += name;
            line += ' ';
            const auto at = answer->body.find(line);
            if (at == std::string::npos) die("/metrics has no " + name);
            return std::atof(answer->body.c_str() + at + name.size() + 2);
        };
        return {read("gate_store_commits_total"), read("gate_store_committed_writes_total")};
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
    std::int64_t create_event(const std::string& token, const std::string& name,
                              std::int64_t capacity, std::int64_t start) {
        return call(http::Method::Post, "/api/v1/events", token,
                    json{{"name", name},
                         {"venue", "Hall"},
                         {"starts_at", start},
                         {"ends_at", start + 4 * 3600 * 1000},
                         {"capacity", capacity},
                         {"tiers", json::array({{{"name", "general"}, {"price_cents", 5000}}})}},
                    201)["id"]
            .get<std::int64_t>();
    }
};

// A Lua string literal (long bracket form cannot hold "]]"; our JSON never does).
std::string lua_text(const std::string& s) {
    if (s.find("]]") != std::string::npos) die("text not expressible as a Lua long string");
    return "[[" + s + "]]";
}

// The wrk script: `method` `path` with `body`, a bearer token taken in turn from `tokens`,
// statuses counted per thread and reported with the latency figures by done().
std::string wrk_script(const std::string& method, const std::string& path,
                       const std::vector<std::string>& tokens, const std::string& body) {
    std::ostringstream lua;
    lua << "local tokens = {";
    for (const auto& t : tokens)
        lua << lua_text(t) << ",";
    lua << "}\n"
        << "local threads = {}\n"
           "function setup(thread) table.insert(threads, thread) end\n"
           "function init(args) statuses = {} n = 0 end\n"
           "function request()\n"
           "  n = n + 1\n"
           "  local headers = {}\n"
        << (body.empty() ? "" : "  headers['Content-Type'] = 'application/json'\n")
        << "  if #tokens > 0 then headers['Authorization'] = 'Bearer ' .. tokens[n % #tokens + "
           "1] end\n"
        << "  return wrk.format(" << lua_text(method) << ", " << lua_text(path) << ", headers, "
        << (body.empty() ? "nil" : lua_text(body)) << ")\n"
        << "end\n"
           "function response(status, headers, body)\n"
           "  statuses[status] = (statuses[status] or 0) + 1\n"
           "end\n"
           "function done(summary, latency, requests)\n"
           "  local total = {}\n"
           "  for _, t in ipairs(threads) do\n"
           "    for status, count in pairs(t:get('statuses')) do\n"
           "      total[status] = (total[status] or 0) + count\n"
           "    end\n"
           "  end\n"
           "  local e = summary.errors\n"
           "  io.write(string.format('RESULT %d %d %d %d %d %d %d %d %d\\n', summary.requests,\n"
           "    summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,\n"
           "    latency.max, e.connect + e.read + e.write, e.timeout, e.status))\n"
           "  for status, count in pairs(total) do\n"
           "    io.write(string.format('STATUS %d %d\\n', status, count))\n"
           "  end\n"
           "end\n";
    return lua.str();
}

struct WrkResult {
    std::int64_t requests = 0, duration_us = 0, p50_us = 0, p99_us = 0, mean_us = 0, max_us = 0;
    std::int64_t socket_errors = 0, timeouts = 0, non_2xx = 0;
    std::map<int, std::int64_t> statuses;
    double per_second() const {
        return duration_us > 0
                   ? static_cast<double>(requests) * 1e6 / static_cast<double>(duration_us)
                   : 0.0;
    }
};

WrkResult run_wrk(const fs::path& dir, const std::string& base, const std::string& name,
                  const std::string& script, int connections, int seconds) {
    const fs::path lua = dir / (name + ".lua");
    std::ofstream(lua) << script;
    const int threads = std::min(2, connections);
    const std::string command = "wrk -t" + std::to_string(threads) + " -c" +
                                std::to_string(connections) + " -d" + std::to_string(seconds) +
                                "s --timeout 5s -s '" + lua.string() + "' '" + base + "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) die("cannot run wrk");
    std::string out;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr)
        out += buffer;
    WrkResult r;
    std::istringstream lines(out);
    std::string line;
    bool found = false;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string tag;
        words >> tag;
        if (tag == "RESULT") {
            words >> r.requests >> r.duration_us >> r.p50_us >> r.p99_us >> r.mean_us >> r.max_us >>
                r.socket_errors >> r.timeouts >> r.non_2xx;
            found = true;
        } else if (tag == "STATUS") {
            int status = 0;
            std::int64_t count = 0;
            words >> status >> count;
            r.statuses[status] = count;
        }
    }
    if (!found) die("wrk gave no result (is wrk installed? scripts/install-deps.sh):\n" + out);
    return r;
}

void print(const std::string& engine, const std::string& name, int connections, const WrkResult& r,
           double writes_per_commit) {
    std::string statuses;
    for (const auto& [status, count] : r.statuses)
        statuses.append(" ")
            .append(std::to_string(status))
            .append(":")
            .append(std::to_string(count));
    std::printf(
        "%-10s %-30s %4d conns %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  mean %7.2f ms  "
        "max %8.2f ms  socket errors %lld  timeouts %lld  writes/commit %.1f  statuses%s\n",
        engine.c_str(), name.c_str(), connections, r.per_second(),
        static_cast<double>(r.p50_us) / 1000.0, static_cast<double>(r.p99_us) / 1000.0,
        static_cast<double>(r.mean_us) / 1000.0, static_cast<double>(r.max_us) / 1000.0,
        static_cast<long long>(r.socket_errors), static_cast<long long>(r.timeouts),
        writes_per_commit, statuses.c_str());
    std::fflush(stdout);
}

// One engine: a fresh database, a ticket-api on it, the data, then each endpoint.
bool bench_engine(const std::string& engine, const Options& o, const fs::path& dir) {
    std::unique_ptr<test::PostgresDatabase> pg;
    std::string url = (dir / (engine + ".db")).string();
    if (engine == "postgresql") {
        pg = std::make_unique<test::PostgresDatabase>();
        url = pg->url();
    }
    const auto organizer = crypto::KeyPair::generate();
    const auto validator = crypto::KeyPair::generate();
    const unsigned short port = free_port();
    std::vector<std::string> env{
        "GATE_SERVER_PORT=" + std::to_string(port), "GATE_DATABASE_URL=" + url,
        "GATE_KEYS_MASTER_KEY_FILE=" + (dir / (engine + ".master-key")).string(),
        "GATE_AUTH_ORGANIZERS=" + organizer.public_key().to_base58(),
        "GATE_AUTH_VALIDATORS=" + validator.public_key().to_base58(),
        // Measure the service, not the limiter.
        "GATE_LIMITS_SIGN_IN_PER_MINUTE=0", "GATE_LIMITS_MINT_PER_MINUTE=0",
        "GATE_LIMITS_VALIDATE_PER_MINUTE=0", "GATE_TICKETS_CODE_VALID_BEFORE_START=48h",
        "GATE_LOG_LEVEL=warn"};
    if (o.handlers > 0) env.push_back("GATE_SERVER_HANDLERS=" + std::to_string(o.handlers));
    env.insert(env.end(), o.extra.begin(), o.extra.end());
    ApiProcess api_process(env, dir / (engine + ".log"));
    api_process.wait_until_listening(port);
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    Api api{base, http::Client()};

    const auto org = api.sign_in(organizer);
    const auto now = SystemClock().now_ms();
    for (int i = 0; i < 48; ++i)
        api.create_event(org, "Listed " + std::to_string(i), 1000, now + 7200 * 1000 + i * 60000);
    const auto door = api.create_event(org, "Door", 1000, now + 3600 * 1000);
    const auto sale = api.create_event(org, "Sale", 100000, now + 3600 * 1000);
    std::vector<std::string> buyers;
    for (int i = 0; i < 16; ++i)
        buyers.push_back(api.sign_in(crypto::KeyPair::generate()));
    const auto ticket = api.call(http::Method::Post, "/api/v1/tickets/mint", buyers[0],
                                 json{{"event_id", door}, {"tier", 0}, {"payment_method", "test"}},
                                 201)["ticket"]["ticket_id"]
                            .get<std::string>();
    const auto code = api.call(http::Method::Get, "/api/v1/tickets/" + ticket + "/code", buyers[0],
                               {}, 200)["code"]
                          .get<std::string>();
    api.call(http::Method::Post, "/api/v1/events/" + std::to_string(door) + "/validators", org,
             json{{"wallet", validator.public_key().to_base58()}}, 201);
    const auto staff = api.sign_in(validator);

    const int c = o.connections, s = o.seconds;
    // One endpoint under wrk, printed with how many writes each commit carried meanwhile.
    auto measure = [&](const std::string& name, const std::string& file,
                       const std::string& script) {
        const auto [commits_before, writes_before] = api.commit_totals();
        const auto result = run_wrk(dir, base, engine + "-" + file, script, c, s);
        const auto [commits_after, writes_after] = api.commit_totals();
        const double commits = commits_after - commits_before;
        print(engine, name, c, result, commits > 0 ? (writes_after - writes_before) / commits : 0);
        return result;
    };
    measure("GET /api/v1/events (50)", "list",
            wrk_script("GET", "/api/v1/events?limit=50", {}, ""));
    // Every validation parses the code, verifies its signature and commits its audit
    // record; after the first the answer is entry.already_inside.
    measure("POST /api/v1/validate", "validate",
            wrk_script("POST", "/api/v1/validate", {staff},
                       json{{"code", code}, {"gate", "bench"}, {"event_id", door}}.dump()));
    const auto mint = measure(
        "POST /api/v1/tickets/mint", "mint",
        wrk_script("POST", "/api/v1/tickets/mint", buyers,
                   json{{"event_id", sale}, {"tier", 0}, {"payment_method", "test"}}.dump()));

    // Oversell: many buyers at once for few seats (about half a run's worth at the rate just
    // measured, so that it sells out on any machine). Every seat sold once, none beyond.
    const std::int64_t seats =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(mint.per_second()) * s / 2, 20, 2000);
    const auto small = api.create_event(org, "Small", seats, now + 3600 * 1000);
    const auto rush = measure(
        "POST mint, " + std::to_string(seats) + " seats", "rush",
        wrk_script("POST", "/api/v1/tickets/mint", buyers,
                   json{{"event_id", small}, {"tier", 0}, {"payment_method", "test"}}.dump()));
    const auto sold =
        api.call(http::Method::Get, "/api/v1/events/" + std::to_string(small) + "/stats", org, {},
                 200)["sold"]
            .get<std::int64_t>();
    const auto created = rush.statuses.count(201) ? rush.statuses.at(201) : 0;
    // wrk stops counting at the deadline: a sale in flight then is stored but not counted.
    const bool ok = sold == seats && created <= sold && created + c >= sold;
    std::printf("%-10s oversell check: %lld seats, %lld sold, %lld answered 201: %s\n",
                engine.c_str(), static_cast<long long>(seats), static_cast<long long>(sold),
                static_cast<long long>(created), ok ? "ok" : "FAILED");
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    if (std::system("command -v wrk >/dev/null 2>&1") != 0)
        die("wrk is not installed (scripts/install-deps.sh installs it)");
    // A server this program starts for itself is durable, like the SQLite file.
    ::setenv("GATE_PG_FSYNC", "on", 0);
    if (std::getenv("GATE_TEST_DATABASE") == nullptr)
        ::setenv("GATE_TEST_DATABASE", "postgresql", 1);
    char pattern[] = "/tmp/gate-load-bench-XXXXXX";
    if (!::mkdtemp(pattern)) die("cannot create a temporary folder");
    const fs::path dir = pattern;
    std::printf("ticket-api on loopback, 2 server threads, wrk -t2 -c%d -d%ds per endpoint%s\n",
                o.connections, o.seconds, o.quick ? " (quick)" : "");
    bool ok = true;
    try {
        for (const auto& engine : o.engines)
            ok = bench_engine(engine, o, dir) && ok;
    } catch (const std::exception& e) {
        die(e.what());
    }
    fs::remove_all(dir);
    return ok ? 0 : 1;
}
