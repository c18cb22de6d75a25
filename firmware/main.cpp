// gate-scanner: command-line wiring over gate::firmware.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "gate/device/DeviceDatabase.h"
#include "gate/domain/Reason.h"
#include "gate/scanner/Demo.h"
#include "gate/scanner/Display.h"
#include "gate/scanner/Gate.h"
#include "gate/scanner/Provision.h"
#include "gate/scanner/Reports.h"
#include "gate/scanner/ScanLoop.h"

namespace {

using namespace gate;

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
    g_stop.store(true);
}

// Exit codes: 0 accepted / success, 1 rejected / failed, 2 usage or input error.
constexpr int kOk = 0, kRefused = 1, kUsage = 2;

std::string default_database() {
    const char* env = std::getenv("GATE_DATABASE");  // the key gate-syncd reads too
    return env != nullptr && *env != '\0' ? env : "gate-device.db";
}

std::optional<device::DeviceDatabase> open_database(const std::string& path, bool must_exist) {
    std::error_code ec;
    if (must_exist && !std::filesystem::exists(path, ec)) {
        std::cerr << "error: no device database at " << path
                  << " (run `gate-scanner provision SETUP_CODE` first, or pass --db PATH)\n";
        return std::nullopt;
    }
    auto database = device::DeviceDatabase::open(path);
    if (!database) {
        std::cerr << "error: cannot open the device database " << path << ": "
                  << db::to_string(database.error()) << "\n";
        return std::nullopt;
    }
    return std::move(database).value();
}

struct ScanArgs {
    std::string source;
    bool json = false;
    bool display = false;
    bool mute = false;
    bool exit_lane = false;
    int hold_off_ms = 1500;
    std::vector<int> roi;
    int downscale = 1;
    int tolerance_s = static_cast<int>(domain::kDefaultClockToleranceMs / 1000);
    int step_tolerance_s = static_cast<int>(domain::kDefaultStepToleranceMs / 1000);
    double decode_budget = 4.0;
    int decode_budget_ms = 0;
    bool no_fallback = false;
};

int scan_command(const std::string& db_path, const ScanArgs& args) {
    auto database = open_database(db_path, true);
    if (!database) return kUsage;
    auto source = scanner::open_source(args.source);
    if (!source) {
        std::cerr << "error: " << source.error().message << "\n";
        return kUsage;
    }
    const auto direction = args.exit_lane ? domain::Direction::Out : domain::Direction::In;
    scanner::Gate gate(*database, {direction, std::int64_t{args.tolerance_s} * 1000,
                                   std::int64_t{args.step_tolerance_s} * 1000});
    if (!gate.assignment()) {
        std::cerr << "error: this device has no assignment (run `gate-scanner provision "
                     "SETUP_CODE` first)\n";
        return kUsage;
    }
    scanner::ScanLoopOptions options;
    options.hold_off = std::chrono::milliseconds{args.hold_off_ms};
    options.decoder.downscale = args.downscale;
    options.decoder.fallback = !args.no_fallback;
    options.decoder.budget = args.decode_budget;
    options.decoder.time_limit = std::chrono::milliseconds{args.decode_budget_ms};
    if (args.roi.size() == 4)
        options.decoder.roi = scanner::Roi{args.roi[0], args.roi[1], args.roi[2], args.roi[3]};
    const bool display = args.display || (!args.json && ::isatty(STDOUT_FILENO) == 1);
    std::cerr << "gate-scanner: scanning " << (*source)->describe() << " (Ctrl-C stops)\n";
    scanner::LiveScreen screen(gate, direction, !args.mute, std::cout);
    if (display) screen.draw();
    auto sink = [&](const scanner::ScanOutcome& outcome, const scanner::Frame& frame) {
        // The record is committed before we get here: only now is the verdict shown.
        if (args.json) {
            std::cout << scanner::verdict_json(outcome, frame.label).dump() << "\n" << std::flush;
        } else if (display) {
            screen.show(outcome);
        } else {
            std::cout << scanner::plain_line(outcome, frame.label) << std::flush;
        }
    };
    // Between scans, redraw only when the link state or queue depth changed.
    if (display) options.on_idle = [&] { screen.redraw_if_link_changed(); };
    auto ran = scanner::run_scan_loop(**source, gate, options, sink, g_stop);
    if (!ran) {
        std::cerr << "error: " << ran.error().message << "\n";
        return kRefused;
    }
    if (!args.json)
        std::cerr << (*source)->describe() << ": " << ran->frames << " frames, "
                  << ran->frames_with_code << " with a code (" << ran->frames_by_fallback
                  << " read by a fallback pass, " << ran->frames_not_genuine
                  << " not a genuine ticket code), " << ran->scans << " scans\n";
    return kOk;
}

