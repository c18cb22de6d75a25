#pragma once
// Finds the ticket code in one camera frame: the decode pipeline of gate::qr (the plain ZXing
// pass, then fallback passes within a budget) over the aiming box, optionally downscaled,
// with the caller's check of what counts as a genuine code, and the position of the last code
// seen as the region to try first in the next frame.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/Result.h"
#include "gate/qr/DecodePipeline.h"
#include "gate/qr/GrayImage.h"
#include "gate/scanner/RegionTracker.h"

namespace gate::scanner {

struct Roi {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

struct DecoderOptions {
    std::optional<Roi> roi = std::nullopt;  ///< clipped to the frame; none = the whole frame
    int downscale = 1;                      ///< 1..8: decode every Nth pixel of every Nth line
    bool fallback = true;  ///< false: the plain ZXing pass only (what the scanner did before)
    double budget = 4.0;   ///< per frame, in plain passes (qr::PipelineOptions::budget)
    std::chrono::microseconds time_limit{0};  ///< per frame wall-clock cap, 0 = none
    bool time_guard = true;                   ///< qr::PipelineOptions::time_guard (off in tests)
    bool track = true;  ///< try where the last code was first (region of interest)
};

/// Says whether a decoded text is a genuine code (the scanner: a ticket code whose signature
/// verifies against the device's issuer keys). Empty: every text is.
using CodeAcceptor = std::function<bool(std::string_view text)>;

/// What a frame gave.
struct FrameRead {
    std::string text;
    /// The acceptor took it. When no pass read a text it takes, the first text read is given
    /// with genuine = false, so a forged code still reaches a verdict.
    bool genuine = false;
    qr::DecodePass pass = qr::DecodePass::Plain;  ///< the pass that read it
    bool from_tracked_region = false;             ///< read inside the region the last code gave
};

class FrameDecoder {
  public:
    explicit FrameDecoder(DecoderOptions options = {}, CodeAcceptor accept = {});

    /// The code in the frame (see FrameRead); empty when nothing was read.
    Result<std::optional<FrameRead>, qr::Error> read(qr::GrayView frame);

    /// The text of read(), for callers that need nothing else.
    Result<std::optional<std::string>, qr::Error> decode(qr::GrayView frame);

    /// Where the next frame is tried first, in frame pixels (none: no code seen lately).
    std::optional<Roi> tracked_region() const;
    const qr::DecodePipeline& pipeline() const noexcept { return pipeline_; }

  private:
    DecoderOptions options_;
    CodeAcceptor accept_;
    qr::DecodePipeline pipeline_;
    std::vector<std::uint8_t> scratch_;  // downscaled pixels, reused between frames
    // In the coordinates of the decoded view (aiming box, downscaled).
    RegionTracker tracker_;
    int view_x_ = 0;  // the decoded view's origin in the frame, and its scale
    int view_y_ = 0;
    int view_scale_ = 1;
};

}  // namespace gate::scanner
