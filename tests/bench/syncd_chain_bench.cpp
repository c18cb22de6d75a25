// gate-syncd's chain recorder (syncd::ChainRecorder) end to end against the local chain
// (tests/chain/server.mjs over LiteSVM): N accepted scans queued in a real device database
// (SQLite, WAL), then rounds until every check-in is confirmed. Prints check-ins per
// second (queue -> confirmed), check-ins per transaction, transaction sizes against the
// 1232-byte limit and the fees the validator paid, with the default settings and with
// max_checkins_per_tx = 1 (and, to show what the wait costs, with a 10 ms poll). Minting
// the ticket NFTs is set-up and not timed. Includes the RPC round trips and the
// recorder's 200 ms poll, not a real cluster's slot times.
//   syncd_chain_bench [--quick]
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "LocalChain.h"
#include "SyncKey.h"
#include "TempDir.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/KeyFile.h"
#include "gate/crypto/Random.h"
#include "gate/crypto/SealedBox.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/solana/RpcClient.h"
#include "gate/solana/TicketNft.h"
#include "gate/solana/TransactionSender.h"
#include "gate/syncd/ChainRecorder.h"

using namespace gate;

namespace {

constexpr std::uint64_t kEventId = 1001;
constexpr const char* kGate = "north-1";  // 7 characters, as in the docs' figure

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "syncd_chain_bench: %s\n", what.c_str());
    std::exit(1);
}

solana::KeyPair seeded(std::uint8_t n) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(n);
    return solana::KeyPair::from_seed(seed);
}

// The chain and the ticket parties (as tests/chain/cpp/ChainTest.h, without doctest).
struct Chain {
    test::LocalChain chain;
    solana::RpcClient rpc{solana::RpcOptions{chain.url(), "confirmed", {}}};
    solana::KeyPair payer = seeded(1);
    solana::KeyPair holder = seeded(2);
    solana::KeyPair authority = seeded(3);
    solana::KeyPair validator = seeded(4);

    Chain() {
        for (const auto* k : {&payer, &validator}) {
            if (!rpc.request_airdrop(k->public_key(), 1'000'000'000'000ULL)) die("airdrop");
        }
    }

    void send(const std::vector<solana::Instruction>& ixs,
              std::vector<const solana::KeyPair*> signers) {
        solana::TransactionSender sender(rpc);
        auto r = sender.send_and_confirm(payer.public_key(), ixs, signers);
        if (!r) die("set-up transaction: " + solana::to_string(r.error()));
    }

    // A ticket NFT issued to the holder, the validator its metadata update authority.
    void mint_ticket(const solana::KeyPair& mint, std::size_t n) {
        const solana::ticket_nft::TicketSpec spec{
            payer.public_key(),
            mint.public_key(),
            authority.public_key(),
            validator.public_key(),
            holder.public_key(),
            "Summer Festival 2026 #" + std::to_string(n),
            "GATE",
            "https://tickets.example/api/v1/tickets/" + std::to_string(n) + "/metadata.json",
            "summer-2026",
            "standard"};
        const auto rent =
            rpc.get_minimum_balance_for_rent_exemption(solana::ticket_nft::funded_mint_size(spec));
        if (!rent) die("rent: " + solana::to_string(rent.error()));
        send(solana::ticket_nft::create_mint(spec, *rent), {&payer, &mint, &authority});
        send(solana::ticket_nft::issue(spec), {&payer, &authority});
    }

    std::uint64_t validator_balance() {
        auto b = rpc.get_balance(validator.public_key());
        if (!b) die("balance: " + solana::to_string(b.error()));
        return *b;
    }
};

// One gate device (as tests/chain/syncd/RecorderRig.h): its key file, its database with
// the assignment (the validator key sealed for the device key), tickets with their mints,
// and one accepted scan per ticket, so every ticket's check-in is queued.
struct Device {
    test::TempDir dir;
    crypto::KeyPair device_key = crypto::KeyPair::generate();
    std::filesystem::path key_file = dir / "device-key.json";
    device::DeviceDatabase store;

    Device(const Chain& c, const std::vector<solana::KeyPair>& mints)
        : store(open(dir / "device.db")) {
        if (!crypto::save_keypair(key_file, device_key)) die("cannot save the device key");
        domain::Snapshot snapshot;
        snapshot.cursor = 1;
        auto& a = snapshot.assignment;
        a.device_id = 17;
        a.event_id = kEventId;
        a.gate = kGate;
        a.checkin_list = {1, "North", {}, domain::Reentry::EntryAfterExit, false};
        a.event = {kEventId, "Summer Night", 0, 0};
        a.chain = domain::ChainAssignment{c.chain.url(), c.validator.public_key(),
                                          codec::base64url_encode(crypto::seal_for(
                                              device_key.public_key(), c.validator.secret()))};
        for (std::size_t i = 0; i < mints.size(); ++i) {
            snapshot.tickets.push_back(
                {i + 1, 0, 0, domain::TicketStatus::Valid, mints[i].public_key()});
        }
        if (!store.cache().apply_snapshot(gate::test::signed_copy(snapshot)))
            die("cannot apply the snapshot");
        const auto t0 = gate::system_clock().now_ms();
        for (std::size_t i = 0; i < mints.size(); ++i) {
            domain::EntryRecord r;
            r.nonce = crypto::random_token(16);
            r.ticket_id = i + 1;
            r.event_id = kEventId;
            r.gate = kGate;
            r.direction = domain::Direction::In;
            r.verdict = domain::Verdict::Accepted;
            r.reason = "ok";
            r.scanned_at = t0 + static_cast<std::int64_t>(i);
            if (!store.scans().record_scan(r)) die("cannot record a scan");
        }
    }