int check_command(const std::string& db_path, std::string code, bool json,
                  const scanner::GateOptions& options) {
    if (code == "-") std::getline(std::cin, code);
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r' || code.back() == ' '))
        code.pop_back();
    auto database = open_database(db_path, true);
    if (!database) return kUsage;
    scanner::Gate gate(*database, options);
    const auto outcome = gate.scan(code);
    if (json) {
        std::cout << scanner::verdict_json(outcome, "manual").dump() << "\n";
    } else {
        std::cout << scanner::plain_line(outcome, "");
    }
    if (outcome.decision.reason == domain::reason::kNotProvisioned) return kUsage;
    return outcome.accepted() ? kOk : kRefused;
}

int status_command(const std::string& db_path) {
    auto database = open_database(db_path, true);
    if (!database) return kUsage;
    if (auto written = scanner::write_status(*database, std::cout); !written) {
        std::cerr << "error: cannot read the device database " << db_path << ": "
                  << db::to_string(written.error()) << "\n";
        return kRefused;
    }
    return kOk;
}

int stats_command(const std::string& db_path, bool json) {
    auto database = open_database(db_path, true);
    if (!database) return kUsage;
    if (auto written = scanner::write_stats(*database, json, std::cout); !written) {
        std::cerr << "error: " << db::to_string(written.error()) << "\n";
        return kRefused;
    }
    return kOk;
}

