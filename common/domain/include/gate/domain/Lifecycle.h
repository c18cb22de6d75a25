#pragma once
// The ticket's lifecycle (docs/domain.md, "Lifecycle"): which status changes an organizer may
// make, and when a ticket may change hands. The gate's side of the same states is decide().
//
//   valid --freeze--> frozen --unfreeze--> valid
//   valid | frozen --revoke--> revoked (final)
//   valid --transfer/claim--> valid with generation + 1 (older codes are superseded)
//   valid --admitted on a single-entry list--> used: no transfer, no claim
//   any --event cancelled--> refused everywhere (event.cancelled)

#include <optional>

#include "gate/domain/DomainError.h"
#include "gate/domain/Event.h"
#include "gate/domain/Ticket.h"

namespace gate::domain {

/// Why a ticket's status may not go from `from` to `to`, or nothing. Setting the status
/// it already has is allowed (and changes nothing).
std::optional<DomainError> status_change_refusal(TicketStatus from, TicketStatus to);

/// Why a ticket may not change hands now (direct transfer, email transfer or its claim),
/// or nothing. `used`: it was admitted on a single-entry list (sold on, it would be a dead
/// ticket).
std::optional<DomainError> transfer_refusal(TicketStatus status, EventStatus event, bool used,
                                            bool transfer_pending);

}  // namespace gate::domain
