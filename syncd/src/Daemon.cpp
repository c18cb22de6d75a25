#include "gate/syncd/Daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <mutex>

namespace gate::syncd {

namespace asio = boost::asio;

Daemon::Daemon(SyncEngine& engine, DaemonOptions options, const log::Logger& logger)
    : engine_(engine), options_(options), log_(logger) {}

void Daemon::request_stop() noexcept {
    stop_ = true;
    std::lock_guard lock(wake_mutex_);
    if (wake_) wake_();
}

ExitCode Daemon::run() {
    asio::io_context io;
    asio::thread_pool worker(1);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::steady_timer timer(io);
    Backoff backoff(options_.backoff);
    ExitCode exit_code = ExitCode::Ok;

    {
        std::lock_guard lock(wake_mutex_);
        wake_ = [&] { asio::post(io, [&] { timer.cancel(); }); };
    }

    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        log_.info("stopping after the current batch", {{"signal", signal}});
        stop_ = true;
        timer.cancel();
    });

    std::function<void()> start_cycle;
    auto finish = [&] {
        signals.cancel();
        timer.cancel();
    };
    auto on_cycle_done = [&](const CycleReport& report) {
        if (report.ok()) {
            backoff.reset();
            log_.info("sync cycle done", {{"pushed", report.pushed},
                                          {"duplicates", report.duplicates},
                                          {"conflicts", report.conflicts},
                                          {"changes", report.changes},
                                          {"snapshot", report.snapshot}});
        } else {
            log_.warn("sync cycle failed", {{"kind", to_string(report.error->kind)},
                                            {"error", report.error->message},
                                            {"pushed", report.pushed}});
        }
        if (report.error && report.error->kind == LinkError::Kind::Unauthorized) {
            log_.error("device token refused; stopping (provision the device again)");
            exit_code = ExitCode::Unauthorized;
            return finish();
        }
        if (options_.once) {
            exit_code = report.ok() ? ExitCode::Ok : ExitCode::CycleFailed;
            return finish();
        }
        if (stop_) return finish();
        const auto delay = report.ok() ? options_.interval : backoff.next_delay();
        timer.expires_after(delay);
        timer.async_wait([&](const boost::system::error_code& ec) {
            if (stop_) return finish();
            (void)ec;  // cancelled by a wake-up without stop: run the next cycle now
            start_cycle();
        });
    };
    start_cycle = [&] {
        asio::post(worker, [&] {
            CycleReport report = engine_.run_cycle(stop_);
            asio::post(io, [&, report = std::move(report)] { on_cycle_done(report); });
        });
    };

    if (!stop_) {
        start_cycle();
        io.run();
    }
    worker.join();
    std::lock_guard lock(wake_mutex_);
    wake_ = nullptr;
    return exit_code;
}

}  // namespace gate::syncd
