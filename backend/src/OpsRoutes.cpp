// Operations: health (database, mail, chain when configured), Prometheus metrics (for
// the addresses in metrics.allow or the holder of metrics.token, when either is set) and
// the API's OpenAPI description, with an ETag so that a client that has it gets a 304.
#include "ApiSupport.h"
#include "ConditionalGet.h"
#include "ConstantTime.h"
#include "Endpoint.h"
#include "OpenApi.h"
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
    const bool restricted = !s.settings.metrics_allow.empty() || !s.settings.metrics_token.empty();
    const auto bearer = c.request.bearer();
    const bool by_token = !s.settings.metrics_token.empty() && bearer &&
                          equal_in_constant_time(*bearer, s.settings.metrics_token);
    if (restricted && !by_token && !in_ranges(s.settings.metrics_allow, c.request.remote))
        return fail(forbidden(
            "metrics are restricted to metrics.allow addresses or the metrics.token bearer"));
    Response response;
    response.content_type = "text/plain; version=0.0.4";
    const auto commits = s.store.commit_totals();
    s.metrics.set_total("gate_store_commits_total", commits.commits);
    s.metrics.set_total("gate_store_committed_writes_total", commits.writes);
    response.body = s.metrics.render();
    return response;
}

ApiResult<Response> openapi(Call& c) {
    static const std::string etag = etag_of(openapi_document());
    return conditional_answer(c.request, etag, std::string(openapi_document()),
                              "public, max-age=300", "application/json");
}

}  // namespace

void add_ops_routes(Router& router, Services& s) {
    add_endpoint(router, s, {Method::Get, "/api/v1/health", Caller::Anyone, {}, {}}, health);
    add_endpoint(router, s, {Method::Get, "/metrics", Caller::Anyone, {}, {}}, metrics);
    add_endpoint(router, s, {Method::Get, "/api/v1/openapi.json", Caller::Anyone, {}, {}}, openapi);
}

}  // namespace gate::backend
