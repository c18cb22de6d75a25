#pragma once
// Reads a QR code that one plain ZXing pass misses: fallback passes (the negative, zbar,
// resampling, another binarizer, sharpening, local contrast, try_harder) in a fixed order,
// until the caller's acceptance predicate takes a text or the frame's budget is spent. The
// predicate is how a caller says "this is a genuine code" (the scanner: a ticket code whose
// signature verifies); this layer knows nothing about tickets.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "gate/Result.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Error.h"
#include "gate/qr/GrayImage.h"

namespace gate::qr {

/// One way of reading an image, in the default order of the pipeline (docs/qr.md says why).
enum class DecodePass : std::uint8_t {
    Plain,            // ZXing as the scanner always ran it (LocalAverage binarizer)
    Inverted,         // ZXing on the negative: light code on dark ground (dark mode)
    Zbar,             // zbar, QR only: a second decoder with its own finder and sampling
    Downscaled,       // ZXing on a 2x box reduction: noise, texture, large modules
    GlobalHistogram,  // ZXing, histogram binarizer: soft edges, uneven print
    Sharpened,        // ZXing after unsharp masking: out of focus, small symbols
    LocalContrast,    // ZXing after local mean/spread normalisation: glare, shadow, grey print
    TryHarder,        // ZXing try_harder: denser search
    Upscaled,         // ZXing on a 2x bilinear enlargement: screens (moire), ~2 px modules
};
inline constexpr std::size_t kDecodePassCount = 9;

std::string_view to_string(DecodePass pass) noexcept;
std::optional<DecodePass> parse_decode_pass(std::string_view name) noexcept;

/// What a pass costs against the budget, in plain passes over the same pixels (measured on a
/// 2-core x86-64 with tests/bench/decode_bench; see docs/qr.md).
double decode_pass_cost(DecodePass pass) noexcept;

/// All passes in the default order.
std::vector<DecodePass> default_decode_passes();

/// A rectangle in the image's pixel coordinates (clipped to the image when used).
struct Region {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

struct PipelineOptions {
    std::vector<DecodePass> passes = default_decode_passes();
    /// Cost a frame may spend, 1..64, in plain passes over the whole image: the plain pass
    /// counts 1, every other pass its decode_pass_cost() times the share of the image it
    /// reads. A pass runs only if it fits in what is left, so the passes tried depend on the
    /// image size, the hint and the rotation alone, never on the machine's load.
    double budget = 4.0;
    /// Also leave out a pass whose cost no longer fits in the time left, counting the budget
    /// as budget x the plain pass's measured time and a pass's cost as the larger of its
    /// decode_pass_cost() and a running mean of what it has cost on this device: the guard
    /// against passes that run longer than their costs say (a busy machine, other images, a
    /// debug build). Off makes the passes run depend on nothing but the budget (tests).
    bool time_guard = true;
    /// Wall-clock cap per image on top of the budget, 0 = none: no pass but the plain one
    /// starts once it is reached (depends on load: a safety net for slow devices).
    std::chrono::microseconds time_limit{0};
    /// Each read starts the fallbacks where the previous read's budget ran out (back to the
    /// first after a read that was accepted or ran every pass): a code held in view meets
    /// every pass within a few frames while each frame stays within budget. Off: every read
    /// starts from the first fallback.
    bool rotate_fallbacks = true;
    /// Codes each ZXing pass looks for, 1..255; the largest is tried first. 2 finds the code
    /// held up to the camera when a smaller one is in view too, at no measurable cost.
    int max_symbols = 2;
};

/// The caller's check of a decoded text; empty = every text is accepted.
using AcceptText = std::function<bool(std::string_view text)>;

struct PipelineRead {
    std::optional<Decoded> accepted;  ///< first text the predicate took, corners in the image
    std::optional<DecodePass> accepted_by;
    /// The first text any pass read, taken or not (same as `accepted` when the first read
    /// was taken). Lets a caller show a verdict for a code that is read but never genuine.
    std::optional<Decoded> first_read;
    std::optional<DecodePass> first_read_by;
    bool accepted_in_hint = false;  ///< read from the hint's pixels, not the whole image
    bool first_read_in_hint = false;
    int passes_run = 0;  ///< pass runs, counting a pass on the hint and on the image as two
    double cost = 0;     ///< budget spent, in cost units (plain pass = 1)
    std::chrono::nanoseconds time{0};        ///< the whole read
    std::chrono::nanoseconds plain_time{0};  ///< the plain pass over the whole image
    bool budget_spent = false;               ///< a pass was left out for want of budget or time
    bool cut_by_time = false;                ///< the time guard or time_limit stopped the passes
};

/// Per pass since construction (or reset_stats): how often it ran, read a text, had a text
/// taken or refused by the predicate, and the time it took.
struct PassStats {
    std::int64_t runs = 0;
    std::int64_t reads = 0;
    std::int64_t accepted = 0;
    std::int64_t refused = 0;
    std::chrono::nanoseconds time{0};
};

/// Holds the passes' buffers and a zbar scanner, reused from read to read: one pipeline per
/// decoding thread (it is not thread-safe).
class DecodePipeline {
  public:
    explicit DecodePipeline(PipelineOptions options = {});
    ~DecodePipeline();
    DecodePipeline(DecodePipeline&&) noexcept;
    DecodePipeline& operator=(DecodePipeline&&) noexcept;
    DecodePipeline(const DecodePipeline&) = delete;
    DecodePipeline& operator=(const DecodePipeline&) = delete;

    /// Runs the passes in order until one reads a text `accept` takes. With a `hint` (where
    /// a code was in the previous frame) each pass tries the hint's pixels first, then the
    /// whole image. Nothing read is not an error (both reads empty); InvalidImage and
    /// InvalidOptions are.
    Result<PipelineRead, Error> read(GrayView image, const AcceptText& accept = {},
                                     std::optional<Region> hint = std::nullopt);

    const PipelineOptions& options() const noexcept;
    const std::array<PassStats, kDecodePassCount>& stats() const noexcept;
    void reset_stats() noexcept;
    /// The next read starts from the first fallback (a new still image, a new source).
    void reset_rotation() noexcept;

    struct Workspace;

  private:
    PipelineOptions options_;
    std::array<PassStats, kDecodePassCount> stats_{};
    std::size_t rotation_ = 0;
    std::array<double, kDecodePassCount> observed_cost_{};  // for the time guard
    std::unique_ptr<Workspace> workspace_;
};

}  // namespace gate::qr
