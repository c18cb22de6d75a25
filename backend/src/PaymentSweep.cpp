#include "PaymentSweep.h"

#include "Refunds.h"
#include "payments/CardPayments.h"
#include "payments/StripeAccount.h"

namespace gate::backend {

void sweep_payments(Services& s) {
    if (s.stripe.configured()) payments::sweep_card_payments(s);
    if (auto settled = settle_due_refunds(s); !settled.ok())
        s.logger.warn("refunds not settled", {{"why", settled.error().message}});
}

}  // namespace gate::backend
