// The real ticket-api process, SIGKILLed at random moments while its reconciler puts ten
// tickets on chain (and moves some of them), restarted each time: every ticket ends with
// exactly one NFT, held by its owner. A ticket's mint key, once stored, never changes, and
// a mint is only ever created from the stored key, so one mint per ticket is what the
// database shows.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>

#include "ChainBackend.h"
#include "gate/db/Database.h"

using namespace gate;
using namespace gate::test;

namespace {

class ApiProcess {
  public:
    ApiProcess(const TempDir& dir, const std::string& rpc_url, const Wallet& organizer)
        : dir_(dir), rpc_url_(rpc_url), organizer_(organizer), port_(free_port()) {}

    void start() {
        const std::string base = "http://127.0.0.1:" + std::to_string(port_);
        process_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{GATE_TICKET_API},
            std::vector<std::string>{"GATE_SERVER_PORT=" + std::to_string(port_),
                                     "GATE_DATABASE_PATH=" + (dir_ / "api.db").string(),
                                     "GATE_KEYS_MASTER_KEY_FILE=" + (dir_ / "master.key").string(),
                                     "GATE_AUTH_ORGANIZERS=" + organizer_.address(),
                                     "GATE_PUBLIC_BASE_URL=" + base,
                                     "GATE_LIMITS_MINT_PER_MINUTE=0", "GATE_LOG_LEVEL=error",
                                     "GATE_CHAIN_RPC_URL=" + rpc_url_,
                                     "GATE_CHAIN_PAYER_KEY_FILE=" + (dir_ / "payer.json").string(),
                                     "GATE_CHAIN_AIRDROP_LAMPORTS=" + std::to_string(kAirdrop),
                                     "GATE_CHAIN_SYNC_INTERVAL=50ms",
                                     "GATE_CHAIN_MAX_BACKOFF=200ms", "GATE_CHAIN_LEASE_TTL=2s"},
            dir_ / ("api-" + std::to_string(++starts_) + ".log"));
        REQUIRE_MESSAGE(process_->wait_for_output("listening on 127.0.0.1:" + std::to_string(port_),
                                                  std::chrono::seconds{20}),
                        process_->output());
    }
    void kill() {
        process_->signal(SIGKILL);
        CHECK(process_->wait(std::chrono::seconds{10}) == 128 + SIGKILL);
        process_.reset();
    }

    http::Response send(http::Method method, const std::string& path, const std::string& token,
                        const std::optional<json>& body = std::nullopt) {
        http::Request r;
        r.method = method;
        r.url = "http://127.0.0.1:" + std::to_string(port_) + path;
        if (body) {
            r.body = body->dump();
            r.headers.set("Content-Type", "application/json");
        }
        if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
        auto answer = client_.send(r);
        REQUIRE_MESSAGE(answer.ok(), (answer.ok() ? "" : http::to_string(answer.error())));
        return std::move(answer).value();
    }
    json post(const std::string& path, const json& body, const std::string& token, int status) {
        auto r = send(http::Method::Post, path, token, body);
        REQUIRE_MESSAGE(r.status == status, r.body);
        return r.json().value();
    }
    std::string sign_in(const Wallet& w) {
        auto nonce = post("/api/v1/auth/nonce", json{{"wallet", w.address()}}, {}, 201);
        const auto message = nonce["message"].get<std::string>();
        return post("/api/v1/auth/sign-in",
                    json{{"wallet", w.address()},
                         {"nonce", nonce["nonce"]},
                         {"signature", w.key.sign(as_bytes(message)).to_base58()}},
                    {}, 200)["token"]
            .get<std::string>();
    }

  private:
    const TempDir& dir_;
    std::string rpc_url_;
    const Wallet& organizer_;
    unsigned short port_;
    int starts_ = 0;
    std::unique_ptr<ChildProcess> process_;
    http::Client client_;
};

struct ChainRow {
    std::optional<std::string> mint;
    std::string state;
    bool dirty = true;
    std::string owner;
};

