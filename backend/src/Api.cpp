// The whole REST API: every route file's endpoints on one Router (docs/api.md).
#include "gate/backend/Api.h"

namespace gate::backend {

Router make_router(Services& services) {
    Router router(services.logger.child("router"));
    add_ops_routes(router, services);
    add_auth_routes(router, services);
    add_event_routes(router, services);
    add_refund_routes(router, services);
    add_payment_routes(router, services);
    add_ticket_routes(router, services);
    add_transfer_routes(router, services);
    add_claim_page_routes(router, services);
    add_holder_page_routes(router, services);
    add_staff_routes(router, services);
    add_validation_routes(router, services);
    add_device_routes(router, services);
    return router;
}

}  // namespace gate::backend
