// gate-demo: the whole gate flow with the real programs, told step by step. It starts
// ticket-api, signs wallets in, sells tickets, provisions a gate-scanner, changes tickets in
// the backend, syncs the device with gate-syncd, scans real QR images and pushes the entries
// back, then reads the organizer's statistics. Every step checks what it shows, so the demo
// doubles as a test (CTest: e2e.demo.gate_flow): any surprise ends it with exit code 1.
//
// Read it top to bottom: main() at the end lists the steps in order.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "BackendApi.h"
#include "DemoFailure.h"
#include "Process.h"
#include "gate/Clock.h"
#include "gate/codec/Base45.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Png.h"
#include "gate/qr/Render.h"
#include "gate/solana/ProgramAddress.h"
#include "gate/solana/RpcClient.h"
#include "gate/solana/TicketNft.h"
#include "gate/solana/TokenState.h"
#include "gate/ticket/RotatingCode.h"
#include "gate/ticket/TicketCode.h"

namespace gate::demo {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr const char* kGate = "north-1";
int g_steps = 8;  // 9 with the local chain

// ---------------------------------------------------------------------------------------
// What the demo works with: where its files go, the programs, the people and what they own.

struct Files {
    fs::path out;
    fs::path qr() const { return out / "qr"; }
    fs::path logs() const { return out / "logs"; }
    fs::path api_db() const { return out / "ticket-api.db"; }
    fs::path master_key() const { return out / "ticket-api.master-key"; }
    fs::path device_db() const { return out / "device.db"; }
    fs::path device_key() const { return out / "device-key.json"; }
    fs::path device_token() const { return out / "device.token"; }
    fs::path chain_payer() const { return out / "chain-payer.json"; }
    fs::path log(const std::string& name) const { return logs() / name; }
};

/// One QR image of the scan and the verdict it must get.
struct Sample {
    std::string file;
    std::string story;
    bool accepted = false;
    std::string reason;
};

struct Demo {
    Files files;
    std::unique_ptr<Process> backend;
    std::unique_ptr<BackendApi> api;
    unsigned short port = 0;

