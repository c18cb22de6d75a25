#include "gate/syncd/Service.h"

#include <chrono>
#include <optional>

#include "gate/config/ConfigError.h"
#include "gate/config/SecretFile.h"
#include "gate/crypto/KeyFile.h"

namespace gate::syncd {

std::int64_t retry_failed_checkins(const SyncSettings& settings) {
    auto database = device::DeviceDatabase::open(settings.database);
    if (!database) {
        throw StartupError("cannot open the device database " + settings.database.string() + ": " +
                           db::to_string(database.error()));
    }
    auto retried = database->chain().retry_failed_checkins();
    if (!retried) {
        throw StartupError("cannot queue the check-ins again: " + db::to_string(retried.error()));
    }
    return *retried;
}

ExitCode run_service(const SyncSettings& settings, bool once, const log::Logger& logger) {
    auto database = device::DeviceDatabase::open(settings.database);
    if (!database) {
        throw StartupError("cannot open the device database " + settings.database.string() + ": " +
                           db::to_string(database.error()));
    }
    auto status = database->sync().sync_status();
    if (!status)
        throw StartupError("cannot read the sync status: " + db::to_string(status.error()));

    std::string url = settings.backend_url.empty() ? status->backend_url : settings.backend_url;
    if (url.empty()) {
        throw StartupError(
            "no backend URL: provision the device first (gate-scanner provision) "
            "or set backend.url");
    }
    std::string token;
    try {
        token = config::read_secret_text(settings.token_file);
    } catch (const config::ConfigError& e) {
        throw StartupError(std::string(e.what()) +
                           " (the device token is written by gate-scanner provision)");
    }

    http::ClientOptions http;
    http.timeout = settings.request_timeout;
    http.max_response_bytes = device::kMaxAnswerBytes;
    device::BackendLink link(url, std::move(token), http, system_clock());
    auto device_key = crypto::load_keypair(settings.key_file);
    if (!device_key)
        throw StartupError("cannot load the device key: " + device_key.error().message +
                           " (gate-scanner provision writes it; set device.key_file)");
    link.sign_batches_with(std::move(device_key).value());
    SyncEngine engine(*database, link, system_clock(),
                      {.batch_size = static_cast<std::size_t>(settings.batch_size)});
    // The chain recorder works on its own thread, so it has its own connection.
    std::optional<device::DeviceDatabase> chain_store;
    std::optional<ChainRecorder> chain;
    if (settings.chain.enabled) {
        auto opened = device::DeviceDatabase::open(settings.database);
        if (!opened) {
            throw StartupError("cannot open the device database " + settings.database.string() +
                               ": " + db::to_string(opened.error()));
        }
        chain_store.emplace(std::move(opened).value());
        RecorderOptions options;
        options.rpc_url = settings.chain.rpc_url;
        options.device_key_file = settings.key_file;
        options.request_timeout = settings.chain.request_timeout;
        options.confirm_timeout = settings.chain.confirm_timeout;
        options.max_in_flight = static_cast<std::size_t>(settings.chain.max_in_flight);
        options.pack.max_checkins = static_cast<std::size_t>(settings.chain.max_checkins_per_tx);
        options.pack.compute_unit_price =
            static_cast<std::uint64_t>(settings.chain.compute_unit_price);
        chain.emplace(*chain_store, std::move(options), system_clock());
    }
    Daemon daemon(engine,
                  {.interval = settings.interval,
                   .backoff = settings.backoff,
                   .once = once,
                   .chain_interval = settings.chain.interval},
                  logger, chain ? &*chain : nullptr);
    logger.info("gate-syncd started", {{"backend", url},
                                       {"database", settings.database.string()},
                                       {"chain", settings.chain.enabled},
                                       {"once", once}});
    return daemon.run();
}

}  // namespace gate::syncd
