// Operations: health (database, mail, chain when configured) and Prometheus metrics.
#include "ApiSupport.h"
#include "Endpoint.h"
#include "gate/http/Client.h"

namespace gate::backend {

namespace {
ApiResult<Response> health(Call& c) {
    Services& s = c.s;
    nlohmann::json checks;
    bool healthy = true;
    if (auto db = s.store.ping(); db.ok()) {
        checks["database"] = "ok";
    } else {
        checks["database"] = "error: " + db.error().message;
        healthy = false;
    }
    if (!s.mailer.configured()) {
        checks["mail"] = "not_configured";
    } else if (auto mail = s.mailer.check(); mail.ok()) {
        checks["mail"] = "ok";
    } else {
        checks["mail"] = "error: " + mail.error();
    }
    if (s.settings.chain_rpc_url.empty()) {
        checks["chain"] = "not_configured";
    } else {
        http::ClientOptions options;
        options.timeout = std::chrono::seconds{2};
        http::Client client(options);
        auto answer = client.post_json(s.settings.chain_rpc_url,
                                       {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "getHealth"}});
        checks["chain"] = answer.ok() && answer->success() ? "ok" : "unreachable";
    }
    // Mail and chain are degraded service, not death: only the database fails
    // health.
    const bool degraded = checks["mail"].get<std::string>().rfind("error", 0) == 0 ||
                          checks["chain"] == "unreachable";
    return json_response(healthy ? 200 : 503, {{"status", !healthy   ? "down"
                                                          : degraded ? "degraded"
                                                                     : "ok"},
                                               {"checks", checks},
                                               {"server_time", s.clock.now_ms()}});
}

ApiResult<Response> metrics(Call& c) {
    Services& s = c.s;
    Response response;
    response.content_type = "text/plain; version=0.0.4";
    response.body = s.metrics.render();
    return response;
}

}  // namespace

void add_ops_routes(Router& router, Services& s) {
    add_endpoint(router, s, {Method::Get, "/api/v1/health", Caller::Anyone, {}, {}}, health);
    add_endpoint(router, s, {Method::Get, "/metrics", Caller::Anyone, {}, {}}, metrics);
}

}  // namespace gate::backend
