#pragma once
// What a gate device serves: its event, gate and check-in list, and where the event's
// tickets live on chain (docs/sync-protocol.md, "Assignment").

#include <cstdint>
#include <optional>
#include <string>

#include "gate/crypto/Ed25519.h"
#include "gate/domain/CheckinList.h"
#include "gate/domain/Event.h"

namespace gate::domain {

/// Where the event's tickets live on chain and the key that records check-ins there
/// (docs/sync-protocol.md, "Chain"). Absent when the backend has no chain configured.
struct ChainAssignment {
    std::string rpc_url;               ///< Solana JSON-RPC the device should use
    crypto::PublicKey validator;       ///< the event's validator key (metadata update authority)
    std::string validator_key_sealed;  ///< base64url of crypto::seal_for(device key, secret)

    bool operator==(const ChainAssignment&) const = default;
};

/// Which event, gate and check-in list a device serves.
struct Assignment {
    std::int64_t device_id = 0;
    std::uint32_t event_id = 0;
    std::string gate;
    CheckinList checkin_list;
    EventInfo event;
    std::int64_t server_time = 0;  ///< Unix ms when the backend wrote it
    std::optional<ChainAssignment> chain{};
    /// The backend's device-sync signature over the rest (SyncSignature.h), as for tickets.
    std::optional<crypto::Signature> sync_signature{};

    bool operator==(const Assignment&) const = default;
};

}  // namespace gate::domain
