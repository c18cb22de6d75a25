#pragma once
// Daemon: runs sync cycles on a Boost.Asio event loop. Cycles run on a worker
// thread so signals are heard at any time; the next cycle comes after the sync
// interval, or after a backoff delay when the last one failed. SIGTERM/SIGINT
// let the running batch finish, then stop. A revoked device token stops it.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>

#include "gate/log/Logger.h"
#include "gate/syncd/Backoff.h"
#include "gate/syncd/SyncEngine.h"

namespace gate::syncd {

struct DaemonOptions {
    std::chrono::milliseconds interval{5'000};
    BackoffPolicy backoff;
    bool once = false;  ///< one cycle, then exit with its outcome
};

/// Exit codes of `gate-syncd run`, for scripts and the service manager.
enum class ExitCode : int {
    Ok = 0,
    CycleFailed = 1,  ///< --once: the cycle did not complete (network, backend)
    BadUsage = 2,
    Unauthorized = 3,  ///< the device token was refused: provision again
};

class Daemon {
  public:
    Daemon(SyncEngine& engine, DaemonOptions options, const log::Logger& logger);

    /// Blocks until stopped (signal, request_stop, revoked token) or, with `once`,
    /// until one cycle has run.
    ExitCode run();
    /// Thread-safe: the same as SIGTERM.
    void request_stop() noexcept;

  private:
    SyncEngine& engine_;
    DaemonOptions options_;
    const log::Logger& log_;
    std::atomic<bool> stop_{false};
    std::mutex wake_mutex_;
    std::function<void()> wake_;  // cancels the wait; set while run() is active
};

}  // namespace gate::syncd
