#pragma once
// An event as the gate sees it: its identity, its times, whether it still takes place, and
// the issuer keys that sign its tickets.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gate/crypto/Ed25519.h"
#include "gate/domain/WireNames.h"

namespace gate::domain {

/// Cancelling is a lifecycle step of the event: none of its tickets is admitted any more.
enum class EventStatus { Active, Cancelled };
GATE_WIRE_ENUM(EventStatus,
               {{EventStatus::Active, "active"}, {EventStatus::Cancelled, "cancelled"}})

/// Which ticket codes the event's gates admit (docs/ticket-code.md, "Format version 2").
/// Static codes (version 1, printable) can be copied; rotating codes cannot be replayed.
enum class CodePolicy { StaticAllowed, RotatingRequired };
GATE_WIRE_ENUM(CodePolicy, {{CodePolicy::StaticAllowed, "static_allowed"},
                            {CodePolicy::RotatingRequired, "rotating_required"}})

struct EventInfo {
    std::uint32_t id = 0;
    std::string name;
    std::int64_t starts_at = 0;  ///< Unix ms
    std::int64_t ends_at = 0;    ///< Unix ms
    EventStatus status = EventStatus::Active;
    CodePolicy code_policy = CodePolicy::StaticAllowed;

    bool operator==(const EventInfo&) const = default;
};

/// A public key that signs the event's ticket codes. Retired keys stop verifying.
struct IssuerKeyRecord {
    crypto::PublicKey public_key;
    std::uint32_t event_id = 0;
    bool retired = false;
    /// The backend's device-sync signature over this key (SyncSignature.h), as for tickets.
    std::optional<crypto::Signature> sync_signature{};

    bool operator==(const IssuerKeyRecord&) const = default;
};

}  // namespace gate::domain
