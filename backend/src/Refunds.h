#pragma once
// Settling refunds: the payment method's side of a cancelled event's refunds, which the
// store opens in the transaction that cancels (docs/domain.md, "Lifecycle").

#include <cstdint>

#include "gate/backend/Api.h"
#include "gate/backend/ApiError.h"

namespace gate::backend {

/// Runs each pending refund of the event through its payment method and records the
/// answer. The `test` method refunds at once; any other stays pending for its provider.
/// A refund recorded by a concurrent call is not recorded twice (Store::settle_refund).
ApiStatus settle_refunds(Services& s, std::int64_t event_id);

}  // namespace gate::backend
