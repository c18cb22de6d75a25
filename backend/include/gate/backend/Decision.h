#pragma once
// The online validation decision, with the scanner's reason codes and order (DESIGN.md):
// event -> revoked/frozen -> superseded -> time window -> re-entry. Pure: the caller has
// already parsed and verified the code, and passes the ticket row and last direction.

#include <cstdint>
#include <optional>
#include <string>

#include "gate/backend/Model.h"
#include "gate/ticket/TicketCode.h"

namespace gate::backend {

struct ScanContext {
    ticket::TicketClaims claims;
    std::optional<std::int64_t> expected_event;  ///< the event the gate serves, if any
    std::string direction = "in";                ///< in | out
    std::string reentry = "single";              ///< single | multi | entry_after_exit
    std::int64_t now_ms = 0;
};

Verdict decide(const ScanContext& scan, const std::optional<Ticket>& ticket,
               const std::optional<std::string>& last_direction);

}  // namespace gate::backend
