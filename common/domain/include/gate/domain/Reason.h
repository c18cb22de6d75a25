#pragma once
// The stable reason codes a verdict carries (beside malformed.* and signature.* from
// gate::ticket), and the plain words a gate shows for each. Table: docs/domain.md.

#include <string_view>

namespace gate::domain::reason {

inline constexpr std::string_view kOk = "ok";
inline constexpr std::string_view kWrongEvent = "event.wrong";
inline constexpr std::string_view kEventCancelled = "event.cancelled";
inline constexpr std::string_view kRevoked = "ticket.revoked";
inline constexpr std::string_view kFrozen = "ticket.frozen";
inline constexpr std::string_view kSuperseded = "ticket.superseded";
/// A static (version 1) code at an event whose gates admit rotating codes only.
inline constexpr std::string_view kRotatingRequired = "code.rotating_required";
/// A rotating code whose pass binding is older than the ticket's newest.
inline constexpr std::string_view kPassSuperseded = "pass.superseded";
/// A rotating code whose pass has expired.
inline constexpr std::string_view kPassExpired = "pass.expired";
/// A rotating code whose time step is outside the freshness window: a screenshot.
inline constexpr std::string_view kStale = "code.stale";
inline constexpr std::string_view kNotYetValid = "time.not_yet_valid";
inline constexpr std::string_view kExpired = "time.expired";
inline constexpr std::string_view kTierNotAllowed = "tier.not_allowed";
inline constexpr std::string_view kAlreadyInside = "entry.already_inside";
inline constexpr std::string_view kAlreadyUsed = "entry.already_used";
inline constexpr std::string_view kNotInside = "entry.not_inside";
inline constexpr std::string_view kUnknownTicket = "ticket.unknown";
/// The device's stored ticket row, assignment or issuer keys are not signed by the backend
/// key pinned at provisioning: the device database was edited (docs/security.md).
inline constexpr std::string_view kCacheTampered = "device.cache_tampered";
/// Not a decision: the device could not commit the record, so it must not show green.
inline constexpr std::string_view kRecordFailed = "device.record_failed";
/// Not a decision: the device has no assignment yet (run `gate-scanner provision`).
inline constexpr std::string_view kNotProvisioned = "device.not_provisioned";

/// Every reason code a scan can end with, in decision order (for docs and tests).
inline constexpr std::string_view kAll[] = {
    "malformed.empty",
    "malformed.too_long",
    "malformed.prefix",
    "malformed.encoding",
    "malformed.length",
    "malformed.version",
    "malformed.window",
    "signature.unknown_key",
    "signature.key_retired",
    "signature.key_wrong_event",
    "signature.invalid",
    "signature.holder_invalid",
    kWrongEvent,
    kCacheTampered,
    kEventCancelled,
    kRotatingRequired,
    kRevoked,
    kFrozen,
    kSuperseded,
    kPassSuperseded,
    kPassExpired,
    kStale,
    kNotYetValid,
    kExpired,
    kTierNotAllowed,
    kAlreadyInside,
    kAlreadyUsed,
    kNotInside,
    kUnknownTicket,
    kOk,
    kRecordFailed,
    kNotProvisioned,
};

/// What the gate staff read on screen, e.g. "Ticket was revoked". Unknown codes read as
/// "Not accepted".
std::string_view plain_words(std::string_view reason) noexcept;

}  // namespace gate::domain::reason
