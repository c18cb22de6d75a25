#pragma once
// The verdict on one scanned code, the one rule book of the whole system: the scanner,
// online validation and offline-entry ingest all call decide(). A pure function of the code
// (parsed, signature checked), what is known about its ticket, the gate's assignment and
// the time. Rules run in a fixed order; the first that refuses gives the reason
// (docs/domain.md, "Decision order").

#include <cstdint>
#include <optional>
#include <string_view>

#include "gate/domain/Assignment.h"
#include "gate/domain/CodeCheck.h"
#include "gate/domain/Entry.h"
#include "gate/domain/Ticket.h"

namespace gate::domain {

/// What is known about one ticket: its row (if any) and its last scan from any gate (if any).
struct TicketState {
    std::optional<TicketRecord> ticket;
    std::optional<InsideRecord> last_scan;
    /// The device's stored row does not carry the backend's sync signature over its fields
    /// (SyncSignature.h): someone edited the database. `ticket` is then not to be believed.
    bool tampered = false;
};

/// Default grace around a code's validity window, for device clocks that drift offline.
/// Online validation uses the same, so a code has one verdict everywhere at one moment.
inline constexpr std::int64_t kDefaultClockToleranceMs = 5 * 60 * 1000;

/// Default grace around a rotating code's time step, for the holder's phone clock and the
/// device clock: a step is fresh from its start minus this until its start plus
/// kStepWindowMs plus this. Kept short: it is how long a screenshot works.
inline constexpr std::int64_t kDefaultStepToleranceMs = 10 * 1000;
/// How long after its step starts a rotating code is fresh (it shows for kStepSeconds, then
/// may take a moment to reach the scanner).
inline constexpr std::int64_t kStepWindowMs = 10 * 1000;

struct DecisionContext {
    /// Current time as the server would see it: device clock plus last known offset.
    std::int64_t now_ms = 0;
    /// How far outside a ticket's validity window a scan may be and still pass, for
    /// device clocks that drift while offline.
    std::int64_t clock_tolerance_ms = kDefaultClockToleranceMs;
    /// Entry lane or exit lane.
    domain::Direction direction = domain::Direction::In;
    /// Grace around a rotating code's time step (kDefaultStepToleranceMs).
    std::int64_t step_tolerance_ms = kDefaultStepToleranceMs;
};

struct Decision {
    bool accepted = false;
    std::string_view reason;  ///< stable reason code; "ok" when accepted
    /// The tier the gate goes by (the cache's when it has a row, else the code's); empty
    /// when the code is not genuine.
    std::optional<std::uint8_t> tier;
};

/// The re-entry rule alone (step 9): why `rule` refuses a scan in `direction` after `last`,
/// or nothing. Entry ingest uses it to flag pushed admissions that broke the rule.
std::optional<std::string_view> reentry_refusal(const std::optional<InsideRecord>& last,
                                                Reentry rule, Direction direction) noexcept;

/// The step rule alone: true when a rotating code showing `step` is fresh at `now_ms`.
bool step_fresh(std::uint32_t step, std::int64_t now_ms, std::int64_t tolerance_ms) noexcept;

/// Decides one scan. `known` is what is known about the code's ticket (empty when the code
/// did not parse or the ticket has no row).
Decision decide(const CodeCheck& code, const TicketState& known, const Assignment& assignment,
                const DecisionContext& context) noexcept;

}  // namespace gate::domain
