#pragma once
// The names of the domain's enums on the wire and in the databases come from one table per
// enum (GATE_WIRE_ENUM beside the enum); these bring the generic readers and writers into
// gate::domain, so `domain::to_string(TicketStatus::Revoked)` is "revoked" and
// `domain::from_string<TicketStatus>("revoked")` is the way back (nothing else is accepted).

#include "gate/json/WireEnum.h"

namespace gate::domain {

using jsonio::allowed_names;
using jsonio::from_string;
using jsonio::to_string;

}  // namespace gate::domain