    Wallet organizer{"organizer"}, alice{"alice"}, bob{"bob"}, carol{"carol"}, dave{"dave"},
        erin{"erin"};
    std::int64_t event = 0;        // the event the gate serves
    std::int64_t other_event = 0;  // another event, for the wrong-event ticket
    std::string alice_ticket, bob_ticket, carol_ticket, erin_ticket, alice_other_ticket;
    // Erin's phone: the key it made and the pass the backend bound to it (rotating code).
    crypto::KeyPair erin_phone = crypto::KeyPair::generate();
    ticket::PassBytes erin_pass{};
    std::int64_t device_id = 0;
    std::vector<Sample> samples;
    // The local Solana chain (tests/chain/server.mjs) when the demo runs one: its process
    // and JSON-RPC URL. Empty: the backend runs without a chain.
    bool chain_wanted = false;
    std::unique_ptr<Process> chain;
    std::string chain_rpc_url;
    int run_count = 0;  // numbers the logs of the short-lived programs
};

// ---------------------------------------------------------------------------------------
// Small helpers for the story's output.

void step(int n, const std::string& title) {
    std::cout << "\n[" << n << "/" << g_steps << "] " << title << "\n";
}

void say(const std::string& line) {
    std::cout << "  " << line << "\n";
}

void check(bool ok, const std::string& what) {
    if (!ok) throw DemoFailure(what);
}

/// `text` followed by spaces up to `width` characters.
std::string pad(const std::string& text, std::size_t width) {
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

/// The first and last characters of a long token, enough to recognise it.
std::string shorten(const std::string& text, std::size_t keep = 24) {
    if (text.size() <= 2 * keep) return text;
    return text.substr(0, keep) + "..." + text.substr(text.size() - 8);
}

std::string cents(std::int64_t c) {
    std::ostringstream s;
    s << c / 100 << "." << std::setw(2) << std::setfill('0') << c % 100;
    return s.str();
}

/// Microseconds as milliseconds with two decimals: "0.14 ms".
std::string millis(std::int64_t us) {
    std::ostringstream s;
    s << us / 1000 << "." << std::setw(2) << std::setfill('0') << us % 1000 / 10 << " ms";
    return s.str();
}

std::int64_t now_ms() {
    return gate::system_clock().now_ms();
}

/// A loopback port nothing listens on right now (the kernel picks it).
unsigned short free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "cannot create a socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    sockaddr* generic = reinterpret_cast<sockaddr*>(&address);
    const bool ok = ::bind(fd, generic, size) == 0 && ::getsockname(fd, generic, &size) == 0;
    ::close(fd);
    check(ok, "cannot find a free loopback port");
    return ntohs(address.sin_port);
}

/// Runs one of the device programs to completion, echoing the command and its output.
int run_program(Demo& demo, std::vector<std::string> argv, const std::vector<std::string>& env,
                bool echo_stdout, std::string* stdout_text = nullptr) {
    // Log names in run order with the command: 1-gate-scanner-provision.out, ...
    std::string tag =
        std::to_string(++demo.run_count) + "-" + fs::path(argv[0]).filename().string();
    for (const auto& a : argv)
        if (a == "provision" || a == "scan" || a == "run") tag += "-" + a;
    std::string shown = "$ " + fs::path(argv[0]).filename().string();
    for (std::size_t i = 1; i < argv.size(); ++i)
        shown += " " + shorten(argv[i], 20);
    say(shown);
    Process p(std::move(argv), env, demo.files.log(tag + ".out"), demo.files.log(tag + ".err"));
    const int code = p.wait(120s);
    if (code < 0) {
        p.stop(5s);
        throw DemoFailure(p.name() + " did not finish within 2 minutes (log: " +
                          demo.files.log(tag + ".err").string() + ")");
    }
    const auto out = p.stdout_text();
    if (echo_stdout) {
        std::istringstream lines(out);
        for (std::string line; std::getline(lines, line);)
            say("    " + line);
    }
    if (stdout_text) *stdout_text = out;
    if (code != 0) std::cout << "    (exit " << code << "; stderr: " << p.stderr_text() << ")\n";
    return code;
}

std::vector<std::string> syncd_env(const Demo& demo) {
    return {"GATE_DEVICE_DATABASE=" + demo.files.device_db().string(),
            "GATE_DEVICE_TOKEN_FILE=" + demo.files.device_token().string(),
            "GATE_DEVICE_KEY_FILE=" + demo.files.device_key().string(), "GATE_LOG_LEVEL=warn"};
}

/// `gate-syncd run --once`: one sync cycle (push the queue, pull cache changes).
void sync_once(Demo& demo) {
    const int code = run_program(demo, {GATE_DEMO_SYNCD, "run", "--once"}, syncd_env(demo), true);
    check(code == 0, "gate-syncd run --once failed with exit code " + std::to_string(code));
}

device::DeviceDatabase open_device(const Demo& demo) {
    auto store = device::DeviceDatabase::open(demo.files.device_db());
    check(store.ok(), "cannot open " + demo.files.device_db().string());
    return std::move(store).value();
}

/// The device's queue: scans recorded but not yet accepted by the backend.
void print_queue(const Demo& demo, const std::string& when) {
    auto store = open_device(demo);
    auto pending = store.scans().pending_scans(1000);
    check(pending.ok(), "cannot read the scan queue");
    say("queue " + when + ": " + std::to_string(pending->size()) + " scans waiting to sync");
    for (const auto& s : *pending)
        say("    nonce " + shorten(s.nonce, 6) + "  ticket " +
            pad(s.ticket_id ? domain::ticket_id_to_string(*s.ticket_id) : std::string("-"), 6) +
            pad(std::string(domain::to_string(s.verdict)), 10) + s.reason);
}

/// Writes a QR image and reads it back as the scanner will, returning the code it holds.
ticket::ParsedCode save_qr(const Demo& demo, const std::string& file, const std::string& png) {
    const fs::path path = demo.files.qr() / file;
    {
        std::ofstream out(path, std::ios::binary);
        out << png;
        check(out.good(), "cannot write " + path.string());
    }
    auto image = qr::load_image(path);
    check(image.ok(), path.string() + " is not a readable image");
    auto found = qr::decode(image->view());
    check(found.ok() && found->size() == 1, path.string() + " holds no QR code");
    auto code = ticket::parse(found->front().text);
    check(code.ok(), path.string() + " holds no ticket code");
    return std::move(code).value();
}

/// The owner's QR image of a ticket, as the wallet app shows it.
ticket::ParsedCode fetch_qr(Demo& demo, const Wallet& owner, const std::string& ticket,
                            const std::string& file) {
    const auto png = demo.api->call(http::Method::Get, "/api/v1/tickets/" + ticket + "/qr.png",
                                    owner.token, std::nullopt, 200);
    return save_qr(demo, file, png);
}

// ---------------------------------------------------------------------------------------
// The local Solana chain (when the demo runs one): each ticket is a Token-2022 NFT.

namespace token2022 = solana::token2022;
namespace nft = solana::ticket_nft;

/// True when the local chain can run here: Node found at build time and tests/chain's
/// npm packages installed (scripts/demo.sh installs them; LiteSVM ships for x86-64).
bool chain_installed() {
    const std::string node = GATE_DEMO_NODE;
    return !node.empty() && fs::exists(fs::path(GATE_DEMO_CHAIN_DIR) / "node_modules" / "litesvm");
}

void start_chain(Demo& demo) {
    demo.chain = std::make_unique<Process>(
        std::vector<std::string>{GATE_DEMO_NODE, std::string(GATE_DEMO_CHAIN_DIR) + "/server.mjs",
                                 "0"},
        std::vector<std::string>{}, demo.files.log("local-chain.out"),
        demo.files.log("local-chain.err"));
    check(demo.chain->wait_for_stdout("PORT ", 60s),
          "the local chain did not start: " + demo.chain->stderr_text());
    const auto text = demo.chain->stdout_text();
    demo.chain_rpc_url =
        "http://127.0.0.1:" + std::to_string(std::stoi(text.substr(text.find("PORT ") + 5)));
    say("local Solana chain on " + demo.chain_rpc_url +
        " (tests/chain/server.mjs: JSON-RPC over LiteSVM, the real runtime with Token-2022)");
}

/// The ticket's `chain` block from its owner's ticket list, once the backend's chain
/// reconciler has brought the chain to `state` (pending -> issued; frozen on revocation).
json wait_chain_state(Demo& demo, const Wallet& owner, const std::string& ticket,
                      const std::string& state) {
    json last, list;
    const auto until = std::chrono::steady_clock::now() + 90s;
    while (std::chrono::steady_clock::now() < until) {
        list = demo.api->get("/api/v1/tickets/my", owner.token);
        for (const auto& t : list["tickets"])
            if (t["ticket_id"] == ticket) last = t.value("chain", json());
        if (last.is_object() && last["state"] == state && last["in_sync"] == true) return last;
        std::this_thread::sleep_for(100ms);
    }
    throw DemoFailure("ticket " + ticket + " did not reach chain state '" + state +
                      "' in time; the backend says " + (last.is_null() ? list : last).dump());
}

/// What the chain itself holds for a ticket NFT: the mint with its metadata, and the
/// holder's token account.
struct NftState {
    token2022::Mint mint;
    token2022::TokenAccount account;
};

NftState read_nft(const Demo& demo, const std::string& mint_address, const Wallet& holder) {
    solana::RpcClient rpc(solana::RpcOptions{demo.chain_rpc_url, "confirmed", {}});
    const auto mint = solana::pubkey(mint_address);
    NftState out;
    auto info = rpc.get_account_info(mint);
    check(info.ok() && info->has_value(), "mint " + mint_address + " is not on the chain");
    auto parsed = token2022::parse_mint((*info)->data);
    check(parsed.ok() && parsed->metadata.has_value(), "mint " + mint_address + " has no metadata");
    out.mint = std::move(parsed).value();
    auto account =
        rpc.get_account_info(solana::associated_token_address(holder.key.public_key(), mint));
    check(account.ok() && account->has_value(),
          holder.name + " has no account for " + mint_address);
    auto token = token2022::parse_token_account((*account)->data);
    check(token.ok(), "unreadable token account of " + holder.name);
    out.account = std::move(token).value();
    return out;
}

std::string field(const NftState& nft_state, const char* key) {
    return nft_state.mint.metadata->get(key).value_or("-");
}

/// One line per NFT: mint, holder account, and the metadata a check-in changes.
void say_nft(const std::string& ticket, const std::string& mint, const Wallet& holder,
             const NftState& n) {
    std::string line = "ticket " + pad(ticket, 3) + " mint " + shorten(mint, 6) + "  " +
                       pad(holder.name, 6) + "holds " + std::to_string(n.account.amount) +
                       (n.account.state == token2022::AccountState::Frozen ? " (FROZEN)" : "") +
                       "  status=" + field(n, nft::kStatusField);
    if (field(n, nft::kGateField) != "-")
        line += " gate=" + field(n, nft::kGateField) + " at=" + field(n, nft::kAtField);
    say(line);
}

/// After the sale: each ticket of the gate's event is an NFT held by its buyer.
void show_minted(Demo& demo) {
    say("the backend's chain reconciler mints each ticket as a Token-2022 NFT (supply 1,");
    say("  metadata event/tier/status, mint authority revoked) in the buyer's token account:");
    for (auto [owner, ticket] :
         {std::pair{&demo.alice, demo.alice_ticket}, std::pair{&demo.bob, demo.bob_ticket},
          std::pair{&demo.carol, demo.carol_ticket}}) {
        const auto chain = wait_chain_state(demo, *owner, ticket, "issued");
        const auto mint = chain["mint"].get<std::string>();
        const auto n = read_nft(demo, mint, *owner);
        check(n.mint.supply == 1 && !n.mint.mint_authority && n.account.amount == 1 &&
                  field(n, nft::kStatusField) == nft::kStatusValid,
              "ticket " + ticket + "'s NFT is not as minted");
        say_nft(ticket, mint, *owner, n);
    }
}

/// The tickets admitted at the gate, as the chain shows them now.
void show_admitted_on_chain(Demo& demo, const std::string& when, const std::string& expected) {
    say("on chain " + when + ":");
    for (auto [holder, ticket] :
         {std::pair{&demo.alice, demo.alice_ticket}, std::pair{&demo.dave, demo.carol_ticket}}) {
        const auto chain = wait_chain_state(demo, *holder, ticket, "issued");
        const auto mint = chain["mint"].get<std::string>();
        const auto n = read_nft(demo, mint, *holder);
        say_nft(ticket, mint, *holder, n);
        check(chain["holder"] == holder->address() && n.account.amount == 1,
              "ticket " + ticket + "'s NFT should be " + holder->name + "'s");
        check(field(n, nft::kStatusField) == expected,
              "ticket " + ticket + "'s on-chain status should be " + expected);
        if (expected == nft::kStatusUsed)
            check(field(n, nft::kGateField) == kGate,
                  "the check-in should name gate " + std::string(kGate));
    }
}

void show_chain_after(Demo& demo) {
    step(7, "The tickets on chain after gate-syncd recorded the check-ins");
    say("gate-syncd signed one transaction with the event's validator key (delivered to the");
    say("  device sealed to its own key) holding a metadata update per admitted ticket:");
    show_admitted_on_chain(demo, "after the sync", nft::kStatusUsed);
    const auto revoked = wait_chain_state(demo, demo.bob, demo.bob_ticket, "frozen");
    const auto n = read_nft(demo, revoked["mint"].get<std::string>(), demo.bob);
    say_nft(demo.bob_ticket, revoked["mint"].get<std::string>(), demo.bob, n);
    check(n.account.state == token2022::AccountState::Frozen,
          "the revoked ticket's token account should be frozen");
    check(field(n, nft::kStatusField) == "revoked",
          "the revoked ticket's on-chain status should say revoked, as its metadata JSON does");
    say("bob's revoked ticket: his token account is frozen (the event authority froze it) and");
    say("  its status says revoked, as its metadata JSON does (the backend wrote it)");
    say("carol's ticket " + demo.carol_ticket + " moved to dave's token account with the transfer");
}

// ---------------------------------------------------------------------------------------
// The steps.

/// A fresh output directory: only what an earlier run of this demo made is removed.
void prepare(Demo& demo) {
    const Files& f = demo.files;
    std::error_code ec;
    for (const fs::path& p : {f.qr(), f.logs()})
        fs::remove_all(p, ec);
    for (const fs::path& p : {f.api_db(), f.device_db()})
        for (const char* suffix : {"", "-wal", "-shm"})
            fs::remove(p.string() + suffix, ec);
    for (const fs::path& p : {f.master_key(), f.device_key(), f.device_token(), f.chain_payer()})
        fs::remove(p, ec);
    fs::create_directories(f.qr());
    fs::create_directories(f.logs());
    std::cout << "gate-demo: the gate flow end to end, with the real programs\n"
              << "  ticket-api (the backend), gate-scanner (the handheld) and gate-syncd (its\n"
              << "  sync daemon) as separate processes; files in " << f.out.string() << "/\n";
}

void start_backend(Demo& demo) {
    step(1, demo.chain_wanted ? "Start a local Solana chain and the backend (ticket-api on SQLite)"
                              : "Start the backend: ticket-api on SQLite, on a free loopback port");
    if (demo.chain_wanted) start_chain(demo);
    // Another program may take the free port before ticket-api binds it: then try another.
    for (int attempt = 1; !demo.api; ++attempt) {
        demo.port = free_port();
        const std::string base = "http://127.0.0.1:" + std::to_string(demo.port);
        // Embedded defaults, plus what a demo must choose: where the files go, which wallet
        // is an organizer, and no purchase rate limit to trip over.
        std::vector<std::string> settings{
            "GATE_SERVER_ADDRESS=127.0.0.1",
            "GATE_SERVER_PORT=" + std::to_string(demo.port),
            "GATE_DATABASE_PATH=" + demo.files.api_db().string(),
            "GATE_KEYS_MASTER_KEY_FILE=" + demo.files.master_key().string(),
            "GATE_AUTH_ORGANIZERS=" + demo.organizer.address(),
            "GATE_PUBLIC_BASE_URL=" + base,
            "GATE_LIMITS_MINT_PER_MINUTE=0"};
        if (!demo.chain_rpc_url.empty()) {
            // The fee payer's key file is made on first start; a local chain funds it by
            // airdrop. The reconciler looks for work every 200 ms.
            settings.push_back("GATE_CHAIN_RPC_URL=" + demo.chain_rpc_url);
            settings.push_back("GATE_CHAIN_PAYER_KEY_FILE=" + demo.files.chain_payer().string());
            settings.push_back("GATE_CHAIN_AIRDROP_LAMPORTS=100000000000");
            settings.push_back("GATE_CHAIN_SYNC_INTERVAL=200ms");
        }
        demo.backend = std::make_unique<Process>(std::vector<std::string>{GATE_DEMO_TICKET_API},
                                                 settings, demo.files.log("ticket-api.out"),
                                                 demo.files.log("ticket-api.log"));
        if (demo.backend->wait_for_stdout("listening on", 30s)) {
            demo.api = std::make_unique<BackendApi>(base);
        } else if (attempt == 3) {
            demo.backend->stop(5s);
            throw DemoFailure("ticket-api did not start: " + demo.backend->stderr_text());
        }
    }
    const auto health = demo.api->get("/api/v1/health", {});
    say("ticket-api listening on " + demo.api->base_url() +
        " (health: " + health["status"].get<std::string>() + ")");
    say("database " + demo.files.api_db().string() + ", log " +
        demo.files.log("ticket-api.log").string());
}

void sell_tickets(Demo& demo) {
    step(2, "Wallets sign in, the organizer creates events, holders buy tickets");
    auto& api = *demo.api;
    api.sign_in(demo.organizer);
    const auto me = api.get("/api/v1/auth/me", demo.organizer.token);
    say("organizer wallet " + shorten(demo.organizer.address(), 8) +
        " signs in: a nonce from POST /api/v1/auth/nonce,");
    say("  the message signed with the wallet's Ed25519 key, POST /api/v1/auth/sign-in -> role " +
        me["role"].get<std::string>());
    check(me["role"] == "organizer", "the organizer wallet did not get the organizer role");

    // Starting within the hour: ticket codes are valid from 12 h before the start.
    const auto start = now_ms() + kHourMs;
    const auto event = api.post("/api/v1/events",
                                {{"name", "Harbour Lights"},
                                 {"venue", "Pier 4"},
                                 {"starts_at", start},
                                 {"ends_at", start + 5 * kHourMs},
                                 {"capacity", 500},
                                 {"tiers",
                                  {{{"name", "general"}, {"price_cents", 4500}},
                                   {{"name", "vip"}, {"price_cents", 12000}, {"limit", 50}}}}},
                                demo.organizer.token);
    demo.event = event["id"].get<std::int64_t>();
    std::string tiers;
    for (const auto& t : event["tiers"])
        tiers +=
            " " + t["name"].get<std::string>() + " " + cents(t["price_cents"].get<std::int64_t>());
    say("event " + std::to_string(demo.event) + " \"Harbour Lights\" at Pier 4, starts in 1 h, " +
        "capacity 500, tiers:" + tiers);
    const auto other = api.post("/api/v1/events",
                                {{"name", "Autumn Jazz"},
                                 {"venue", "Old Mill"},
                                 {"starts_at", start},
                                 {"ends_at", start + 3 * kHourMs},
                                 {"capacity", 100},
                                 {"tiers", {{{"name", "general"}, {"price_cents", 3000}}}}},
                                demo.organizer.token);
    demo.other_event = other["id"].get<std::int64_t>();
    say("event " + std::to_string(demo.other_event) +
        " \"Autumn Jazz\" at Old Mill (another event: each event signs with its own issuer key)");

    auto buy = [&](Wallet& w, std::int64_t event_id, const std::string& tier) {
        const auto sold =
            api.post("/api/v1/tickets/mint",
                     {{"event_id", event_id}, {"tier", tier}, {"payment_method", "test"}}, w.token);
        const auto id = sold["ticket"]["ticket_id"].get<std::string>();
        say(pad(w.name, 8) + "bought ticket " + id + " (event " + std::to_string(event_id) + ", " +
            tier + ", paid " + cents(sold["payment"]["amount_cents"].get<std::int64_t>()) +
            " by the test payment method)");
        return id;
    };
    for (Wallet* w : {&demo.alice, &demo.bob, &demo.carol, &demo.erin})
        api.sign_in(*w);
    say("alice, bob, carol and erin sign in the same way (role holder) and buy tickets:");
    demo.alice_ticket = buy(demo.alice, demo.event, "general");
    demo.bob_ticket = buy(demo.bob, demo.event, "vip");
    demo.carol_ticket = buy(demo.carol, demo.event, "general");
    demo.erin_ticket = buy(demo.erin, demo.event, "general");
    demo.alice_other_ticket = buy(demo.alice, demo.other_event, "general");
    if (demo.chain) show_minted(demo);
}

void provision_scanner(Demo& demo) {
    step(3, "Set up the handheld: setup code, gate-scanner provision, first sync");
    const auto setup =
        demo.api->post("/api/v1/devices/setup-codes", {{"event_id", demo.event}, {"gate", kGate}},
                       demo.organizer.token);
    const auto code = setup["setup_code"].get<std::string>();
    say("the organizer asks for a setup code for event " + std::to_string(demo.event) + ", gate " +
        kGate + " (single use, shown as a QR or text):");
    say("    " + code);
    std::string out;
    const int provisioned =
        run_program(demo,
                    {GATE_DEMO_SCANNER, "--db", demo.files.device_db().string(), "provision", code,
                     "--key-file", demo.files.device_key().string(), "--token-file",
                     demo.files.device_token().string(), "--name", "north-1-a"},
                    {}, true, &out);
    check(provisioned == 0, "gate-scanner provision failed");
    auto status = open_device(demo).sync().sync_status();
    check(status.ok() && status->device_id > 0, "the device has no id after provisioning");
    demo.device_id = status->device_id;
    say("device id " + std::to_string(demo.device_id) +
        ": the scanner registered its own Ed25519 key with the one-time token");
    // gate-syncd runs beside the scanner on the same SQLite file; here one cycle at a time.
    sync_once(demo);
    auto store = open_device(demo);
    const auto tickets = store.cache().ticket_count();
    check(tickets.ok() && *tickets == 4,
          "the device should cache the 4 tickets of event " + std::to_string(demo.event));
    say("nothing to push yet; the device caches " + std::to_string(*tickets) +
        " tickets of event " + std::to_string(demo.event) + " and the event's issuer key:");
    say("from here on it decides every scan offline, from its own SQLite file");
}

void prepare_codes(Demo& demo) {
    step(4, "The QR codes people bring, and what changes in the backend meanwhile");
    say("images in " + demo.files.qr().string() + "/, each read back with the QR decoder:");
    // What people already hold on their phones, from the backend's QR endpoint.
    const auto valid = fetch_qr(demo, demo.alice, demo.alice_ticket, "01-valid.png");
    fs::copy_file(demo.files.qr() / "01-valid.png", demo.files.qr() / "02-valid-again.png");
    fetch_qr(demo, demo.bob, demo.bob_ticket, "04-revoked.png");
    fetch_qr(demo, demo.alice, demo.alice_other_ticket, "05-wrong-event.png");
    const auto old_code = fetch_qr(demo, demo.carol, demo.carol_ticket, "06-transferred-old.png");

    // A forger copies the layout of a genuine code, names the event's real issuer key and
    // signs a VIP ticket with a key of their own, which the backend never issued.
    ticket::TicketClaims forged = valid.claims;
    forged.ticket_id += 1000;
    forged.tier = 1;
    const auto forger = crypto::KeyPair::generate();
    const auto payload = ticket::encode_payload(forged, valid.key_id);
    const auto signature = forger.sign(ticket::signing_input(payload));
    Bytes raw(payload.begin(), payload.end());
    raw.insert(raw.end(), signature.bytes.begin(), signature.bytes.end());
    auto rendered = qr::render(std::string(ticket::kPrefix) + codec::base45_encode(raw));
    check(rendered.ok(), "cannot render the forged code");
    check(qr::write_png(rendered->image, demo.files.qr() / "03-forged.png").ok(),
          "cannot write 03-forged.png");

    // In the backend, after the device was provisioned: a refund and a resale.
    demo.api->post("/api/v1/tickets/" + demo.bob_ticket + "/status", {{"status", "revoked"}},
                   demo.organizer.token, 200);
    demo.api->sign_in(demo.dave);
    const auto moved = demo.api->post("/api/v1/tickets/" + demo.carol_ticket + "/transfer",
                                      {{"to_wallet", demo.dave.address()}}, demo.carol.token, 200);
    check(moved["ticket"]["generation"] == 1, "the transfer did not bump the generation");
    const auto new_code = fetch_qr(demo, demo.dave, demo.carol_ticket, "07-transferred-new.png");
    check(new_code.claims.generation == old_code.claims.generation + 1,
          "the new owner's code should carry the next generation");

    // Erin's phone makes a key pair and asks for a pass bound to it: from now on it shows a
    // code that changes every 5 s, signed by that key, and works with no network.
    const auto pass = demo.api->post("/api/v1/tickets/" + demo.erin_ticket + "/pass",
                                     {{"holder_key", demo.erin_phone.public_key().to_base58()}},
                                     demo.erin.token, 201);
    const auto pass_bytes = ticket::pass_from_text(pass["pass"].get<std::string>());
    check(pass_bytes.has_value(), "the backend's pass does not read as a pass");
    demo.erin_pass = *pass_bytes;
    // Someone photographed erin's screen 30 s ago and shows that picture at the gate.
    const auto screenshot =
        ticket::rotating_code(demo.erin_pass, ticket::step_at(now_ms() - 30'000), demo.erin_phone);
    auto shot = qr::render(screenshot);
    check(shot.ok() && qr::write_png(shot->image, demo.files.qr() / "09-phone-screenshot.png").ok(),
          "cannot write 09-phone-screenshot.png");

    const std::string a = demo.alice_ticket, b = demo.bob_ticket, c = demo.carol_ticket,
                      e = demo.erin_ticket;
    demo.samples = {
        {"01-valid.png", "alice's ticket " + a + " (GET /api/v1/tickets/" + a + "/qr.png)", true,
         "ok"},
        {"02-valid-again.png", "the same image shown a second time", false, "entry.already_inside"},
        {"03-forged.png", "a VIP ticket signed with a forger's key under the real key id", false,
         "signature.invalid"},
        {"04-revoked.png", "bob's ticket " + b + ", revoked by the organizer (refund)", false,
         "ticket.revoked"},
        {"05-wrong-event.png",
         "alice's genuine ticket " + demo.alice_other_ticket + " for event " +
             std::to_string(demo.other_event),
         false, "signature.unknown_key"},
        {"06-transferred-old.png", "carol's code for ticket " + c + " from before she sold it",
         false, "ticket.superseded"},
        {"07-transferred-new.png", "dave's code for ticket " + c + " after the transfer", true,
         "ok"},
        {"08-phone-live.png", "erin's phone, ticket " + e + ": its rotating code right now", true,
         "ok"},
        {"09-phone-screenshot.png", "a photo of erin's screen taken 30 s earlier", false,
         "code.stale"},
    };
    for (const auto& s : demo.samples)
        say("    " + pad(s.file, 24) + s.story);
    say("backend: POST /api/v1/tickets/" + b + "/status {\"status\":\"revoked\"} by the organizer");
    say("backend: POST /api/v1/tickets/" + c + "/transfer to dave's wallet: generation " +
        std::to_string(old_code.claims.generation) + " -> " +
        std::to_string(new_code.claims.generation) + ", carol's code retired");

    say("backend: POST /api/v1/tickets/" + e + "/pass by erin's phone: binding " +
        std::to_string(pass["binding"].get<std::int64_t>()) + ", pass valid for 72 h (" +
        std::to_string(ticket::kRotatingCodeLength) + "-character code, QR version " +
        std::to_string(shot->version) + "-M)");
    // The device learns these changes only through gate-syncd, before anyone reaches the gate.
    sync_once(demo);
    auto store = open_device(demo);
    const auto revoked = store.cache().ticket_state(domain::ticket_id_from_string(b).value());
    const auto resold = store.cache().ticket_state(domain::ticket_id_from_string(c).value());
    check(
        revoked.ok() && revoked->ticket && revoked->ticket->status == domain::TicketStatus::Revoked,
        "the device did not learn that ticket " + b + " was revoked");
    check(resold.ok() && resold->ticket && resold->ticket->generation == 1,
          "the device did not learn that ticket " + c + " was transferred");
    const auto bound = store.cache().ticket_state(domain::ticket_id_from_string(e).value());
    check(bound.ok() && bound->ticket && bound->ticket->binding == 1,
          "the device did not learn ticket " + e + "'s pass binding");
    say("device cache now: ticket " + b + " revoked, ticket " + c + " at generation 1, ticket " +
        e + " bound to erin's phone");
}

void scan_codes(Demo& demo) {
    step(5, "Scan the images at the gate (offline decisions, each committed before it shows)");
    // Erin holds up her phone: the code it shows at this moment.
    auto live = qr::render(
        ticket::rotating_code(demo.erin_pass, ticket::step_at(now_ms()), demo.erin_phone));
    check(live.ok() && qr::write_png(live->image, demo.files.qr() / "08-phone-live.png").ok(),
          "cannot write 08-phone-live.png");
    // Hold-off 0: each file is a separate showing, so the repeated image counts again.
    std::string out;
    const int code =
        run_program(demo,
                    {GATE_DEMO_SCANNER, "--db", demo.files.device_db().string(), "scan", "--source",
                     "dir:" + demo.files.qr().string(), "--json", "--hold-off-ms", "0"},
                    {}, false, &out);
    check(code == 0, "gate-scanner scan failed");
    std::map<std::string, json> verdicts;  // by file name
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        const auto v = json::parse(line, nullptr, false);
        if (v.is_object() && v.contains("source")) verdicts[v["source"].get<std::string>()] = v;
    }
    std::cout << "\n  " << std::left << std::setw(24) << "file" << std::setw(8) << "verdict"
              << std::setw(24) << "reason"
              << "decision + durable commit (fsync)\n";
    int wrong = 0, admitted = 0;
    for (const auto& s : demo.samples) {
        const auto found = verdicts.find(s.file);
        std::string verdict = "(none)", reason = "-", timing;
        if (found != verdicts.end()) {
            const auto& v = found->second;
            verdict = v["verdict"] == "accepted" ? "ACCEPT" : "REJECT";
            reason = v.value("reason", "");
            timing = millis(v.value("decide_us", 0)) + " + " + millis(v.value("commit_us", 0));
        }
        const std::string expected = (s.accepted ? "ACCEPT " : "REJECT ") + s.reason;
        const bool as_expected = verdict + " " + reason == expected;
        if (!as_expected) ++wrong;
        if (verdict == "ACCEPT") ++admitted;
        std::cout << "  " << std::setw(24) << s.file << std::setw(8) << verdict << std::setw(24)
                  << reason << timing << (as_expected ? "" : "   <- expected " + expected) << "\n";
    }
    std::cout << std::right;
    check(wrong == 0, std::to_string(wrong) + " scan(s) did not get the expected verdict");
    say("every verdict as expected: " + std::to_string(admitted) + " admitted, " +
        std::to_string(demo.samples.size() - static_cast<std::size_t>(admitted)) +
        " refused, each recorded in the device database before it was shown");
}

void push_entries(Demo& demo) {
    step(6, "gate-syncd pushes the scans to the backend");
    if (demo.chain) show_admitted_on_chain(demo, "before the sync", nft::kStatusValid);
    print_queue(demo, "before");
    sync_once(demo);
    print_queue(demo, "after");
    auto status = open_device(demo).sync().sync_status();
    check(status.ok() && status->queue_depth == 0, "the queue did not drain");
}

void show_stats(Demo& demo) {
    step(g_steps - 1, "The organizer's statistics for event " + std::to_string(demo.event));
    const auto s = demo.api->get("/api/v1/events/" + std::to_string(demo.event) + "/stats",
                                 demo.organizer.token);
    std::string tiers;
    for (const auto& t : s["tiers"])
        tiers += (tiers.empty() ? "" : ", ") + t["name"].get<std::string>() + " " +
                 std::to_string(t["sold"].get<std::int64_t>());
    say("sold            " + std::to_string(s["sold"].get<std::int64_t>()) + " of " +
        std::to_string(s["capacity"].get<std::int64_t>()) + " (" + tiers + ")");
    say("inside now      " + std::to_string(s["inside_now"].get<std::int64_t>()));
    std::int64_t entries = 0;
    for (const auto& g : s["gates"]) {
        entries += g["entries"].get<std::int64_t>();
        say(pad("gate " + g["gate"].get<std::string>(), 16) +
            std::to_string(g["entries"].get<std::int64_t>()) + " entries");
    }
    say("rejected scans  " + std::to_string(s["rejected_scans"].get<std::int64_t>()) +
        " (refused at the gate, pushed for audit)");
    say("conflicts       " + std::to_string(s["conflicts"].get<std::int64_t>()));
    check(s["sold"] == 4, "expected 4 tickets sold for the event");
    check(s["inside_now"] == 3 && entries == 3,
          "expected 3 people inside, all through " + std::string(kGate));
    check(s["rejected_scans"] == 6, "expected the 6 refused scans in the backend's audit");
    check(s["conflicts"] == 0, "expected no conflicts");
}

void stop_backend(Demo& demo) {
    step(g_steps, "Stop everything");
    const int code = demo.backend->stop(15s);
    check(code == 0,
          "ticket-api did not stop cleanly on SIGTERM (exit " + std::to_string(code) + ")");
    say("ticket-api stopped on SIGTERM (exit 0); gate-scanner and gate-syncd ran once each time");
    if (demo.chain) say("local chain stopped (exit " + std::to_string(demo.chain->stop(5s)) + ")");
    const Files& f = demo.files;
    say("QR images        " + f.qr().string() + "/");
    say("logs             " + f.logs().string() + "/ (every program's stdout and stderr)");
    say("device database  " + f.device_db().string());
    say("  try: " + std::string(GATE_DEMO_SCANNER) + " --db " + f.device_db().string() + " stats");
    say("backend database " + f.api_db().string());
}

}  // namespace
}  // namespace gate::demo

