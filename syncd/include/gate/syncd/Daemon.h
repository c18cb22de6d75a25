#pragma once
// Daemon: runs sync cycles on a Boost.Asio event loop. Cycles run on a worker
// thread so signals are heard at any time; the next cycle comes after the sync
// interval, or after a backoff delay when the last one failed. The chain recorder,
// when there is one, runs its rounds on a second worker with its own timer and
// backoff, so neither loop ever waits for the other. SIGTERM/SIGINT let the running
// batch and round finish, then stop. A revoked device token stops it.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>

#include "gate/log/Logger.h"
#include "gate/syncd/Backoff.h"
#include "gate/syncd/ChainRecorder.h"
#include "gate/syncd/SyncEngine.h"

namespace gate::syncd {

struct DaemonOptions {
    std::chrono::milliseconds interval{5'000};
    BackoffPolicy backoff;
    bool once = false;  ///< one cycle (and one chain round after it), then exit
    std::chrono::milliseconds chain_interval{5'000};  ///< between good chain rounds
};

/// Exit codes of `gate-syncd run`, for scripts and the service manager.
enum class ExitCode : int {
    Ok = 0,
    CycleFailed = 1,  ///< --once: the cycle or the chain round did not complete
    BadUsage = 2,
    Unauthorized = 3,  ///< the device token was refused: provision again
};

class Daemon {
  public:
    /// `chain` (optional, borrowed) records check-ins on chain beside the sync loop.
    Daemon(SyncEngine& engine, DaemonOptions options, const log::Logger& logger,
           ChainRecorder* chain = nullptr);

    /// Blocks until stopped (signal, request_stop, revoked token) or, with `once`,
    /// until one cycle has run.
    ExitCode run();
    /// Thread-safe: the same as SIGTERM.
    void request_stop() noexcept;

  private:
    SyncEngine& engine_;
    ChainRecorder* chain_;
    DaemonOptions options_;
    const log::Logger& log_;
    std::atomic<bool> stop_{false};
    std::mutex wake_mutex_;
    std::function<void()> wake_;  // cancels the wait; set while run() is active
};

}  // namespace gate::syncd
