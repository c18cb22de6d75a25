#include "gate/backend/Settings.h"

#include <array>

#include "gate/backend/DatabaseUrl.h"
#include "gate/config/ConfigError.h"
#include "gate/http/Url.h"

namespace gate::backend {

namespace {
constexpr std::array<std::string_view, 57> kKeys{"server.address",
                                                 "server.port",
                                                 "server.threads",
                                                 "server.handlers",
                                                 "server.queue",
                                                 "server.read_timeout",
                                                 "server.write_timeout",
                                                 "server.max_body_bytes",
                                                 "server.max_header_bytes",
                                                 "server.trusted_proxies",
                                                 "server.cors_origins",
                                                 "metrics.allow",
                                                 "metrics.token",
                                                 "database.url",
                                                 "database.path",
                                                 "database.connections",
                                                 "database.max_batch",
                                                 "keys.master_key_file",
                                                 "auth.token_ttl",
                                                 "auth.nonce_ttl",
                                                 "auth.organizers",
                                                 "auth.validators",
                                                 "tickets.reservation_ttl",
                                                 "tickets.code_valid_before_start",
                                                 "tickets.pass_ttl",
                                                 "transfers.claim_ttl",
                                                 "devices.change_retention",
                                                 "mail.smtp_url",
                                                 "mail.from",
                                                 "mail.timeout",
                                                 "public_base_url",
                                                 "chain.rpc_url",
                                                 "chain.device_rpc_url",
                                                 "chain.payer_key_file",
                                                 "chain.airdrop_lamports",
                                                 "chain.validator_lamports",
                                                 "chain.sync_interval",
                                                 "chain.max_backoff",
                                                 "chain.audit_interval",
                                                 "chain.lease_ttl",
                                                 "payments.card_hold",
                                                 "payments.sweep_interval",
                                                 "payments.stripe_api_url",
                                                 "payments.stripe_secret_key_file",
                                                 "payments.stripe_webhook_secret_file",
                                                 "payments.webhook_tolerance",
                                                 "limits.sign_in_per_minute",
                                                 "limits.mint_per_minute",
                                                 "limits.pass_per_minute",
                                                 "limits.validate_per_minute",
                                                 "limits.claim_per_minute",
                                                 "limits.claim_per_address_per_minute",
                                                 "limits.burst",
                                                 "limits.store",
                                                 "log.level",
                                                 "log.format",
                                                 "log.file"};

std::chrono::milliseconds positive(const config::Config& c, std::string_view key,
                                   std::chrono::milliseconds fallback) {
    const auto value = c.get<std::chrono::milliseconds>(key, fallback);
    if (value.count() <= 0)
        throw config::ConfigError(std::string(key) + " (" + c.env_name(key) +
                                  "): must be positive");
    return value;
}
std::vector<AddressRange> ranges(const config::Config& c, std::string_view key) {
    std::vector<AddressRange> out;
    for (const auto& text : c.get<std::vector<std::string>>(key, {})) {
        auto range = AddressRange::parse(text);
        if (!range.ok())
            throw config::ConfigError(std::string(key) + " (" + c.env_name(key) +
                                      "): " + range.error());
        out.push_back(*range);
    }
    return out;
}
std::vector<std::string> range_texts(const std::vector<AddressRange>& ranges) {
    std::vector<std::string> out;
    for (const auto& range : ranges)
        out.push_back(range.to_string());
    return out;
}
// An origin is scheme://host[:port] with nothing after it, as browsers send it.
bool is_origin(const std::string& text) {
    if (text == "*") return true;
    if (!http::is_http_url(text)) return false;
    const auto host = text.find("://") + 3;
    return text.find_first_of("/?#", host) == std::string::npos;
}
std::string_view to_string(RateLimitStore store) {
    switch (store) {
        case RateLimitStore::Memory:
            return "memory";
        case RateLimitStore::Database:
            return "database";
        case RateLimitStore::Auto:
            break;
    }
    return "auto";
}
std::string redacted_url(const std::string& text) {
    auto url = DatabaseUrl::parse(text);
    return url.ok() ? url->redacted() : std::string("(invalid)");
}
}  // namespace

std::vector<std::string_view> settings_keys() {
    return {kKeys.begin(), kKeys.end()};
}

Settings settings_from(const config::Config& c) {
    Settings s;
    s.address = c.get<std::string>("server.address", s.address);
    s.port = static_cast<std::uint16_t>(c.get_in_range("server.port", s.port, 0, 65535));
    s.threads = static_cast<std::size_t>(c.get_in_range("server.threads", 2, 1, 256));
    s.handlers = static_cast<std::size_t>(c.get_in_range("server.handlers", 64, 1, 1024));
    s.handler_queue = static_cast<std::size_t>(c.get_in_range("server.queue", 4096, 1, 1000000));
    s.read_timeout = positive(c, "server.read_timeout", s.read_timeout);
    s.write_timeout = positive(c, "server.write_timeout", s.write_timeout);
    s.max_body_bytes = static_cast<std::size_t>(
        c.get_in_range("server.max_body_bytes", 1024 * 1024, 1024, 64LL * 1024 * 1024));
    s.max_header_bytes = static_cast<std::size_t>(
        c.get_in_range("server.max_header_bytes", 8 * 1024, 1024, 64 * 1024));
    s.trusted_proxies = ranges(c, "server.trusted_proxies");
    s.cors_origins = c.get<std::vector<std::string>>("server.cors_origins", {});
    for (auto& origin : s.cors_origins) {
        while (origin.size() > 1 && origin.back() == '/')
            origin.pop_back();
        if (!is_origin(origin))
            throw config::ConfigError("server.cors_origins (" + c.env_name("server.cors_origins") +
                                      "): expected \"*\" or an origin such as "
                                      "https://tickets.example.com, got \"" +
                                      origin + "\"");
    }
    s.metrics_allow = ranges(c, "metrics.allow");
    s.metrics_token = c.get<std::string>("metrics.token", "");
    if (c.contains("database.url") && c.contains("database.path"))
        throw config::ConfigError("database.url (" + c.env_name("database.url") +
                                  ") and database.path (" + c.env_name("database.path") +
                                  "): give one; database.path is the older name of a file url");
    s.database_url =
        c.get<std::string>("database.url", c.get<std::string>("database.path", s.database_url));
    if (auto url = DatabaseUrl::parse(s.database_url); !url.ok())
        throw config::ConfigError("database.url (" + c.env_name("database.url") +
                                  "): " + url.error());
    s.database_connections =
        static_cast<std::size_t>(c.get_in_range("database.connections", 0, 0, 1000));
    s.database_max_batch =
        static_cast<std::size_t>(c.get_in_range("database.max_batch", 0, 0, 1024));
    s.master_key_file = c.get<std::string>("keys.master_key_file", s.master_key_file.string());
    s.token_ttl = positive(c, "auth.token_ttl", s.token_ttl);
    s.nonce_ttl = positive(c, "auth.nonce_ttl", s.nonce_ttl);
    s.organizers = c.get<std::vector<std::string>>("auth.organizers", {});
    s.validators = c.get<std::vector<std::string>>("auth.validators", {});
    s.reservation_ttl = positive(c, "tickets.reservation_ttl", s.reservation_ttl);
    s.code_valid_before_start = c.get<std::chrono::milliseconds>("tickets.code_valid_before_start",
                                                                 s.code_valid_before_start);
    s.pass_ttl = positive(c, "tickets.pass_ttl", s.pass_ttl);
    s.claim_ttl = positive(c, "transfers.claim_ttl", s.claim_ttl);
    s.change_retention = positive(c, "devices.change_retention", s.change_retention);
    s.smtp_url = c.get<std::string>("mail.smtp_url", "");
    if (!s.smtp_url.empty() && s.smtp_url.rfind("smtp://", 0) != 0 &&
        s.smtp_url.rfind("smtps://", 0) != 0)
        throw config::ConfigError("mail.smtp_url (" + c.env_name("mail.smtp_url") +
                                  "): expected smtp://host:port or smtps://, got \"" + s.smtp_url +
                                  "\"");
    s.mail_from = c.get<std::string>("mail.from", s.mail_from);
    s.mail_timeout = positive(c, "mail.timeout", s.mail_timeout);
    s.public_base_url = c.get<std::string>("public_base_url", s.public_base_url);
    while (!s.public_base_url.empty() && s.public_base_url.back() == '/')
        s.public_base_url.pop_back();
    s.chain_rpc_url = c.get<std::string>("chain.rpc_url", "");
    s.chain_device_rpc_url = c.get<std::string>("chain.device_rpc_url", "");
    for (const auto* key : {"chain.rpc_url", "chain.device_rpc_url"}) {
        const std::string& url =
            std::string_view(key) == "chain.rpc_url" ? s.chain_rpc_url : s.chain_device_rpc_url;
        if (!url.empty() && !http::is_http_url(url))
            throw config::ConfigError(std::string(key) + " (" + c.env_name(key) +
                                      "): expected http:// or https://, got \"" + url + "\"");
    }
    s.chain_payer_key_file =
        c.get<std::string>("chain.payer_key_file", s.chain_payer_key_file.string());
    s.chain_airdrop_lamports = static_cast<std::uint64_t>(
        c.get_in_range("chain.airdrop_lamports", 0, 0, 1'000'000'000'000'000LL));
    s.chain_validator_lamports = static_cast<std::uint64_t>(
        c.get_in_range("chain.validator_lamports", 50'000'000, 0, 1'000'000'000'000'000LL));
    s.chain_sync_interval = positive(c, "chain.sync_interval", s.chain_sync_interval);
    s.chain_max_backoff = positive(c, "chain.max_backoff", s.chain_max_backoff);
    s.chain_audit_interval = positive(c, "chain.audit_interval", s.chain_audit_interval);
    s.chain_lease_ttl = positive(c, "chain.lease_ttl", s.chain_lease_ttl);
    s.card_hold = positive(c, "payments.card_hold", s.card_hold);
    s.payment_sweep_interval = positive(c, "payments.sweep_interval", s.payment_sweep_interval);
    s.stripe_api_url = c.get<std::string>("payments.stripe_api_url", s.stripe_api_url);
    while (!s.stripe_api_url.empty() && s.stripe_api_url.back() == '/')
        s.stripe_api_url.pop_back();
    if (!http::is_http_url(s.stripe_api_url))
        throw config::ConfigError(
            "payments.stripe_api_url (" + c.env_name("payments.stripe_api_url") +
            "): expected http:// or https://, got \"" + s.stripe_api_url + "\"");
    s.stripe_secret_key_file = c.get<std::string>("payments.stripe_secret_key_file", "");
    s.stripe_webhook_secret_file = c.get<std::string>("payments.stripe_webhook_secret_file", "");
    if (s.stripe_secret_key_file.empty() != s.stripe_webhook_secret_file.empty())
        throw config::ConfigError(
            "payments.stripe_secret_key_file and payments.stripe_webhook_secret_file: set both "
            "(card payments need the API key and the webhook signing secret) or neither");
    s.webhook_tolerance = positive(c, "payments.webhook_tolerance", s.webhook_tolerance);
    const auto burst = c.get_in_range("limits.burst", 0, 0, 1000000);
    s.sign_in_limit.per_minute = c.get_in_range("limits.sign_in_per_minute", 20, 0, 1000000);
    s.mint_limit.per_minute = c.get_in_range("limits.mint_per_minute", 60, 0, 1000000);
    s.pass_limit.per_minute = c.get_in_range("limits.pass_per_minute", 30, 0, 1000000);
    s.validate_limit.per_minute = c.get_in_range("limits.validate_per_minute", 1200, 0, 100000000);
    s.claim_limit.per_minute = c.get_in_range("limits.claim_per_minute", 10, 0, 1000000);
    s.claim_address_limit.per_minute =
        c.get_in_range("limits.claim_per_address_per_minute", 60, 0, 1000000);
    for (RateRule* r : {&s.sign_in_limit, &s.mint_limit, &s.pass_limit, &s.validate_limit,
                        &s.claim_limit, &s.claim_address_limit})
        r->burst = burst > 0 ? burst : std::max<std::int64_t>(1, r->per_minute);
    const auto store = c.get<std::string>("limits.store", "auto");
    if (store == "memory")
        s.rate_limit_store = RateLimitStore::Memory;
    else if (store == "database")
        s.rate_limit_store = RateLimitStore::Database;
    else if (store != "auto")
        throw config::ConfigError("limits.store (" + c.env_name("limits.store") +
                                  "): expected auto, memory or database, got \"" + store + "\"");
    s.log = log::log_settings_from(c);
    return s;
}

nlohmann::json to_json(const Settings& s) {
    return {
        {"server",
         {{"address", s.address},
          {"port", s.port},
          {"threads", s.threads},
          {"handlers", s.handlers},
          {"queue", s.handler_queue},
          {"read_timeout", s.read_timeout.count()},
          {"write_timeout", s.write_timeout.count()},
          {"max_body_bytes", s.max_body_bytes},
          {"max_header_bytes", s.max_header_bytes},
          {"trusted_proxies", range_texts(s.trusted_proxies)},
          {"cors_origins", s.cors_origins}}},
        {"metrics",
         {{"allow", range_texts(s.metrics_allow)}, {"token_set", !s.metrics_token.empty()}}},
        {"database",
         {{"url", redacted_url(s.database_url)},
          {"connections", s.database_connections},
          {"max_batch", s.database_max_batch}}},
        {"keys", {{"master_key_file", s.master_key_file.string()}}},
        {"auth",
         {{"token_ttl", s.token_ttl.count()},
          {"nonce_ttl", s.nonce_ttl.count()},
          {"organizers", s.organizers},
          {"validators", s.validators}}},
        {"tickets",
         {{"reservation_ttl", s.reservation_ttl.count()},
          {"code_valid_before_start", s.code_valid_before_start.count()},
          {"pass_ttl", s.pass_ttl.count()}}},
        {"transfers", {{"claim_ttl", s.claim_ttl.count()}}},
        {"devices", {{"change_retention", s.change_retention.count()}}},
        {"mail",
         {{"smtp_url", s.smtp_url}, {"from", s.mail_from}, {"timeout", s.mail_timeout.count()}}},
        {"public_base_url", s.public_base_url},
        {"chain",
         {{"rpc_url", s.chain_rpc_url},
          {"device_rpc_url", s.chain_device_rpc_url},
          {"payer_key_file", s.chain_payer_key_file.string()},
          {"airdrop_lamports", s.chain_airdrop_lamports},
          {"validator_lamports", s.chain_validator_lamports},
          {"sync_interval", s.chain_sync_interval.count()},
          {"max_backoff", s.chain_max_backoff.count()},
          {"audit_interval", s.chain_audit_interval.count()},
          {"lease_ttl", s.chain_lease_ttl.count()}}},
        {"payments",
         {{"card_hold", s.card_hold.count()},
          {"sweep_interval", s.payment_sweep_interval.count()},
          {"stripe_api_url", s.stripe_api_url},
          {"stripe_secret_key_file", s.stripe_secret_key_file.string()},
          {"stripe_webhook_secret_file", s.stripe_webhook_secret_file.string()},
          {"webhook_tolerance", s.webhook_tolerance.count()}}},
        {"limits",
         {{"sign_in_per_minute", s.sign_in_limit.per_minute},
          {"mint_per_minute", s.mint_limit.per_minute},
          {"pass_per_minute", s.pass_limit.per_minute},
          {"validate_per_minute", s.validate_limit.per_minute},
          {"claim_per_minute", s.claim_limit.per_minute},
          {"claim_per_address_per_minute", s.claim_address_limit.per_minute},
          {"store", to_string(s.rate_limit_store)}}},
    };
}

}  // namespace gate::backend
