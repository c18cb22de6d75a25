#pragma once
// App: the whole service without its transport: settings, store, keys, mailer, limits,
// metrics, the router (handle() is the one entry point the Server or a test calls) and,
// when chain.rpc_url is set, the chain reconciler.

#include <memory>

#include "gate/backend/Api.h"
#include "gate/backend/ChainSync.h"

namespace gate::backend {

class App {
  public:
    /// Opens the database (creating and migrating it) and the master key file. Throws
    /// config::ConfigError when either cannot be used: the service cannot start.
    App(Settings settings, log::Logger logger, std::unique_ptr<Clock> clock = nullptr,
        std::unique_ptr<Random> random = nullptr, std::unique_ptr<Mailer> mailer = nullptr);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    /// Routes the request and records its metrics. Never throws.
    Response handle(Request request);

    /// Housekeeping run now and then: drops change-log rows older than the retention.
    void maintain();
    /// Run every payments.sweep_interval: asks providers to cancel payments whose hold is
    /// over (releasing their seats once they have) and retries pending refunds.
    void sweep_payments();

    /// Starts the chain reconciler's worker thread (no-op without chain.rpc_url).
    void start_chain_sync();
    /// The chain reconciler; null without chain.rpc_url.
    ChainSync* chain() { return chain_.get(); }

    const Router& router() const { return *router_; }
    Store& store() { return *store_; }
    const Settings& settings() const { return settings_; }
    Metrics& metrics() { return metrics_; }

  private:
    Settings settings_;
    log::Logger logger_;
    std::unique_ptr<Clock> clock_;
    std::unique_ptr<Random> random_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<KeyVault> keys_;
    std::unique_ptr<Mailer> mailer_;
    std::unique_ptr<RateLimiter> limiter_;
    Metrics metrics_;
    std::unique_ptr<EventListCache> event_lists_;
    std::unique_ptr<payments::StripeAccount> stripe_;
    std::unique_ptr<Services> services_;
    std::unique_ptr<Router> router_;
    std::unique_ptr<ChainSync> chain_;  // last: its worker stops before the rest goes
};

}  // namespace gate::backend
