#pragma once
// ChainSync: the reconciler that keeps each ticket's Token-2022 NFT in step with its
// database row (docs/solana.md, "Backend on chain"). Desired state is the database;
// actual state is read from the chain each time, so a crash anywhere between the two
// is repaired by reading, never by minting a second NFT. The NFT's `status` field follows
// the ticket's public status (domain::public_status), and tickets in step are read back
// now and then so that a status written on chain behind the backend's back is repaired.
// One worker thread; request threads only mark tickets dirty (in their own transaction)
// and never wait on the chain. With several processes on one database, every process runs
// the worker but only the holder of the "chain-reconciler" lease (chain.lease_ttl) does
// rounds; when it dies another takes over once the lease runs out.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gate/backend/KeyVault.h"
#include "gate/backend/Metrics.h"
#include "gate/backend/Random.h"
#include "gate/backend/Settings.h"
#include "gate/backend/Store.h"
#include "gate/log/Logger.h"
#include "gate/solana/RpcClient.h"

namespace gate::backend {

struct ChainSyncOptions {
    std::size_t batch = 50;  ///< tickets per round
    /// Tickets in step read back per round once their last check is chain.audit_interval
    /// old, so that a change made on chain behind the backend's back is repaired.
    std::size_t audit_batch = 10;
    /// Test hook, called after each transaction landed and before anything about it is
    /// recorded; returning false abandons the round there, as a crash would.
    std::function<bool(std::string_view step)> after_send;
};

/// What one round did.
struct ChainRound {
    std::size_t tickets = 0;  ///< dirty tickets looked at
    std::size_t audited = 0;  ///< tickets in step read back (their fixes count below too)
    std::size_t synced = 0;   ///< of those, now in step with the database
    std::size_t failed = 0;
    std::size_t transactions = 0;
    bool chain_down = false;  ///< the node could not be reached; the round stopped early
};

class ChainSync {
  public:
    /// Loads the fee payer's key file, creating it (0600) when missing. Throws
    /// config::ConfigError when it cannot be used: the service cannot start.
    ChainSync(Store& store, const KeyVault& keys, const Settings& settings, const Clock& clock,
              Metrics& metrics, log::Logger logger, ChainSyncOptions options = {});
    ~ChainSync();
    ChainSync(const ChainSync&) = delete;
    ChainSync& operator=(const ChainSync&) = delete;

    /// Starts the worker thread (rounds every chain.sync_interval, capped backoff while
    /// the chain is down); stop() or the destructor ends it.
    void start();
    void stop();
    /// Asks the worker to run a round now.
    void wake();

    /// One round over the due dirty tickets, on the caller's thread. Not to be called
    /// while the worker runs.
    ChainRound run_round();

    const solana::Pubkey& payer() const;

  private:
    struct EventKeys;
    std::optional<std::string> ensure_payer_funds();
    const EventKeys* event_keys(std::int64_t event_id, ChainRound& round, std::string& error);
    /// Nullopt when the test hook abandoned the ticket.
    std::optional<ChainOutcome> sync_ticket(const ChainWork& work, ChainRound& round);
    /// sync_ticket and record_chain for each of `work`; false when the round must stop.
    bool sync_all(const std::vector<ChainWork>& work, ChainRound& round, bool audit);
    void refresh_metrics();
    std::int64_t backoff_ms(std::int64_t attempts) const;
    void loop();
    /// Takes or renews the reconciler's lease: true while this process is the one that
    /// reconciles (every process runs the worker; one at a time does rounds).
    bool lead();

    static constexpr const char* kLeaseName = "chain-reconciler";

    Store& store_;
    const KeyVault& keys_;
    const Settings& settings_;
    const Clock& clock_;
    Metrics& metrics_;
    log::Logger logger_;
    ChainSyncOptions options_;
    std::string holder_;  ///< this process's name in the lease table (random)
    bool leading_ = false;
    std::unique_ptr<solana::RpcClient> rpc_;
    std::unique_ptr<crypto::KeyPair> payer_;
    std::map<std::int64_t, std::unique_ptr<EventKeys>> events_;
    std::chrono::steady_clock::time_point next_balance_check_{};

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread worker_;
};

}  // namespace gate::backend
