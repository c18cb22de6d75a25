#pragma once
// The ticket's lifecycle (docs/domain.md, "Lifecycle"): which status changes an organizer may
// make, and when a ticket may change hands. The gate's side of the same states is decide().
//
//   valid --freeze--> frozen --unfreeze--> valid
//   valid | frozen --revoke--> revoked (final)
//   valid --transfer/claim--> valid with generation + 1 (older codes are superseded)
//   valid --admitted on a single-entry list--> used: no transfer, no claim
//   any --event cancelled--> refused everywhere (event.cancelled)
//
// An email transfer: pending --claim--> completed | pending --sender cancels--> cancelled |
// pending --time is up--> expired. A wrong claim code is not a step: it changes nothing.
// An event: active --cancel--> cancelled --reopen--> active, unless refunds were made.

#include <cstdint>
#include <optional>
#include <string_view>

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

/// Why the holder may not get a new pass (a rotating code's binding to their phone) now, or
/// nothing. `binding` is the ticket's current one; bindings are 32-bit in the pass.
std::optional<DomainError> pass_refusal(TicketStatus status, EventStatus event,
                                        std::int64_t binding);

/// An email transfer's state. Only `pending` can still be claimed or cancelled.
enum class TransferStatus { Pending, Completed, Cancelled, Expired };

std::string_view to_string(TransferStatus value) noexcept;
std::optional<TransferStatus> transfer_status_from_string(std::string_view text) noexcept;

/// The state at `now`: a pending transfer whose time is up is expired, stored or not.
TransferStatus transfer_status_at(TransferStatus stored, std::int64_t expires_at,
                                  std::int64_t now) noexcept;

/// Why a transfer in `status` (as of now) cannot be claimed, or nothing. Whether the
/// email and code match is checked after this, and a mismatch never changes the state.
std::optional<DomainError> claim_refusal(TransferStatus status);

/// Why the sender cannot cancel a transfer in `status` (as of now), or nothing.
std::optional<DomainError> transfer_cancel_refusal(TransferStatus status);

/// Whether a ticket of a cancelled event gets its money back: it was paid for (a price
/// above 0) and is not revoked (a revoked ticket got its own refund when it was revoked).
bool refund_due(TicketStatus status, std::int64_t price_cents) noexcept;

/// Whether a status change refunds the ticket: it is revoked now, was not before, and was
/// paid for. (Freezing does not: a frozen ticket may be thawed.)
bool revoke_refund_due(TicketStatus from, TicketStatus to, std::int64_t price_cents) noexcept;

/// Why an event's status may not go from `from` to `to`, or nothing. A cancelled event
/// whose tickets were refunded stays cancelled: the money has gone back to the buyers.
std::optional<DomainError> event_status_change_refusal(EventStatus from, EventStatus to,
                                                       bool refunded);

}  // namespace gate::domain
