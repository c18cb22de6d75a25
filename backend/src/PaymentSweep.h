#pragma once
// The payment sweeper, run every payments.sweep_interval by ticket-api (any number of
// processes may run it at once: each step is a conditional update, and every call to a
// provider carries an idempotency key): pending card payments whose hold is over are
// cancelled at Stripe and their seats released; pending refunds are retried.

#include "gate/backend/Api.h"

namespace gate::backend {

void sweep_payments(Services& s);

}  // namespace gate::backend
