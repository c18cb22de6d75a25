#pragma once
// The decode loop: frames from any source -> QR text -> hold-off -> Gate (decide + commit)
// -> the caller's sink (display, JSON lines). It never waits on the network, and it never
// queues frames: it asks the source for the next frame only when it is ready for it, and a
// live source hands over its newest (docs/scanner.md, "Decode pipeline").

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "gate/Result.h"
#include "gate/scanner/FrameDecoder.h"
#include "gate/scanner/FrameSource.h"
#include "gate/scanner/Gate.h"
#include "gate/scanner/HoldOff.h"

namespace gate::scanner {

struct ScanLoopOptions {
    DecoderOptions decoder;
    std::chrono::milliseconds hold_off{1500};
    /// Called after every frame that produced no scan (no code, or held in view): lets a
    /// display follow the sync status between scans.
    std::function<void()> on_idle;
};

struct ScanLoopStats {
    std::int64_t frames = 0;
    std::int64_t frames_with_code = 0;
    std::int64_t frames_by_fallback = 0;  ///< read by a pass after the plain one
    std::int64_t frames_not_genuine = 0;  ///< read, but no pass gave a genuine ticket code
    std::int64_t scans = 0;               ///< codes that counted (after hold-off)
};

/// Called after each scan's record is committed (or refused to commit).
using VerdictSink = std::function<void(const ScanOutcome&, const Frame&)>;

/// Runs until the source ends or `stop` is set. A source error ends the loop with it; a
/// frame the decoder cannot read is skipped. The decoder's self-check is Gate::genuine: a
/// text that is not a genuine ticket code sends the frame on to the next decode pass, and
/// only when no pass reads a genuine one does the first text read go to the gate (so a
/// forged code still gets its refusal).
Result<ScanLoopStats, SourceError> run_scan_loop(FrameSource& source, Gate& gate,
                                                 const ScanLoopOptions& options,
                                                 const VerdictSink& sink,
                                                 const std::atomic<bool>& stop);

/// One verdict as a JSON-lines record (docs/scanner.md).
nlohmann::ordered_json verdict_json(const ScanOutcome& outcome, std::string_view source_label);

}  // namespace gate::scanner
