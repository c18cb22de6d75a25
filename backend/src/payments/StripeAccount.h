#pragma once
// The Stripe account that card payments use: the API client (secret key) and the webhook
// signing secret, both read from files only their owner may read. Without both files
// card payments are off and `card` is refused as a payment method.

#include <string>

#include "gate/backend/Settings.h"
#include "payments/StripeClient.h"

namespace gate::backend::payments {

struct StripeAccount {
    StripeClient client{StripeOptions{}};
    std::string webhook_secret;

    bool configured() const { return client.configured() && !webhook_secret.empty(); }

    /// Reads payments.stripe_secret_key_file and payments.stripe_webhook_secret_file.
    /// Throws config::ConfigError for a file that is missing, empty or readable by others.
    static StripeAccount from_settings(const Settings& settings);
};

}  // namespace gate::backend::payments
