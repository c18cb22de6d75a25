#pragma once
// An event as the gate sees it: its identity, its times, whether it still takes place, and
// the issuer keys that sign its tickets.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gate/crypto/Ed25519.h"

namespace gate::domain {

/// Cancelling is a lifecycle step of the event: none of its tickets is admitted any more.
enum class EventStatus { Active, Cancelled };

struct EventInfo {
    std::uint32_t id = 0;
    std::string name;
    std::int64_t starts_at = 0;  ///< Unix ms
    std::int64_t ends_at = 0;    ///< Unix ms
    EventStatus status = EventStatus::Active;

    bool operator==(const EventInfo&) const = default;
};

/// A public key that signs the event's ticket codes. Retired keys stop verifying.
struct IssuerKeyRecord {
    crypto::PublicKey public_key;
    std::uint32_t event_id = 0;
    bool retired = false;

    bool operator==(const IssuerKeyRecord&) const = default;
};

std::string_view to_string(EventStatus value) noexcept;
std::optional<EventStatus> event_status_from_string(std::string_view text) noexcept;

}  // namespace gate::domain
