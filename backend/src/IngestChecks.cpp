#include "IngestChecks.h"

#include "gate/domain/CodeCheck.h"

namespace gate::backend {

std::optional<std::string_view> proof_problem(const domain::EntryRecord& entry,
                                              const ticket::IssuerKeyring& keyring) {
    if (entry.verdict != domain::Verdict::Accepted) return std::nullopt;
    if (!entry.proof) return kProofMissing;
    auto parsed = ticket::parse(*entry.proof);
    if (!parsed) return kProofInvalid;
    auto verified = keyring.verify(*parsed);
    if (!verified && verified.error() != ticket::VerifyError::KeyRetired) return kProofInvalid;
    const auto& claims = parsed->claims;
    if (!entry.ticket_id || claims.ticket_id != *entry.ticket_id ||
        claims.event_id != entry.event_id || claims.generation != entry.generation)
        return kProofMismatch;
    return std::nullopt;
}

std::optional<std::string_view> clock_flag(const domain::EntryRecord& entry,
                                           std::optional<std::int64_t> observed_offset_ms,
                                           std::int64_t now_ms, std::int64_t tolerance_ms) {
    if (entry.scanned_at + entry.clock_offset_ms > now_ms + tolerance_ms) return kClockFuture;
    if (observed_offset_ms) {
        const std::int64_t gap = entry.clock_offset_ms - *observed_offset_ms;
        if (gap > tolerance_ms || gap < -tolerance_ms) return kClockOffsetMismatch;
    }
    return std::nullopt;
}

}  // namespace gate::backend
