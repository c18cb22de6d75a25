#pragma once
// The ticket-api's settings: embedded defaults (so it runs with no file), a JSON file and
// GATE_* environment overrides through gate::config. Keys and defaults: docs/api.md.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gate/backend/ClientAddress.h"
#include "gate/config/Config.h"
#include "gate/log/LogSettings.h"

namespace gate::backend {

struct RateRule {
    std::int64_t per_minute = 0;  ///< 0: unlimited
    std::int64_t burst = 0;
};

/// Where rate-limit buckets live (RateLimiter.h). Auto: the database on PostgreSQL (several
/// processes), memory on SQLite (one process).
enum class RateLimitStore { Auto, Memory, Database };

struct Settings {
    // Transport.
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    std::size_t threads = 2;  ///< network threads: accept, read, parse, write
    /// Threads that run handlers (the database work), so that slow work never holds a
    /// network thread. Writers among them wait together for one commit (group commit): the
    /// more handlers, the more writes one flush of the disk carries.
    std::size_t handlers = 64;
    /// Requests that may wait for a handler; one more is answered 503 busy at once.
    std::size_t handler_queue = 4096;
    std::chrono::milliseconds read_timeout{
        10000};  ///< a whole request (and a keep-alive wait) must fit in this
    std::chrono::milliseconds write_timeout{10000};
    std::size_t max_body_bytes = 1024 * 1024;
    std::size_t max_header_bytes = 8 * 1024;
    /// Peers whose X-Forwarded-For is believed (load balancers); empty: none.
    std::vector<AddressRange> trusted_proxies;
    /// Web origins ("https://tickets.example.com", or "*") whose pages may call the API.
    std::vector<std::string> cors_origins;
    /// Who may read /metrics: clients in `metrics_allow`, or bearing `metrics_token`; both
    /// empty: anyone.
    std::vector<AddressRange> metrics_allow;
    std::string metrics_token;
    // Storage and keys.
    /// An SQLite file (path or sqlite:PATH) or postgresql://... (gate/backend/DatabaseUrl.h).
    std::string database_url = "ticket-api.db";
    /// Connections in the store's pool; 0: one per handler up to 16, plus one.
    std::size_t database_connections = 0;
    /// Writes one commit carries at most (group commit); 0: the engine's default (64 on
    /// SQLite, 8 on PostgreSQL, where a batch's many updates of one hot row cost more).
    std::size_t database_max_batch = 0;
    std::filesystem::path master_key_file = "ticket-api.master-key";
    // Auth.
    std::chrono::milliseconds token_ttl{15 * 60 * 1000};
    std::chrono::milliseconds nonce_ttl{5 * 60 * 1000};
    std::vector<std::string> organizers;  ///< wallets that sign in as organizers
    std::vector<std::string> validators;  ///< wallets that sign in as validators
    // Selling and transfers.
    std::chrono::milliseconds reservation_ttl{5 * 60 * 1000};
    std::chrono::milliseconds claim_ttl{24 * 60 * 60 * 1000};
    std::chrono::milliseconds code_valid_before_start{12 * 60 * 60 * 1000};
    /// How long a pass for a rotating code lasts (docs/ticket-code.md, "Format version 2"):
    /// the holder's page renews it whenever it is online.
    std::chrono::milliseconds pass_ttl{72LL * 60 * 60 * 1000};
    std::chrono::milliseconds change_retention{7LL * 24 * 60 * 60 * 1000};
    // Mail and links.
    std::string smtp_url;  ///< empty: email transfers are refused (503 mail_unavailable)
    std::string mail_from = "tickets@gate.localhost";
    std::chrono::milliseconds mail_timeout{10000};
    std::string public_base_url = "http://127.0.0.1:8080";
    // Chain (docs/solana.md, "Backend on chain"); empty rpc url: tickets stay off chain.
    std::string chain_rpc_url;
    std::string chain_device_rpc_url;  ///< what devices are told; empty: chain_rpc_url
    std::filesystem::path chain_payer_key_file = "ticket-api.payer.json";
    std::uint64_t chain_airdrop_lamports = 0;  ///< >0 (test clusters): top the payer up to this
    std::uint64_t chain_validator_lamports = 50'000'000;  ///< each event validator's fee budget
    std::chrono::milliseconds chain_sync_interval{1000};  ///< reconciler wait when idle
    std::chrono::milliseconds chain_max_backoff{60000};   ///< longest wait after failures
    /// A ticket in step is read back from the chain again once its last check is this old.
    std::chrono::milliseconds chain_audit_interval{900000};
    /// How long the reconciler's lease lasts unrenewed: after a SIGKILL another process
    /// takes over within this time (renewed every round, so it must exceed a round).
    std::chrono::milliseconds chain_lease_ttl{10000};

    // Payments (docs/payments.md). Card payments are on when both Stripe files are set.
    std::chrono::milliseconds card_hold{15 * 60 * 1000};  ///< seats held for a card payment
    std::chrono::milliseconds payment_sweep_interval{5000};
    std::string stripe_api_url = "https://api.stripe.com";
    std::filesystem::path stripe_secret_key_file;         ///< holds sk_live_... / sk_test_...
    std::filesystem::path stripe_webhook_secret_file;     ///< holds whsec_...
    std::chrono::milliseconds webhook_tolerance{300000};  ///< Stripe-Signature timestamp window
    // Rate limits per user (sign-in: per wallet and per client address) and per device.
    RateRule sign_in_limit{20, 20};  ///< burst: a minute's worth at once
    RateRule mint_limit{60, 60};
    RateRule pass_limit{30, 30};  ///< passes issued per holder
    RateRule validate_limit{1200, 1200};
    // Claims of email transfers (and their claim page): per signed-in claimant, and per
    // client address (higher: a venue's Wi-Fi puts many claimants behind one address).
    RateRule claim_limit{10, 10};
    RateRule claim_address_limit{60, 60};
    RateLimitStore rate_limit_store = RateLimitStore::Auto;
    log::LogSettings log;
};

/// Reads settings from `config`; throws config::ConfigError naming key and source.
Settings settings_from(const config::Config& config);
/// Every key the service knows (for reject_unknown_keys).
std::vector<std::string_view> settings_keys();
/// The effective settings as JSON (check-config), secrets omitted.
nlohmann::json to_json(const Settings& settings);

}  // namespace gate::backend
