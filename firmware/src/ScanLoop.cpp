#include "gate/scanner/ScanLoop.h"

namespace gate::scanner {

Result<ScanLoopStats, SourceError> run_scan_loop(FrameSource& source, Gate& gate,
                                                 const ScanLoopOptions& options,
                                                 const VerdictSink& sink,
                                                 const std::atomic<bool>& stop) {
    ScanLoopStats stats;
    FrameDecoder decoder(options.decoder,
                         [&gate](std::string_view text) { return gate.genuine(text); });
    HoldOff hold_off(options.hold_off);
    while (!stop.load(std::memory_order_relaxed)) {
        auto frame = source.next();
        if (!frame) return fail(frame.error());
        if (!frame->has_value()) break;
        ++stats.frames;
        auto read = decoder.read((*frame)->luma);
        const bool has_code = read && read->has_value();
        if (has_code) {
            ++stats.frames_with_code;
            if ((*read)->pass != qr::DecodePass::Plain) ++stats.frames_by_fallback;
            if (!(*read)->genuine) ++stats.frames_not_genuine;
        }
        if (!has_code || !hold_off.is_new((*read)->text, HoldOff::Clock::now())) {
            if (options.on_idle) options.on_idle();
            continue;
        }
        ++stats.scans;
        const ScanOutcome outcome = gate.scan((*read)->text);
        sink(outcome, **frame);
    }
    return stats;
}

nlohmann::ordered_json verdict_json(const ScanOutcome& outcome, std::string_view source_label) {
    using nlohmann::ordered_json;
    const auto& r = outcome.record;
    ordered_json out = {
        {"verdict", outcome.accepted() ? "accepted" : "rejected"},
        {"reason", outcome.decision.reason},
        {"ticket_id", r.ticket_id ? ordered_json(domain::ticket_id_to_string(*r.ticket_id))
                                  : ordered_json(nullptr)},
        {"tier",
         outcome.decision.tier ? ordered_json(*outcome.decision.tier) : ordered_json(nullptr)},
        {"generation",
         outcome.claims ? ordered_json(outcome.claims->generation) : ordered_json(nullptr)},
        {"event_id", r.event_id},
        {"gate", r.gate},
        {"direction", domain::to_string(r.direction)},
        {"nonce", outcome.recorded ? ordered_json(r.nonce) : ordered_json(nullptr)},
        {"recorded", outcome.recorded},
        {"scanned_at", r.scanned_at},
        {"decide_us", outcome.decide_time.count()},
        {"commit_us", outcome.commit_time.count()},
        {"source", source_label},
    };
    if (!outcome.error.empty()) out["error"] = outcome.error;
    return out;
}

}  // namespace gate::scanner
