#include "gate/syncd/Service.h"

#include <chrono>

#include "gate/config/ConfigError.h"
#include "gate/config/SecretFile.h"

namespace gate::syncd {

std::int64_t system_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

ExitCode run_service(const SyncSettings& settings, bool once, const log::Logger& logger) {
    auto store = device::DeviceStore::open(settings.database);
    if (!store) {
        throw StartupError("cannot open the device database " + settings.database.string() + ": " +
                           db::to_string(store.error()));
    }
    auto status = store->sync_status();
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
    BackendLink link(url, std::move(token), http, system_now_ms);
    SyncEngine engine(*store, link, system_now_ms,
                      {.batch_size = static_cast<std::size_t>(settings.batch_size)});
    Daemon daemon(
        engine, {.interval = settings.interval, .backoff = settings.backoff, .once = once}, logger);
    logger.info("gate-syncd started",
                {{"backend", url}, {"database", settings.database.string()}, {"once", once}});
    return daemon.run();
}

}  // namespace gate::syncd
