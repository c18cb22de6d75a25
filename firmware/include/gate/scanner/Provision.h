#pragma once
// Provisioning a gate device from a setup code (docs/sync-protocol.md): make or reuse the
// device key (0600 file), register it with the backend, keep the device token (0600 file),
// store the assignment and download the first cache snapshot.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "gate/Result.h"
#include "gate/domain/SyncMessages.h"
#include "gate/http/Client.h"

namespace gate::scanner {

struct ProvisionOptions {
    std::string setup_code;  ///< "GATESETUP1:..." as scanned or pasted
    std::filesystem::path database = "gate-device.db";
    std::filesystem::path key_file = "device-key.json";
    std::filesystem::path token_file = "device.token";
    std::string device_name;  ///< shown to organizers, e.g. "north-1-a"
    http::ClientOptions http;
};

struct Provisioned {
    std::int64_t device_id = 0;
    domain::Assignment assignment;
    std::size_t tickets = 0;
    std::int64_t clock_offset_ms = 0;
    bool new_key = false;  ///< false when an existing key file was reused
};

struct ProvisionError {
    std::string message;  ///< what failed and what to do
};

Result<Provisioned, ProvisionError> provision(const ProvisionOptions& options);

}  // namespace gate::scanner