int provision_command(scanner::ProvisionOptions options, bool insecure) {
    if (options.setup_code == "-") std::getline(std::cin, options.setup_code);
    if (options.device_name.empty()) {
        char host[256] = {};
        if (::gethostname(host, sizeof host - 1) == 0) options.device_name = host;
    }
    options.http.insecure_skip_verify = insecure;
    auto done = scanner::provision(options);
    if (!done) {
        std::cerr << "error: " << done.error().message << "\n";
        return kRefused;
    }
    std::cout << "provisioned device " << done->device_id << " for event "
              << done->assignment.event_id << " (" << done->assignment.event.name << "), gate "
              << done->assignment.gate << "\n"
              << (done->new_key ? "new device key " : "reused device key ")
              << options.key_file.string() << " (mode 0600)\n"
              << "device token in " << options.token_file.string() << " (mode 0600)\n"
              << done->tickets << " tickets cached in " << options.database.string()
              << "; clock offset " << done->clock_offset_ms << " ms\n"
              << "next: start gate-syncd, then `gate-scanner scan --source v4l2:/dev/video0`\n";
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"gate-scanner: offline-first ticket checks at the gate"};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "Show help for every command");
    std::string db_path = default_database();
    app.add_option("--db", db_path, "Device database (shared with gate-syncd; env GATE_DATABASE)")
        ->capture_default_str();

    // demo
    gate::scanner::DemoOptions demo;
    auto* demo_cmd =
        app.add_subcommand("demo", "Run the offline gate flow on built-in sample data");
    demo_cmd
        ->add_option("--out", demo.out_dir, "Directory for the sample database, keys and QR images")
        ->capture_default_str();

    // provision
    gate::scanner::ProvisionOptions prov;
    bool insecure = false;
    auto* prov_cmd = app.add_subcommand(
        "provision", "Register this device with the backend from a setup code and fetch its cache");
    prov_cmd
        ->add_option("setup_code", prov.setup_code,
                     "GATESETUP1:... from the organizer ('-' reads stdin)")
        ->required();
    prov_cmd->add_option("--key-file", prov.key_file, "Device key file to create or reuse (0600)")
        ->capture_default_str();
    prov_cmd->add_option("--token-file", prov.token_file, "Where to keep the device token (0600)")
        ->capture_default_str();
    prov_cmd->add_option("--name", prov.device_name,
                         "Device name shown to organizers (default: host name)");
    prov_cmd->add_flag("--insecure", insecure, "Skip TLS certificate checks (development only)");

    // scan
    ScanArgs scan;
    auto* scan_cmd = app.add_subcommand("scan", "Scan codes from a camera, pipe or images");
    scan_cmd
        ->add_option("--source", scan.source,
                     "PATH (image or directory), file:PATH, dir:PATH, y8:WxH[:PATH] (raw luma, "
                     "stdin by default) or v4l2:/dev/videoN[:WxH]")
        ->required();
    auto* json_opt = scan_cmd->add_flag("--json", scan.json, "Print every verdict as a JSON line");
    scan_cmd->add_flag("--display", scan.display, "Full-screen display (default on a terminal)")
        ->excludes(json_opt);
    scan_cmd->add_flag("--mute", scan.mute, "No bell");
    scan_cmd->add_flag("--exit", scan.exit_lane, "This is an exit lane (scans record 'out')");
    scan_cmd
        ->add_option("--hold-off-ms", scan.hold_off_ms,
                     "A code held in view counts once per this long")
        ->capture_default_str()
        ->check(CLI::Range(0, 60000));
    scan_cmd->add_option("--roi", scan.roi, "Decode only inside X,Y,W,H")
        ->delimiter(',')
        ->expected(4);
    scan_cmd->add_option("--downscale", scan.downscale, "Decode every Nth pixel (1..8)")
        ->capture_default_str()
        ->check(CLI::Range(1, 8));
    scan_cmd->add_option("--clock-tolerance-s", scan.tolerance_s, "Grace outside validity windows")
        ->capture_default_str()
        ->check(CLI::Range(0, 86400));
    scan_cmd
        ->add_option("--step-tolerance-s", scan.step_tolerance_s,
                     "Grace around a rotating code's time step (0..60)")
        ->capture_default_str()
        ->check(CLI::Range(0, 60));
    auto* no_fallback_opt =
        scan_cmd->add_flag("--no-fallback", scan.no_fallback,
                           "Decode with the plain ZXing pass only (no fallback passes, no zbar)");
    scan_cmd
        ->add_option("--decode-budget", scan.decode_budget,
                     "Decode time a frame may spend, in plain ZXing passes (1..16)")
        ->capture_default_str()
        ->check(CLI::Validator(
            [](std::string& value) -> std::string {
                const double v = std::strtod(value.c_str(), nullptr);
                if (v >= 1.0 && v <= 16.0) return {};
                return "must be 1..16 plain ZXing passes (default 4; 1 = the plain pass only)";
            },
            "1..16"))
        ->excludes(no_fallback_opt);
    scan_cmd
        ->add_option("--decode-budget-ms", scan.decode_budget_ms,
                     "Wall-clock cap on a frame's fallback passes in ms (0 = none, up to 1000)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000))
        ->excludes(no_fallback_opt);

    // check
    std::string code;
    bool check_exit = false, check_json = false;
    int check_tolerance = static_cast<int>(domain::kDefaultClockToleranceMs / 1000);
    int check_step_tolerance = static_cast<int>(domain::kDefaultStepToleranceMs / 1000);
    auto* check_cmd =
        app.add_subcommand("check", "Decide and record one typed or pasted code, as a scan would");
    check_cmd->add_option("code", code, "The ticket code text (quote it; '-' reads stdin)")
        ->required();
    check_cmd->add_flag("--exit", check_exit, "Record it as an exit");
    check_cmd->add_flag("--json", check_json, "Print the verdict as JSON");
    check_cmd->add_option("--clock-tolerance-s", check_tolerance, "Grace outside validity windows")
        ->capture_default_str()
        ->check(CLI::Range(0, 86400));
    check_cmd
        ->add_option("--step-tolerance-s", check_step_tolerance,
                     "Grace around a rotating code's time step (0..60)")
        ->capture_default_str()
        ->check(CLI::Range(0, 60));

    auto* status_cmd = app.add_subcommand("status", "Show assignment, cache and sync state");
    bool stats_json = false;
    auto* stats_cmd = app.add_subcommand("stats", "Count scans by verdict and reason");
    stats_cmd->add_flag("--json", stats_json, "Print as JSON");

    CLI11_PARSE(app, argc, argv);

    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    if (*demo_cmd) return gate::scanner::run_demo(demo, std::cout) ? kOk : kRefused;
    if (*prov_cmd) {
        prov.database = db_path;
        return provision_command(std::move(prov), insecure);
    }
    if (*scan_cmd) return scan_command(db_path, scan);
    if (*check_cmd)
        return check_command(
            db_path, code, check_json,
            {check_exit ? domain::Direction::Out : domain::Direction::In,
             std::int64_t{check_tolerance} * 1000, std::int64_t{check_step_tolerance} * 1000});
    if (*status_cmd) return status_command(db_path);
    if (*stats_cmd) return stats_command(db_path, stats_json);
    return kUsage;
}
