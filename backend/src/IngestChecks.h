#pragma once
// What ticket-api checks in each entry a device pushes before it believes it
// (docs/sync-protocol.md, "Entry ingest"): that a genuine code was presented for an
// admission, and that its time fits the device's real clock offset.

#include <cstdint>
#include <optional>
#include <string_view>

#include "gate/domain/Entry.h"
#include "gate/ticket/IssuerKeyring.h"

namespace gate::backend {

// Why an entry is refused (never stored; the device sets it aside).
inline constexpr std::string_view kProofMissing = "proof.missing";    ///< admission without code
inline constexpr std::string_view kProofInvalid = "proof.invalid";    ///< not a genuine code
inline constexpr std::string_view kProofMismatch = "proof.mismatch";  ///< another ticket's code

// Why a stored entry is flagged.
inline constexpr std::string_view kClockFuture = "clock.future";
inline constexpr std::string_view kClockOffsetMismatch = "clock.offset_mismatch";

/// Nothing when the entry may be stored: a rejected scan needs no proof; an accepted one
/// must carry a code signed by one of the event's issuer keys (retired ones too: the key
/// may have been retired after the scan) whose ticket, event and generation are the
/// entry's.
std::optional<std::string_view> proof_problem(const domain::EntryRecord& entry,
                                              const ticket::IssuerKeyring& keyring);

/// Nothing when the entry's time is plausible; else why not. `observed_offset_ms` is the
/// device's real offset (server time at receipt minus the batch's sent_at), when the batch
/// said when it was sent.
std::optional<std::string_view> clock_flag(const domain::EntryRecord& entry,
                                           std::optional<std::int64_t> observed_offset_ms,
                                           std::int64_t now_ms, std::int64_t tolerance_ms);

}  // namespace gate::backend