int main(int argc, char** argv) {
    using namespace gate::demo;
    CLI::App app{
        "gate-demo: the whole gate flow with the real ticket-api, gate-scanner and "
        "gate-syncd"};
    std::string out = "build/demo";
    app.add_option("--out", out, "Output directory (files of an earlier run are replaced)")
        ->capture_default_str();
    std::string chain = "auto";
    app.add_option("--chain", chain,
                   "Run a local Solana chain: auto (when tests/chain is installed), on, off")
        ->check(CLI::IsMember({"auto", "on", "off"}))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    Demo demo;
    demo.files.out = std::filesystem::path(out).lexically_normal();
    if (!demo.files.out.has_filename()) demo.files.out = demo.files.out.parent_path();  // "dir/"
    try {
        prepare(demo);
        demo.chain_wanted = chain == "on" || (chain == "auto" && chain_installed());
        if (chain == "on" && !chain_installed())
            throw DemoFailure(
                "--chain on: the local chain is not installed (needs Node and "
                "`npm ci` in tests/chain; scripts/demo.sh does both)");
        if (!demo.chain_wanted)
            std::cout << "  (no local Solana chain: " +
                             std::string(chain == "off" ? "--chain off"
                                                        : "tests/chain is not installed") +
                             "; the tickets stay off chain)\n";
        g_steps = demo.chain_wanted ? 9 : 8;
        start_backend(demo);
        sell_tickets(demo);
        provision_scanner(demo);
        prepare_codes(demo);
        scan_codes(demo);
        push_entries(demo);
        if (demo.chain) show_chain_after(demo);
        show_stats(demo);
        stop_backend(demo);
    } catch (const std::exception& e) {
        std::cout << std::flush;
        std::cerr << "\ngate-demo: FAILED: " << e.what() << "\n"
                  << "  logs: " << demo.files.logs().string() << "/\n";
        return 1;
    }
    std::cout << "\ngate-demo passed: every step did what it says\n";
    return 0;
}
