// Check-ins recorded on chain (TokenMetadata UpdateField status=used, signed by the
// event's validator key) against the local chain (tests/chain/server.mjs over LiteSVM):
// how many fit in one 1232-byte transaction, and how many are recorded per second,
// one per transaction and batched. Includes the RPC round trips (latest blockhash,
// send with preflight simulation, status), not a real cluster's slot times.
//   solana_checkin_bench [--quick]
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "LocalChain.h"
#include "gate/solana/ComputeBudget.h"
#include "gate/solana/RpcClient.h"
#include "gate/solana/TicketNft.h"
#include "gate/solana/TransactionSender.h"

using namespace gate;
using namespace gate::solana;

namespace {

KeyPair seeded(std::uint8_t n) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(n);
    return KeyPair::from_seed(seed);
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "solana_checkin_bench: %s\n", what.c_str());
    std::exit(1);
}

template <class T>
T must(Result<T, Error> r, const char* what) {
    if (!r) die(std::string(what) + ": " + to_string(r.error()));
    return std::move(*r);
}

// The instructions of one batched check-in transaction.
std::vector<Instruction> batch(const std::vector<Pubkey>& mints, std::size_t from,
                               std::size_t count, const Pubkey& validator,
                               bool with_gate_and_time) {
    std::vector<Instruction> ixs{compute_budget::set_compute_unit_price(1000)};
    for (std::size_t i = from; i < from + count; ++i) {
        auto more = with_gate_and_time ? ticket_nft::check_in(mints[i], validator, "north-3",
                                                              "2026-07-01T18:00:00Z")
                                       : ticket_nft::check_in(mints[i], validator);
        ixs.insert(ixs.end(), more.begin(), more.end());
    }
    return ixs;
}

// The largest batch that still fits in 1232 bytes, and its size.
std::pair<std::size_t, std::size_t> capacity(const std::vector<Pubkey>& mints,
                                             const KeyPair& validator, bool with_gate_and_time) {
    Blockhash any;
    const KeyPair* signers[] = {&validator};
    std::size_t best = 0;
    std::size_t bytes = 0;
    for (std::size_t k = 1; k <= mints.size(); ++k) {
        auto tx = build_transaction(validator.public_key(),
                                    batch(mints, 0, k, validator.public_key(), with_gate_and_time),
                                    any, signers);
        if (!tx) {
            if (tx.error().kind != Error::Kind::TooLarge) die(to_string(tx.error()));
            break;
        }
        best = k;
        bytes = tx->serialize().size();
    }
    return {best, bytes};
}

double record(RpcClient& rpc, const std::vector<Pubkey>& mints, std::size_t from, std::size_t count,
              std::size_t per_tx, const KeyPair& validator, bool with_gate_and_time,
              std::uint64_t& units) {
    TransactionSender sender(rpc);
    const KeyPair* signers[] = {&validator};
    // Compute units of one full batch, simulated before it is sent (the cluster also caps
    // a transaction at 1.4M units).
    const auto latest = must(rpc.get_latest_blockhash(), "blockhash");
    const auto probe = must(build_transaction(validator.public_key(),
                                              batch(mints, from, std::min(per_tx, count),
                                                    validator.public_key(), with_gate_and_time),
                                              latest.blockhash, signers),
                            "build");
    const auto sim = must(rpc.simulate_transaction(probe), "simulate");
    if (!sim.err.is_null()) die("simulation failed: " + sim.err.dump());
    units = sim.units_consumed;

    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = from; i < from + count; i += per_tx) {
        const std::size_t n = std::min(per_tx, from + count - i);
        const auto ixs = batch(mints, i, n, validator.public_key(), with_gate_and_time);
        must(sender.send_and_confirm(validator.public_key(), ixs, signers), "check-in");
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return static_cast<double>(count) / took.count();
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const std::size_t per_run = quick ? 16 : 160;

    test::LocalChain chain;
    RpcClient rpc(RpcOptions{chain.url(), "confirmed", {}});
    const auto payer = seeded(1);
    const auto authority = seeded(3);
    const auto validator = seeded(4);
    const auto holder = seeded(2);
    must(rpc.request_airdrop(payer.public_key(), 1'000'000'000'000ULL), "airdrop");
    must(rpc.request_airdrop(validator.public_key(), 1'000'000'000'000ULL), "airdrop");

    // Tickets to check in: three runs of per_run each.
    std::vector<Pubkey> mints;
    TransactionSender sender(rpc);
    const auto setup_start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < 3 * per_run; ++i) {
        const auto mint = KeyPair::generate();
        const ticket_nft::TicketSpec spec{
            payer.public_key(),
            mint.public_key(),
            authority.public_key(),
            validator.public_key(),
            holder.public_key(),
            "Summer Festival 2026 #" + std::to_string(i),
            "GATE",
            "https://tickets.example/api/v1/tickets/" + std::to_string(i) + "/metadata.json",
            "summer-2026",
            "standard"};
        const auto rent = must(
            rpc.get_minimum_balance_for_rent_exemption(ticket_nft::funded_mint_size(spec)), "rent");
        const KeyPair* create_signers[] = {&payer, &mint, &authority};
        must(sender.send_and_confirm(payer.public_key(), ticket_nft::create_mint(spec, rent),
                                     create_signers),
             "create");
        const KeyPair* issue_signers[] = {&payer, &authority};
        must(sender.send_and_confirm(payer.public_key(), ticket_nft::issue(spec), issue_signers),
             "issue");
        mints.push_back(mint.public_key());
    }
    const std::chrono::duration<double> setup = std::chrono::steady_clock::now() - setup_start;
    std::printf(
        "setup: %zu ticket NFTs minted and issued in %.2f s (%.1f tickets/s, 2 transactions "
        "each)\n",
        mints.size(), setup.count(), static_cast<double>(mints.size()) / setup.count());

    const auto [fit_status, bytes_status] = capacity(mints, validator, false);
    const auto [fit_full, bytes_full] = capacity(mints, validator, true);
    std::printf(
        "check-ins per transaction within 1232 bytes: %zu with status=used (%zu bytes), "
        "%zu with status+gate+at (%zu bytes)\n",
        fit_status, bytes_status, fit_full, bytes_full);

    std::uint64_t units = 0;
    const double single = record(rpc, mints, 0, per_run, 1, validator, false, units);
    std::printf("%-44s %8.0f check-ins/s   (%llu compute units per transaction)\n",
                "1 per transaction, status=used:", single, static_cast<unsigned long long>(units));
    const double batched =
        record(rpc, mints, per_run, per_run, fit_status, validator, false, units);
    std::printf(
        "%-44s %8.0f check-ins/s   (%llu compute units per transaction)\n",
        ("batched " + std::to_string(fit_status) + " per transaction, status=used:").c_str(),
        batched, static_cast<unsigned long long>(units));
    const double full = record(rpc, mints, 2 * per_run, per_run, fit_full, validator, true, units);
    std::printf(
        "%-44s %8.0f check-ins/s   (%llu compute units per transaction)\n",
        ("batched " + std::to_string(fit_full) + " per transaction, status+gate+at:").c_str(), full,
        static_cast<unsigned long long>(units));
    return 0;
}