    static device::DeviceDatabase open(const std::filesystem::path& file) {
        auto s = device::DeviceDatabase::open(file);
        if (!s) die("cannot open " + file.string() + ": " + db::to_string(s.error()));
        if (!s->pin_sync_key(gate::test::test_sync_key().public_key()))
            die("cannot pin the sync key beside " + file.string());
        return std::move(s).value();
    }

    std::int64_t count(const char* sql) {
        auto v = store.connection().query_one<std::int64_t>(sql);
        if (!v) die(std::string("query failed: ") + sql);
        return *v;
    }
};

void run(const char* label, Chain& c, const std::vector<solana::KeyPair>& mints,
         std::size_t max_checkins_per_tx,
         std::chrono::milliseconds poll_interval = syncd::RecorderOptions{}.poll_interval) {
    Device dev(c, mints);
    const auto mode = dev.store.connection().query_one<std::string>("PRAGMA journal_mode");
    const auto queued = dev.store.chain().chain_status();
    if (!queued || static_cast<std::size_t>(queued->pending) != mints.size())
        die("the scans did not queue one check-in each");

    syncd::RecorderOptions options;  // as gate-syncd runs it with chain.* defaults
    options.device_key_file = dev.key_file;
    options.pack.max_checkins = max_checkins_per_tx;
    options.poll_interval = poll_interval;
    syncd::ChainRecorder recorder(dev.store, options, gate::system_clock());
    const std::atomic<bool> stop{false};

    const auto balance = c.validator_balance();
    std::size_t rounds = 0;
    std::size_t sent = 0;
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        const auto report = recorder.run_round(stop);
        ++rounds;
        sent += report.transactions_sent;
        if (!report.ok()) die(std::string(label) + ": round failed: " + *report.error);
        if (report.failed > 0) die(std::string(label) + ": the chain refused a check-in");
        if (report.waiting == 0) break;
        if (rounds >= 100) die(std::string(label) + ": still not all confirmed after 100 rounds");
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    const auto paid = balance - c.validator_balance();

    const auto confirmed =
        dev.count("SELECT count(*) FROM chain_checkin WHERE state = 'confirmed'");
    const auto landed = dev.count("SELECT count(*) FROM chain_tx WHERE state = 'landed'");
    const auto max_bytes = dev.count("SELECT max(length(body)) FROM chain_tx");
    const auto min_bytes = dev.count("SELECT min(length(body)) FROM chain_tx");
    if (static_cast<std::size_t>(confirmed) != mints.size() || landed == 0)
        die(std::string(label) + ": not every check-in was confirmed");
    const auto n = static_cast<double>(confirmed);
    std::printf("%s (journal_mode=%s, max_in_flight=%zu, poll_interval=%lld ms)\n", label,
                mode ? mode->c_str() : "?", options.max_in_flight,
                static_cast<long long>(options.poll_interval.count()));
    std::printf("  %lld check-ins queue -> confirmed in %.2f s: %.1f check-ins/s (%zu rounds)\n",
                static_cast<long long>(confirmed), took.count(), n / took.count(), rounds);
    std::printf("  %lld transactions landed (%zu sent): %.2f check-ins per transaction\n",
                static_cast<long long>(landed), sent, n / static_cast<double>(landed));
    std::printf("  transaction size: max %lld bytes, min %lld bytes (limit 1232)\n",
                static_cast<long long>(max_bytes), static_cast<long long>(min_bytes));
    std::printf("  fees: %llu lamports in all, %.0f lamports per check-in\n",
                static_cast<unsigned long long>(paid), static_cast<double>(paid) / n);
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const std::size_t n = quick ? 30 : 200;

    Chain c;
    // One set of tickets per run: each run checks in its own (a check-in is recorded once
    // per ticket and device).
    constexpr std::size_t kRuns = 3;
    std::array<std::vector<solana::KeyPair>, kRuns> sets;
    const auto setup_start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < kRuns * n; ++i) {
        auto mint = solana::KeyPair::generate();
        c.mint_ticket(mint, i);
        sets[i / n].push_back(std::move(mint));
    }
    const std::chrono::duration<double> setup = std::chrono::steady_clock::now() - setup_start;
    std::printf("setup: %zu ticket NFTs minted and issued in %.2f s (not measured below)\n",
                kRuns * n, setup.count());

    run("default settings (max_checkins_per_tx = 0: as many as fit)", c, sets[0], 0);
    run("max_checkins_per_tx = 1", c, sets[1], 1);
    // Not a setting gate-syncd exposes: how much of the above is the recorder's poll wait.
    run("default settings, poll_interval lowered to 10 ms", c, sets[2], 0,
        std::chrono::milliseconds(10));
    return 0;
}
