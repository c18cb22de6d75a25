#pragma once
// The rules a gate enforces, as domain::decide() reads them: the event (with its status), a
// check-in list and the issuer keys, for a device's assignment, online validation and the
// proofs of pushed entries alike.

#include <cstdint>
#include <optional>
#include <string>

#include "gate/backend/Api.h"
#include "gate/backend/ApiError.h"
#include "gate/domain/Assignment.h"
#include "gate/ticket/IssuerKeyring.h"

namespace gate::backend {

/// The assignment of a gate of `event_id` on the check-in list `checkin_list_id` (the
/// event's default list when empty): 404 when the event or list is missing, 400 when the
/// list belongs to another event.
ApiResult<domain::Assignment> gate_rules(Services& s, std::int64_t event_id,
                                         std::optional<std::int64_t> checkin_list_id,
                                         std::string gate);

/// The event's issuer keys as a keyring (retired ones stay in it and verify as retired).
ApiResult<ticket::IssuerKeyring> keyring_of(Services& s, std::int64_t event_id);

}  // namespace gate::backend
