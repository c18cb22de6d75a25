// ticket-api: command-line wiring over gate::backend. `serve` (the default) runs the
// REST service until SIGTERM or SIGINT; `check-config` prints the effective settings;
// `migrate` brings the database's schema up to date and says which version it is at;
// `export FILE` / `import FILE` move every row to another database (DatabaseTransfer.h).
#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include "gate/backend/App.h"
#include "gate/backend/DatabaseTransfer.h"
#include "gate/backend/DatabaseUrl.h"
#include "gate/backend/Server.h"
#include "gate/backend/Store.h"
#include "gate/config/ConfigError.h"

int main(int argc, char** argv) {
    CLI::App cli{"ticket-api: the gate ticketing REST service"};
    std::string config_path;
    cli.add_option("--config", config_path,
                   "JSON settings file (optional; GATE_* environment variables override it)");
    auto* check = cli.add_subcommand(
        "check-config", "Validate the settings and print the effective values as JSON");
    auto* migrate = cli.add_subcommand(
        "migrate", "Create or upgrade the database's schema (serve does it too) and exit");
    std::string export_path, import_path;
    auto* export_cmd = cli.add_subcommand(
        "export", "Write every row of the database to FILE (JSON Lines), for import elsewhere");
    export_cmd->add_option("file", export_path, "the export file to write")->required();
    auto* import_cmd = cli.add_subcommand(
        "import", "Load an export FILE into the database (new and empty), checking the counts");
    import_cmd->add_option("file", import_path, "the export file to read")->required();
    cli.add_subcommand("serve", "Run the service (the default)");
    CLI11_PARSE(cli, argc, argv);

    // Block the stop signals in every thread; the main thread waits for them below.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    try {
        gate::config::LoadOptions options;
        options.file_optional = config_path.empty();
        const auto config = config_path.empty() ? gate::config::Config::from_defaults(options)
                                                : gate::config::Config::load(config_path, options);
        const auto keys = gate::backend::settings_keys();
        config.reject_unknown_keys(keys);
        const auto settings = gate::backend::settings_from(config);
        if (*check) {
            std::cout << gate::backend::to_json(settings).dump(2) << "\n";
            return 0;
        }
        if (*migrate) {
            auto url = gate::backend::DatabaseUrl::parse(settings.database_url);
            if (!url.ok()) throw gate::config::ConfigError("database.url: " + url.error());
            auto version = gate::backend::migrate_database(*url);
            if (!version.ok()) {
                std::cerr << "error: " << version.error() << "\n";
                return 1;
            }
            std::cout << "database " << url->redacted() << " is at schema version " << *version
                      << std::endl;
            return 0;
        }
        if (*export_cmd || *import_cmd) {
            auto url = gate::backend::DatabaseUrl::parse(settings.database_url);
            if (!url.ok()) throw gate::config::ConfigError("database.url: " + url.error());
            gate::Result<gate::backend::TableCounts, std::string> counts =
                gate::fail(std::string());
            if (*export_cmd) {
                std::ofstream out(export_path, std::ios::binary | std::ios::trunc);
                if (!out) {
                    std::cerr << "error: cannot write " << export_path << "\n";
                    return 1;
                }
                counts = gate::backend::export_database(*url, out);
            } else {
                std::ifstream in(import_path, std::ios::binary);
                if (!in) {
                    std::cerr << "error: cannot read " << import_path << "\n";
                    return 1;
                }
                counts = gate::backend::import_database(*url, in);
            }
            if (!counts.ok()) {
                std::cerr << "error: " << (*export_cmd ? "export" : "import")
                          << " failed: " << counts.error() << "\n";
                return 1;
            }
            std::int64_t total = 0;
            for (const auto& [table, rows] : *counts) {
                std::cout << "  " << table << ": " << rows << "\n";
                total += rows;
            }
            std::cout << (*export_cmd ? "exported " : "imported ") << total << " rows "
                      << (*export_cmd ? "from " : "into ") << url->redacted()
                      << (*export_cmd ? " to " + export_path : std::string(", counts checked"))
                      << std::endl;
            return 0;
        }
        auto logger = gate::log::make_logger(settings.log, "ticket-api");
        for (const auto& unknown : config.unknown_env_overrides(keys))
            logger.warn(unknown.message());

        gate::backend::App app(settings, logger);
        gate::backend::Server server(
            settings, [&app](gate::backend::Request r) { return app.handle(std::move(r)); },
            logger.child("http"));
        server.start();
        app.start_chain_sync();
        std::cout << "ticket-api listening on " << settings.address << ":" << server.port()
                  << std::endl;

        std::atomic<bool> done{false};
        // Housekeeping: the change log's pruning every minute, the payment sweeper every
        // payments.sweep_interval (both first at start-up).
        std::thread housekeeping([&] {
            using Clock = std::chrono::steady_clock;
            auto next_maintain = Clock::now();
            auto next_sweep = Clock::now();
            while (!done) {
                const auto now = Clock::now();
                if (now >= next_maintain) {
                    app.maintain();
                    next_maintain = now + std::chrono::minutes{1};
                }
                if (now >= next_sweep) {
                    app.sweep_payments();
                    next_sweep = Clock::now() + settings.payment_sweep_interval;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds{100});
            }
        });
        int signal = 0;
        sigwait(&stop_signals, &signal);
        logger.info("stopping", {{"signal", signal}});
        server.stop();
        if (auto* chain = app.chain()) chain->stop();
        done = true;
        housekeeping.join();
        std::cout << "ticket-api stopped" << std::endl;
        return 0;
    } catch (const gate::config::ConfigError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
