#pragma once
// A ticket's public status (docs/domain.md, "Public status"): the one word a wallet or
// marketplace reads about a ticket, both in its NFT's metadata JSON (the `Status`
// attribute) and in its Token-2022 metadata field `status` on chain. Both come from
// public_status(); the chain follows it by chain_status_to_write().

#include <optional>
#include <string_view>

#include "gate/domain/Event.h"
#include "gate/domain/Ticket.h"
#include "gate/domain/WireNames.h"

namespace gate::domain {

enum class PublicStatus { Valid, Used, Frozen, Revoked, Cancelled };
GATE_WIRE_ENUM(PublicStatus, {{PublicStatus::Valid, "valid"},
                              {PublicStatus::Used, "used"},
                              {PublicStatus::Frozen, "frozen"},
                              {PublicStatus::Revoked, "revoked"},
                              {PublicStatus::Cancelled, "cancelled"}})

/// What the public sees, in decide()'s order: the event cancelled, then the organizer's
/// revocation or freeze, then `used` once the ticket was admitted at an entry lane (on any
/// check-in list: a gate device records every first admission on chain), else valid.
PublicStatus public_status(TicketStatus status, EventStatus event, bool admitted) noexcept;

/// The value that needs writing over `on_chain` (the chain's `status` field as it reads,
/// empty when missing) so that the chain says `wanted`, or nothing when it already does.
/// `used` on chain is never put back to `valid`: a gate device records an admission on
/// chain before the backend may have heard of it, and that admission happened.
std::optional<PublicStatus> chain_status_to_write(std::string_view on_chain,
                                                  PublicStatus wanted) noexcept;

}  // namespace gate::domain
