#include "gate/domain/Lifecycle.h"

#include <string>

namespace gate::domain {

std::optional<DomainError> status_change_refusal(TicketStatus from, TicketStatus to) {
    if (from == TicketStatus::Revoked && to != TicketStatus::Revoked)
        return conflict("ticket_revoked", "a revoked ticket stays revoked");
    return std::nullopt;
}

std::optional<DomainError> transfer_refusal(TicketStatus status, EventStatus event, bool used,
                                            bool transfer_pending) {
    if (event == EventStatus::Cancelled)
        return conflict("event_cancelled", "the event is cancelled");
    if (status != TicketStatus::Valid)
        return conflict("ticket_not_transferable",
                        "the ticket is " + std::string(to_string(status)));
    if (used) return conflict("ticket_used", "the ticket was already used for entry");
    if (transfer_pending)
        return conflict("transfer_pending",
                        "the ticket already has a transfer waiting to be claimed");
    return std::nullopt;
}

}  // namespace gate::domain
