#include "gate/backend/App.h"

#include <algorithm>
#include <chrono>

#include "Cors.h"
#include "EventListCache.h"
#include "PaymentSweep.h"
#include "gate/backend/ClientAddress.h"
#include "gate/config/ConfigError.h"
#include "payments/StripeAccount.h"

namespace gate::backend {

App::App(Settings settings, log::Logger logger, std::unique_ptr<Clock> clock,
         std::unique_ptr<Random> random, std::unique_ptr<Mailer> mailer)
    : settings_(std::move(settings)),
      logger_(std::move(logger)),
      clock_(clock ? std::move(clock) : std::make_unique<SystemClock>()),
      random_(random ? std::move(random) : std::make_unique<SecureRandom>()) {
    auto url = DatabaseUrl::parse(settings_.database_url);
    if (!url.ok()) throw config::ConfigError("database.url: " + url.error());
    StoreOptions options;
    options.url = *url;
    // Writers share one connection per batch (group commit), so readers need the rest: a
    // pool larger than this buys little and costs the database server connections.
    options.connections = settings_.database_connections != 0
                              ? settings_.database_connections
                              : std::min<std::size_t>(settings_.handlers, 16) + 1;
    options.max_batch = settings_.database_max_batch;
    auto store = open_store(options, logger_.child("store"));
    if (!store.ok()) throw config::ConfigError("database.url: " + store.error());
    store_ = std::move(store).value();
    keys_ = std::make_unique<KeyVault>(KeyVault::open(settings_.master_key_file));
    mailer_ = mailer ? std::move(mailer)
                     : std::make_unique<SmtpMailer>(settings_.smtp_url, settings_.mail_from,
                                                    settings_.mail_timeout);
    const bool shared_limits = settings_.rate_limit_store == RateLimitStore::Database ||
                               (settings_.rate_limit_store == RateLimitStore::Auto &&
                                url->engine == DatabaseUrl::Engine::Postgres);
    limiter_ = shared_limits ? std::make_unique<RateLimiter>(*clock_, *store_)
                             : std::make_unique<RateLimiter>(*clock_);
    event_lists_ = std::make_unique<EventListCache>();
    stripe_ = std::make_unique<payments::StripeAccount>(
        payments::StripeAccount::from_settings(settings_));
    services_ = std::make_unique<Services>(Services{*store_, *clock_, *random_, settings_, *keys_,
                                                    *mailer_, *limiter_, metrics_, *event_lists_,
                                                    *stripe_, logger_.child("api")});
    router_ = std::make_unique<Router>(make_router(*services_));
    if (!settings_.chain_rpc_url.empty())
        chain_ = std::make_unique<ChainSync>(*store_, *keys_, settings_, *clock_, metrics_,
                                             logger_.child("chain"));
}

void App::start_chain_sync() {
    if (chain_) chain_->start();
}

App::~App() = default;

Response App::handle(Request request) {
    const auto started = std::chrono::steady_clock::now();
    if (!settings_.trusted_proxies.empty()) {
        std::optional<std::string> forwarded;
        for (const auto& [name, value] : request.headers)
            if (http::iequals(name, "X-Forwarded-For"))
                forwarded = forwarded ? *forwarded + "," + value : value;
        request.remote = client_address(request.remote, forwarded, settings_.trusted_proxies);
    }
    const Method method = request.method;
    if (auto preflight = cors_preflight(request, settings_.cors_origins)) {
        metrics_.observe_request("OPTIONS", "preflight", preflight->status, 0.0);
        return std::move(*preflight);
    }
    const std::optional<std::string> origin =
        settings_.cors_origins.empty() ? std::nullopt : request.header("Origin");
    std::string route =
        router_->match_pattern(method == Method::Head ? Method::Get : method, request.path);
    Response response = router_->handle(std::move(request));
    if (origin) add_cors_headers(*origin, settings_.cors_origins, response);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics_.observe_request(to_string(method), route.empty() ? "unmatched" : route,
                             response.status, took.count());
    return response;
}

void App::sweep_payments() {
    backend::sweep_payments(*services_);
}

void App::maintain() {
    if (auto pruned = store_->prune_changes(clock_->now_ms() - settings_.change_retention.count());
        !pruned.ok())
        logger_.warn("change log pruning failed", {{"error", pruned.error().message}});
}

}  // namespace gate::backend
