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

std::optional<DomainError> pass_refusal(TicketStatus status, EventStatus event,
                                        std::int64_t binding) {
    if (event == EventStatus::Cancelled)
        return conflict("event_cancelled", "the event is cancelled");
    // A frozen ticket keeps its pass: the hold may be lifted before the doors open, and the
    // gate refuses it meanwhile (ticket.frozen).
    if (status == TicketStatus::Revoked) return conflict("ticket_revoked", "the ticket is revoked");
    if (binding >= std::int64_t{0xFFFFFFFF})
        return conflict("pass_limit", "the ticket has had all the passes it can have");
    return std::nullopt;
}

std::string_view to_string(TransferStatus value) noexcept {
    switch (value) {
        case TransferStatus::Pending:
            return "pending";
        case TransferStatus::Completed:
            return "completed";
        case TransferStatus::Cancelled:
            return "cancelled";
        case TransferStatus::Expired:
            return "expired";
    }
    return "expired";
}

std::optional<TransferStatus> transfer_status_from_string(std::string_view text) noexcept {
    if (text == "pending") return TransferStatus::Pending;
    if (text == "completed") return TransferStatus::Completed;
    if (text == "cancelled") return TransferStatus::Cancelled;
    if (text == "expired") return TransferStatus::Expired;
    return std::nullopt;
}

TransferStatus transfer_status_at(TransferStatus stored, std::int64_t expires_at,
                                  std::int64_t now) noexcept {
    if (stored == TransferStatus::Pending && expires_at <= now) return TransferStatus::Expired;
    return stored;
}

std::optional<DomainError> claim_refusal(TransferStatus status) {
    switch (status) {
        case TransferStatus::Pending:
            return std::nullopt;
        case TransferStatus::Completed:
            return conflict("claim_used", "this transfer was already claimed");
        case TransferStatus::Cancelled:
            return gone("claim_cancelled", "the sender cancelled this transfer");
        case TransferStatus::Expired:
            break;
    }
    return gone("claim_expired", "this transfer expired; ask the sender to send it again");
}

std::optional<DomainError> transfer_cancel_refusal(TransferStatus status) {
    switch (status) {
        case TransferStatus::Pending:
            return std::nullopt;
        case TransferStatus::Completed:
            return conflict("transfer_claimed", "the recipient already claimed this transfer");
        case TransferStatus::Cancelled:
            return conflict("transfer_cancelled", "this transfer was already cancelled");
        case TransferStatus::Expired:
            break;
    }
    return gone("transfer_expired", "this transfer expired; the ticket stayed with its owner");
}

bool refund_due(TicketStatus status, std::int64_t price_cents) noexcept {
    return price_cents > 0 && status != TicketStatus::Revoked;
}

bool revoke_refund_due(TicketStatus from, TicketStatus to, std::int64_t price_cents) noexcept {
    return price_cents > 0 && to == TicketStatus::Revoked && from != TicketStatus::Revoked;
}

std::optional<DomainError> event_status_change_refusal(EventStatus from, EventStatus to,
                                                       bool refunded) {
    if (from == EventStatus::Cancelled && to == EventStatus::Active && refunded)
        return conflict("event_refunded",
                        "a cancelled event whose tickets were refunded cannot be reopened");
    return std::nullopt;
}

}  // namespace gate::domain
