// gate-syncd: command-line wiring over gate::syncd.
#include <CLI/CLI.hpp>
#include <iostream>

#include "gate/config/ConfigError.h"
#include "gate/syncd/Service.h"
#include "gate/syncd/SyncSettings.h"

int main(int argc, char** argv) {
    using gate::syncd::ExitCode;
    CLI::App app{"gate-syncd: keeps a gate scanner's database in sync with the backend"};
    app.require_subcommand(1);
    std::string config_path;
    app.add_option("--config", config_path,
                   "JSON settings file (optional; GATE_* environment variables override it)");

    auto* run = app.add_subcommand("run", "Sync until stopped (SIGTERM finishes the batch)");
    bool once = false;
    run->add_flag("--once", once, "Run one sync cycle and exit (0 ok, 1 failed, 3 token refused)");
    auto* check = app.add_subcommand(
        "check-config", "Validate the settings and print the effective values as JSON");
    auto* retry = app.add_subcommand(
        "retry-checkins",
        "Queue the check-ins the chain refused again (after fixing the cause; see docs/syncd.md)");
    CLI11_PARSE(app, argc, argv);

    try {
        gate::config::LoadOptions options;
        options.file_optional = config_path.empty();
        const auto config = config_path.empty() ? gate::config::Config::from_defaults(options)
                                                : gate::config::Config::load(config_path, options);
        const auto settings = gate::syncd::sync_settings_from(config);
        for (const auto& unknown : config.unknown_env_overrides(gate::syncd::sync_config_keys())) {
            std::cerr << "warning: " << unknown.message() << "\n";
        }
        if (*check) {
            std::cout << gate::syncd::to_json(settings).dump(2) << "\n";
            return 0;
        }
        if (*retry) {
            std::cout << gate::syncd::retry_failed_checkins(settings)
                      << " check-ins queued again\n";
            return 0;
        }
        const auto logger = gate::log::make_logger(settings.log, "gate-syncd");
        return static_cast<int>(gate::syncd::run_service(settings, once, logger));
    } catch (const gate::config::ConfigError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::BadUsage);
    } catch (const gate::syncd::StartupError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::BadUsage);
    } catch (const std::system_error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::BadUsage);
    }
}
