#pragma once
// ChainRecorder: records the device's check-ins on the Solana chain (docs/syncd.md, "Chain
// check-ins"). Each round first settles the transactions a previous round (or a previous
// process) left in flight, then packs pending check-ins into transactions signed by the
// event's validator key (opened from the assignment with the device key), stores each one
// before sending it, and waits for it to land. A check-in is only packed again once its
// transaction can no longer land, so it is never applied by two transactions.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gate//Result.h"
#include "gate/Clock.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/solana/RpcClient.h"
#include "gate/syncd/CheckinBatch.h"

namespace gate::syncd {

struct RecorderOptions {
    /// Non-empty: used instead of the RPC URL the assignment names.
    std::string rpc_url;
    /// The device's Ed25519 key file (written by gate-scanner provision).
    std::filesystem::path device_key_file = "device-key.json";
    /// Limit for each RPC exchange.
    std::chrono::milliseconds request_timeout{15'000};
    /// Transactions sent and not yet confirmed, at most.
    std::size_t max_in_flight = 4;
    /// A round stops waiting for its transactions after this long (they stay in flight
    /// and the next round looks again).
    std::chrono::milliseconds confirm_timeout{30'000};
    std::chrono::milliseconds poll_interval{200};
    /// Same bytes sent again this often while a transaction is unseen and can still land.
    std::chrono::milliseconds rebroadcast_interval{2'000};
    PackOptions pack;
};

struct ChainReport {
    std::size_t transactions_sent = 0;
    std::size_t confirmed = 0;         ///< check-ins that landed this round
    std::size_t failed = 0;            ///< check-ins the chain refused (kept, state failed)
    std::size_t requeued = 0;          ///< check-ins whose transaction can no longer land
    std::size_t waiting = 0;           ///< check-ins still pending or in flight after the round
    bool configured = true;            ///< false: the assignment names no chain
    std::optional<std::string> error;  ///< why the round stopped early, in plain words

    bool ok() const noexcept { return !error.has_value(); }
};

/// Opens the validator key the backend sealed for this device: base64url, sealed box to
/// the device key, a 64-byte Solana secret whose public half is `chain.validator`.
Result<solana::KeyPair, std::string> open_validator_key(const domain::ChainAssignment& chain,
                                                        const crypto::KeyPair& device_key);

class ChainRecorder {
  public:
    /// `database` must be this recorder's own connection (the backend loop runs on another
    /// thread with its own).
    ChainRecorder(device::DeviceDatabase& database, RecorderOptions options,
                  const Clock& clock = system_clock());
    ~ChainRecorder();

    /// One round; records its outcome in the store's chain status. Returns between
    /// transactions once `stop` is set.
    ChainReport run_round(const std::atomic<bool>& stop);

  private:
    struct Context;
    std::optional<std::string> prepare(Context& ctx, ChainReport& report);
    std::optional<std::string> reconcile(Context& ctx, ChainReport& report);
    std::optional<std::string> send_next(Context& ctx, ChainReport& report);
    std::optional<std::string> settle_failure(const device::ChainTransaction& tx,
                                              const nlohmann::json& err, const std::string& text,
                                              ChainReport& report);
    void pause(const std::atomic<bool>& stop) const;

    device::DeviceDatabase& database_;
    RecorderOptions options_;
    const Clock& clock_;
    // Kept between rounds: the RPC client for the current URL and the opened key.
    std::unique_ptr<solana::RpcClient> rpc_;
    std::string sealed_;  // the sealed text validator_ was opened from
    std::optional<solana::KeyPair> validator_;
    std::map<std::string, std::chrono::steady_clock::time_point> broadcast_;  // by signature
};

}  // namespace gate::syncd
