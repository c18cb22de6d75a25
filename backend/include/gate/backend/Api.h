#pragma once
// The REST API: every route of ticket-api registered on a Router over the services it
// needs. Handlers are plain functions of a Request; docs/api.md describes each route.

#include "gate/backend/KeyVault.h"
#include "gate/backend/Mailer.h"
#include "gate/backend/Metrics.h"
#include "gate/backend/Random.h"
#include "gate/backend/RateLimiter.h"
#include "gate/backend/Router.h"
#include "gate/backend/Settings.h"
#include "gate/backend/Store.h"
#include "gate/log/Logger.h"

namespace gate::backend {

class EventListCache;
namespace payments {
struct StripeAccount;
}

/// What the handlers borrow; the App (or a test) owns each part.
struct Services {
    Store& store;
    const Clock& clock;
    Random& random;
    const Settings& settings;
    const KeyVault& keys;
    Mailer& mailer;
    RateLimiter& limiter;
    Metrics& metrics;
    EventListCache& event_lists;
    const payments::StripeAccount& stripe;
    log::Logger logger;
};

void add_auth_routes(Router& router, Services& services);
void add_event_routes(Router& router, Services& services);
void add_ticket_routes(Router& router, Services& services);
void add_staff_routes(Router& router, Services& services);
void add_validation_routes(Router& router, Services& services);
void add_transfer_routes(Router& router, Services& services);
/// GET /claim/{reference}: the HTML page the claim mail links to.
void add_claim_page_routes(Router& router, Services& services);
void add_holder_page_routes(Router& router, Services& services);
void add_device_routes(Router& router, Services& services);
void add_refund_routes(Router& router, Services& services);
/// Payments: the buyer's and the organizer's lists, one payment, provider webhooks.
void add_payment_routes(Router& router, Services& services);
void add_ops_routes(Router& router, Services& services);

/// All of the above.
Router make_router(Services& services);

/// The fixed text a wallet signs to sign in (docs/api.md, "Sign-in").
std::string sign_in_message(std::string_view wallet, std::string_view nonce);

}  // namespace gate::backend
