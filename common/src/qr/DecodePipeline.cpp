#include "gate/qr/DecodePipeline.h"

#include <algorithm>
#include <string>

#include "qr/DecodePasses.h"

namespace gate::qr {
namespace {

using Steady = std::chrono::steady_clock;

struct PassInfo {
    DecodePass pass;
    std::string_view name;
    double cost;  // in plain passes over the same pixels
};

// The default order is this table's order (indexed by DecodePass): by how many codes the plain
// pass misses each one reads for its cost, on real photos and on the generated scenes of
// tests/support/QrScenes.h (tests/bench/decode_bench --each-pass). The costs are the median
// time of the pass over the plain pass's on the images the plain pass misses, which are the
// only ones the fallbacks see (release build, x86-64): there the plain pass gives up early,
// so a pass costs more plain passes than it would on an image the plain pass reads.
constexpr std::array<PassInfo, kDecodePassCount> kPasses{{
    {DecodePass::Plain, "plain", 1.0},
    {DecodePass::Inverted, "inverted", 0.7},
    {DecodePass::Zbar, "zbar", 3.8},
    {DecodePass::Downscaled, "downscaled", 0.6},
    {DecodePass::GlobalHistogram, "global-histogram", 0.8},
    {DecodePass::Sharpened, "sharpened", 2.3},
    {DecodePass::LocalContrast, "local-contrast", 2.0},
    {DecodePass::TryHarder, "try-harder", 0.9},
    {DecodePass::Upscaled, "upscaled", 7.5},
}};

static_assert(
    [] {
        for (std::size_t i = 0; i < kPasses.size(); ++i)
            if (static_cast<std::size_t>(kPasses[i].pass) != i) return false;
        return true;
    }(),
    "kPasses is indexed by DecodePass");

const PassInfo& info(DecodePass pass) noexcept {
    return kPasses[static_cast<std::size_t>(pass)];
}

std::optional<GrayView> crop(GrayView image, const Region& r) {
    const int x0 = std::clamp(r.x, 0, image.width), y0 = std::clamp(r.y, 0, image.height);
    const int x1 = std::clamp(r.x + r.width, x0, image.width);
    const int y1 = std::clamp(r.y + r.height, y0, image.height);
    if (x1 - x0 < 21 || y1 - y0 < 21) return std::nullopt;  // smaller than a version-1 code
    return GrayView{image.data + static_cast<std::ptrdiff_t>(y0) * image.stride + x0, x1 - x0,
                    y1 - y0, image.stride};
}

std::optional<Error> check(GrayView image, const PipelineOptions& options) {
    if (image.data == nullptr || image.width <= 0 || image.height <= 0 ||
        image.stride < image.width)
        return Error{ErrorCode::InvalidImage, "image is not a valid gray view"};
    if (options.max_symbols < 1 || options.max_symbols > 255)
        return Error{ErrorCode::InvalidOptions, "max_symbols must be 1..255"};
    if (!(options.budget >= 1.0) || options.budget > 64.0)
        return Error{ErrorCode::InvalidOptions, "budget must be 1..64 plain passes"};
    if (options.time_limit.count() < 0)
        return Error{ErrorCode::InvalidOptions, "time_limit must not be negative"};
    return std::nullopt;
}

}  // namespace

std::string_view to_string(DecodePass pass) noexcept {
    return info(pass).name;
}

std::optional<DecodePass> parse_decode_pass(std::string_view name) noexcept {
    for (const auto& p : kPasses)
        if (p.name == name) return p.pass;
    return std::nullopt;
}

double decode_pass_cost(DecodePass pass) noexcept {
    return info(pass).cost;
}

std::vector<DecodePass> default_decode_passes() {
    std::vector<DecodePass> passes;
    for (const auto& p : kPasses)
        passes.push_back(p.pass);
    return passes;
}

DecodePipeline::DecodePipeline(PipelineOptions options)
    : options_(std::move(options)), workspace_(std::make_unique<Workspace>()) {}
DecodePipeline::~DecodePipeline() = default;
DecodePipeline::DecodePipeline(DecodePipeline&&) noexcept = default;
DecodePipeline& DecodePipeline::operator=(DecodePipeline&&) noexcept = default;

const PipelineOptions& DecodePipeline::options() const noexcept {
    return options_;
}

const std::array<PassStats, kDecodePassCount>& DecodePipeline::stats() const noexcept {
    return stats_;
}

void DecodePipeline::reset_stats() noexcept {
    stats_ = {};
}

void DecodePipeline::reset_rotation() noexcept {
    rotation_ = 0;
}

Result<PipelineRead, Error> DecodePipeline::read(GrayView image, const AcceptText& accept,
                                                 std::optional<Region> hint) {
    if (auto bad = check(image, options_)) return fail(std::move(*bad));
    const auto started = Steady::now();
    const double full_area = static_cast<double>(image.width) * image.height;

    // The views each pass tries, in order: the hint's pixels (cheap), then the whole image.
    struct View {
        GrayView pixels;
        Point offset;
        double area_share;
    };
    std::vector<View> views;
    if (hint) {
        if (auto roi = crop(image, *hint)) {
            const auto share = static_cast<double>(roi->width) * roi->height / full_area;
            if (share < 0.9)
                views.push_back({*roi,
                                 {static_cast<int>((roi->data - image.data) % image.stride),
                                  static_cast<int>((roi->data - image.data) / image.stride)},
                                 share});
        }
    }
    views.push_back({image, {0, 0}, 1.0});

    PipelineRead out;
    // The plain pass over the whole image is the unit of the budget: its cost is 1, and its
    // measured time is what the time guard compares against.
    std::optional<Steady::duration> unit;
    auto in_units = [&](Steady::duration d) {
        return std::chrono::duration<double>(d) / std::chrono::duration<double>(*unit);
    };

    // Plain passes first, in their place; then the fallbacks from where the last frame's
    // budget ran out (rotate_fallbacks), so a code held in view meets every pass within a
    // few frames while each frame stays within budget.
    std::vector<DecodePass> order;
    std::vector<DecodePass> fallbacks;
    for (const DecodePass pass : options_.passes)
        (pass == DecodePass::Plain ? order : fallbacks).push_back(pass);
    const std::size_t start =
        options_.rotate_fallbacks && !fallbacks.empty() ? rotation_ % fallbacks.size() : 0;
    for (std::size_t i = 0; i < fallbacks.size(); ++i)
        order.push_back(fallbacks[(start + i) % fallbacks.size()]);
    std::optional<std::size_t> first_skipped;  // position in the fallbacks' rotated order
    double spent = 0;                          // budget spent, in cost units

    auto finish = [&](bool accepted) {
        out.cost = spent;
        out.time = Steady::now() - started;
        if (unit) out.plain_time = *unit;
        if (accepted || !first_skipped)
            rotation_ = 0;  // the next code starts from the first fallback again
        else
            rotation_ = (start + *first_skipped) % fallbacks.size();
        return out;
    };

    for (std::size_t position = 0; position < order.size(); ++position) {
        const DecodePass pass = order[position];
        const bool plain = pass == DecodePass::Plain;
        for (const View& view : views) {
            if (!pass_applies(pass, view.pixels)) continue;
            const double cost = decode_pass_cost(pass) * view.area_share;
            if (!plain) {
                // Where the next frame starts: the first pass left out that would fit beside
                // the plain pass at all (one that never fits is never waited for).
                auto left_out = [&] {
                    out.budget_spent = true;
                    if (1.0 + cost <= options_.budget + 1e-9 && !first_skipped)
                        first_skipped = position - (order.size() - fallbacks.size());
                };
                // The budget in cost units: the same image, hint, options and rotation always
                // run the same passes.
                if (spent + cost > options_.budget + 1e-9) {
                    left_out();
                    continue;
                }
                // The time guard, against passes that take longer than their costs say (a busy
                // machine, an unusual image): a pass whose cost, or what it has cost on this
                // device when that is more, no longer fits in budget x the plain pass's
                // measured time is left out, as is every pass once time_limit is reached.
                const auto elapsed = Steady::now() - started;
                const double expected = std::max(
                    cost, observed_cost_[static_cast<std::size_t>(pass)] * view.area_share);
                if (options_.time_guard && unit && in_units(elapsed) + expected > options_.budget) {
                    // Left out for what it cost before, not for its table cost: that memory
                    // fades, so one slow run (a cold cache, a busy moment) does not shut a
                    // pass out for good.
                    if (in_units(elapsed) + cost <= options_.budget) {
                        double& seen = observed_cost_[static_cast<std::size_t>(pass)];
                        seen = 0.5 * (seen + decode_pass_cost(pass));
                    }
                    left_out();
                    out.cut_by_time = true;
                    continue;
                }
                if (options_.time_limit.count() > 0 && elapsed >= options_.time_limit) {
                    left_out();
                    out.cut_by_time = true;
                    return finish(false);
                }
            }
            spent += cost;
            ++out.passes_run;
            PassStats& stats = stats_[static_cast<std::size_t>(pass)];
            ++stats.runs;
            const auto pass_started = Steady::now();
            std::vector<Decoded> found =
                run_pass(pass, view.pixels, options_.max_symbols, *workspace_);
            const auto took = Steady::now() - pass_started;
            stats.time += took;
            if (plain && view.area_share == 1.0)
                unit = std::max<Steady::duration>(took, std::chrono::microseconds(1));
            if (!plain && unit && view.area_share > 0) {
                // A running mean of the pass's cost in plain passes of its frame, for the guard.
                double& seen = observed_cost_[static_cast<std::size_t>(pass)];
                const double now = in_units(took) / view.area_share;
                seen = seen == 0 ? now : 0.8 * seen + 0.2 * now;
            }
            if (!found.empty()) ++stats.reads;
            for (Decoded& d : found) {
                for (Point& p : d.corners)
                    p = {p.x + view.offset.x, p.y + view.offset.y};
                const bool taken = !accept || accept(d.text);
                const bool in_hint = view.area_share < 1.0;
                if (!out.first_read) {
                    out.first_read = d;
                    out.first_read_by = pass;
                    out.first_read_in_hint = in_hint;
                }
                if (!taken) {
                    ++stats.refused;
                    continue;
                }
                ++stats.accepted;
                out.accepted = std::move(d);
                out.accepted_by = pass;
                out.accepted_in_hint = in_hint;
                return finish(true);
            }
        }
    }
    return finish(false);
}

}  // namespace gate::qr