/// The chain columns straight from the database file (the process may be dead).
std::map<std::int64_t, ChainRow> read_rows(const std::filesystem::path& db_path) {
    db::OpenOptions options;
    options.read_only = true;
    auto db = db::Database::open(db_path, options);
    REQUIRE(db.ok());
    std::map<std::int64_t, ChainRow> out;
    auto st = db->prepare(
        "SELECT c.ticket_id, c.mint, c.state, c.dirty, t.owner_wallet FROM chain_tickets c JOIN "
        "tickets t ON t.id = c.ticket_id");
    REQUIRE(st.ok());
    for (;;) {
        auto step = st->step();
        REQUIRE(step.ok());
        if (*step == db::Step::Done) break;
        ChainRow row;
        if (auto m = st->column_optional_text(1)) row.mint = std::string(*m);
        row.state = st->column_text(2);
        row.dirty = st->column_int64(3) != 0;
        row.owner = st->column_text(4);
        out[st->column_int64(0)] = row;
    }
    return out;
}

}  // namespace

TEST_CASE("ticket-api killed at random moments while it mints leaves one NFT per ticket") {
    LocalChain chain;
    TempDir dir;
    Wallet organizer, alice, bob;
    ApiProcess api(dir, chain.url(), organizer);
    api.start();
    const auto organizer_token = api.sign_in(organizer);
    const auto start = wall_now_ms() + kHour;
    const auto event =
        api.post("/api/v1/events", one_tier_event("Crash Fest", 100, 100, start, 4 * kHour),
                 organizer_token, 201);
    const auto alice_token = api.sign_in(alice);
    const auto bought = api.post(
        "/api/v1/tickets/batch-mint",
        json{{"event_id", event["id"]}, {"tier", 0}, {"quantity", 10}, {"payment_method", "test"}},
        alice_token, 201);
    std::vector<std::string> ids;
    for (const auto& t : bought["tickets"])
        ids.push_back(t["ticket_id"].get<std::string>());
    REQUIRE(ids.size() == 10);

    const auto seed = std::random_device{}();
    MESSAGE("kill timing seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> wait_ms(10, 400);
    std::map<std::int64_t, std::string> first_mint;
    const auto db_path = dir / "api.db";
    const auto remember_mints = [&] {
        for (const auto& [id, row] : read_rows(db_path)) {
            if (!row.mint) continue;
            auto [it, inserted] = first_mint.emplace(id, *row.mint);
            CHECK_MESSAGE(it->second == *row.mint, "ticket " << id << " got a second mint key");
        }
    };

    constexpr int kRounds = 6;
    for (int round = 0; round < kRounds; ++round) {
        if (round > 0) {
            api.start();
            // Transfers keep arriving while the reconciler works.
            if (round <= 3)
                api.post("/api/v1/tickets/" + ids[static_cast<std::size_t>(round)] + "/transfer",
                         json{{"to_wallet", bob.address()}}, alice_token, 200);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{wait_ms(random)});
        api.kill();
        remember_mints();
        int minted = 0, issued = 0, clean = 0;
        for (const auto& [id, row] : read_rows(db_path)) {
            minted += row.mint ? 1 : 0;
            issued += row.state == "issued" ? 1 : 0;
            clean += row.dirty ? 0 : 1;
        }
        MESSAGE("after kill " << round << ": " << minted << " mint keys, " << issued << " issued, "
                              << clean << " in sync");
    }

    // A last run, left alone until the queue is empty.
    api.start();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{90};
    bool drained = false;
    while (!drained && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds{200});
        drained = true;
        for (const auto& [id, row] : read_rows(db_path))
            drained = drained && !row.dirty;
    }
    api.kill();
    REQUIRE(drained);
    remember_mints();

    const auto rows = read_rows(db_path);
    REQUIRE(rows.size() == 10);
    solana::RpcClient rpc(solana::RpcOptions{chain.url(), "confirmed", {}});
    std::set<std::string> mints;
    int with_bob = 0;
    for (const auto& [id, row] : rows) {
        CAPTURE(id);
        REQUIRE(row.mint);
        CHECK(row.state == "issued");
        mints.insert(*row.mint);
        check_one_nft_held(rpc, *row.mint, row.owner);
        const auto mint = solana::parse_pubkey(*row.mint).value();
        const std::string& other = row.owner == alice.address() ? bob.address() : alice.address();
        if (auto elsewhere = read_holding(rpc, other, mint)) CHECK(elsewhere->amount == 0);
        with_bob += row.owner == bob.address() ? 1 : 0;
    }
    CHECK(mints.size() == 10);
    CHECK(with_bob == 3);
}
