#include "payments/StripeAccount.h"

#include "gate/config/ConfigError.h"
#include "gate/config/SecretFile.h"

namespace gate::backend::payments {

StripeAccount StripeAccount::from_settings(const Settings& settings) {
    StripeAccount account;
    if (settings.stripe_secret_key_file.empty()) return account;
    StripeOptions options;
    options.api_url = settings.stripe_api_url;
    options.secret_key = config::read_secret_text(settings.stripe_secret_key_file);
    if (options.secret_key.rfind("sk_", 0) != 0 && options.secret_key.rfind("rk_", 0) != 0)
        throw config::ConfigError(
            "payments.stripe_secret_key_file: " + settings.stripe_secret_key_file.string() +
            " does not hold a Stripe secret key (sk_... or rk_...)");
    account.client = StripeClient(std::move(options));
    account.webhook_secret = config::read_secret_text(settings.stripe_webhook_secret_file);
    if (account.webhook_secret.rfind("whsec_", 0) != 0)
        throw config::ConfigError(
            "payments.stripe_webhook_secret_file: " + settings.stripe_webhook_secret_file.string() +
            " does not hold a webhook signing secret (whsec_...)");
    return account;
}

}  // namespace gate::backend::payments
