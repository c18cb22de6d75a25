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

Daemon::Daemon(SyncEngine& engine, DaemonOptions options, const log::Logger& logger,
               ChainRecorder* chain)
    : engine_(engine), chain_(chain), options_(options), log_(logger) {}

void Daemon::request_stop() noexcept {
    stop_ = true;
    std::lock_guard lock(wake_mutex_);
    if (wake_) wake_();
}

ExitCode Daemon::run() {
    asio::io_context io;
    asio::thread_pool worker(1);
    asio::thread_pool chain_worker(1);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::steady_timer timer(io);
    asio::steady_timer chain_timer(io);
    Backoff backoff(options_.backoff);
    Backoff chain_backoff(options_.backoff);
    ExitCode exit_code = ExitCode::Ok;
    // Each loop says when it has stopped for good; the daemon ends when both have.
    bool sync_done = false;
    bool chain_done = chain_ == nullptr;
    bool chain_failed = false;

    {
        std::lock_guard lock(wake_mutex_);
        wake_ = [&] {
            asio::post(io, [&] {
                timer.cancel();
                chain_timer.cancel();
            });
        };
    }

    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        log_.info("stopping after the current batch", {{"signal", signal}});
        stop_ = true;
        timer.cancel();
        chain_timer.cancel();
    });

    auto maybe_finish = [&] {
        if (sync_done && chain_done) signals.cancel();
    };

    std::function<void()> start_chain_round;
    auto on_round_done = [&](const ChainReport& report) {
        if (report.ok()) {
            chain_backoff.reset();
            if (report.transactions_sent > 0 || report.confirmed > 0 || report.failed > 0) {
                log_.info("chain round done", {{"transactions", report.transactions_sent},
                                               {"confirmed", report.confirmed},
                                               {"failed", report.failed},
                                               {"requeued", report.requeued},
                                               {"waiting", report.waiting}});
            }
        } else {
            log_.warn("chain round failed", {{"error", *report.error},
                                             {"confirmed", report.confirmed},
                                             {"waiting", report.waiting}});
        }
        if (options_.once || stop_) {
            chain_failed = !report.ok();
            chain_done = true;
            return maybe_finish();
        }
        const auto delay = report.ok() ? options_.chain_interval : chain_backoff.next_delay();
        chain_timer.expires_after(delay);
        chain_timer.async_wait([&](const boost::system::error_code&) {
            if (stop_) {
                chain_done = true;
                return maybe_finish();
            }
            start_chain_round();
        });
    };
    start_chain_round = [&] {
        asio::post(chain_worker, [&] {
            ChainReport report = chain_->run_round(stop_);
            asio::post(io, [&, report = std::move(report)] { on_round_done(report); });
        });
    };

    std::function<void()> start_cycle;
    auto sync_finished = [&] {
        sync_done = true;
        // --once: the chain round comes after the backend round (it may have brought mints).
        if (options_.once && !chain_done) {
            if (!stop_) return start_chain_round();
            chain_done = true;  // stopped before its round began
        }
        if (!chain_done) chain_timer.cancel();  // wakes a waiting chain loop to see stop_
        maybe_finish();
    };
    auto on_cycle_done = [&](const CycleReport& report) {
        if (report.ok()) {
            backoff.reset();
            log_.info("sync cycle done", {{"pushed", report.pushed},
                                          {"duplicates", report.duplicates},
                                          {"conflicts", report.conflicts},
                                          {"refused", report.refused},
                                          {"flagged", report.flagged},
                                          {"changes", report.changes},
                                          {"snapshot", report.snapshot}});
        } else {
            log_.warn("sync cycle failed", {{"kind", to_string(report.error->kind)},
                                            {"error", report.error->message},
                                            {"pushed", report.pushed}});
        }
        if (report.error && report.error->kind == device::LinkError::Kind::Unauthorized) {
            log_.error("device token refused; stopping (provision the device again)");
            exit_code = ExitCode::Unauthorized;
            stop_ = true;
            return sync_finished();
        }
        if (options_.once) {
            exit_code = report.ok() ? ExitCode::Ok : ExitCode::CycleFailed;
            return sync_finished();
        }
        if (stop_) return sync_finished();
        const auto delay = report.ok() ? options_.interval : backoff.next_delay();
        timer.expires_after(delay);
        timer.async_wait([&](const boost::system::error_code& ec) {
            if (stop_) return sync_finished();
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
        if (!chain_done && !options_.once) start_chain_round();
        io.run();
    }
    worker.join();
    chain_worker.join();
    std::lock_guard lock(wake_mutex_);
    wake_ = nullptr;
    if (exit_code == ExitCode::Ok && options_.once && chain_failed) return ExitCode::CycleFailed;
    return exit_code;
}

}  // namespace gate::syncd
