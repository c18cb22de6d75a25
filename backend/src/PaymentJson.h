#pragma once
// How payments and refunds read in the API's answers (docs/api.md, "Payments").

#include <nlohmann/json.hpp>
#include <vector>

#include "gate/backend/Model.h"

namespace gate::backend {

nlohmann::json refund_json(const Refund& refund);

/// `for_buyer` adds what only the buyer's page needs (the client secret, while pending).
nlohmann::json payment_json(const PaymentRecord& payment, bool for_buyer,
                            const std::vector<Refund>& refunds = {},
                            const std::vector<PaymentEvent>* history = nullptr);

}  // namespace gate::backend
