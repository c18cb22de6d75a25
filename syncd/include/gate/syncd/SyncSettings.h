#pragma once
// gate-syncd's settings: built-in defaults, a JSON file, GATE_* environment
// overrides (see docs/configuration.md). Loading validates every value.

#include <chrono>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "gate/config/Config.h"
#include "gate/log/LogSettings.h"
#include "gate/syncd/Backoff.h"

namespace gate::syncd {

/// The chain recorder's settings (docs/syncd.md, "Chain check-ins").
struct ChainSettings {
    bool enabled = true;
    std::string rpc_url;                        ///< empty: the RPC URL of the assignment
    std::chrono::milliseconds interval{5'000};  ///< between rounds while nothing fails
    std::chrono::milliseconds request_timeout{15'000};
    std::chrono::milliseconds confirm_timeout{30'000};
    std::int64_t max_in_flight = 4;        ///< transactions awaiting confirmation
    std::int64_t max_checkins_per_tx = 0;  ///< 0: as many as fit in 1232 bytes
    std::int64_t compute_unit_price = 0;   ///< micro-lamports per unit; 0: no priority fee
};

struct SyncSettings {
    std::filesystem::path database = "gate-device.db";   ///< shared with gate-scanner
    std::filesystem::path token_file = "device.token";   ///< written by provisioning, 0600
    std::filesystem::path key_file = "device-key.json";  ///< the device key, 0600
    /// Empty: the URL stored in the device database at provisioning.
    std::string backend_url;
    std::chrono::milliseconds interval{5'000};  ///< between syncs while online
    std::int64_t batch_size = 200;              ///< entries per push
    std::chrono::milliseconds request_timeout{15'000};
    BackoffPolicy backoff;
    ChainSettings chain;
    log::LogSettings log;
};

/// Every key gate-syncd reads, for typo detection.
std::span<const std::string_view> sync_config_keys();

/// Reads and validates the settings; throws config::ConfigError naming the key.
SyncSettings sync_settings_from(const config::Config& config);

/// The settings as a JSON object (what `gate-syncd check-config` prints).
nlohmann::json to_json(const SyncSettings& settings);

}  // namespace gate::syncd
