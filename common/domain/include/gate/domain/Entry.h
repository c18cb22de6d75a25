#pragma once
// Scans and entries: one scan as a device or the backend records it, and a ticket's last
// recorded scan, which the re-entry rules read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gate/domain/WireNames.h"

namespace gate::domain {

enum class Direction { In, Out };
GATE_WIRE_ENUM(Direction, {{Direction::In, "in"}, {Direction::Out, "out"}})

enum class Verdict { Accepted, Rejected };
GATE_WIRE_ENUM(Verdict, {{Verdict::Accepted, "accepted"}, {Verdict::Rejected, "rejected"}})

/// A ticket's last recorded scan direction, from any gate.
struct InsideRecord {
    std::uint64_t ticket_id = 0;
    Direction direction = Direction::In;
    std::int64_t at = 0;  ///< Unix ms
    std::string gate;

    bool operator==(const InsideRecord&) const = default;
};

/// One scan as the device recorded it. `nonce` is base64url of 16 random bytes.
struct EntryRecord {
    std::string nonce;
    std::optional<std::uint64_t> ticket_id;  ///< empty for codes that did not parse
    std::uint32_t event_id = 0;
    std::uint32_t generation = 0;
    std::string gate;
    Direction direction = Direction::In;
    Verdict verdict = Verdict::Accepted;
    std::string reason;                ///< the decision's reason code ("ok" when accepted)
    std::int64_t scanned_at = 0;       ///< device wall clock, Unix ms
    std::int64_t clock_offset_ms = 0;  ///< server minus device, last known
    /// The whole ticket code that was scanned, when it was genuine: the backend checks its
    /// issuer signature and claims, so a device token alone cannot make up admissions
    /// (docs/sync-protocol.md, "Entry ingest"). Required for accepted entries.
    std::optional<std::string> proof{};

    bool operator==(const EntryRecord&) const = default;
};

/// True for base64url text of exactly 16 bytes (22 characters, no padding).
bool is_valid_nonce(std::string_view nonce) noexcept;

}  // namespace gate::domain
