#pragma once
// Everything `gate-syncd run` sets up from its settings: the device store, the
// link to the backend (URL from the settings or from provisioning, token from its
// 0600 file), the engine and the daemon. Start-up problems are exceptions with
// the fix in the message; the loop itself never throws.

#include <stdexcept>

#include "gate/syncd/Daemon.h"
#include "gate/syncd/SyncSettings.h"

namespace gate::syncd {

struct StartupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Runs the daemon until it stops; throws StartupError when it cannot start.
ExitCode run_service(const SyncSettings& settings, bool once, const log::Logger& logger);

/// `gate-syncd retry-checkins`: check-ins the chain refused go back to the queue (once the
/// cause is fixed). Returns how many; throws StartupError when the database cannot be used.
std::int64_t retry_failed_checkins(const SyncSettings& settings);

}  // namespace gate::syncd
