// The decode pipeline against a corpus of photos: per pass and in all, read / misread / missed
// counts, images without a code read as something, and time per image for the plain pass
// (raw ZXing, what the scanner did before the pipeline) and for the whole pipeline.
//
//   decode_bench --corpus DIR   every image under DIR (recursive) with a FILE.txt next to it
//                               holding the expected text (e.g. zxing's blackbox qrcode-1..6
//                               test images); an image without a .txt holds no code
//   decode_bench --quick        the project's own generated cases (tests/support), no corpus
//   --rotating                  with --quick: the scenes hold rotating-code-length text (307
//                               characters, QR version 10) instead of static codes (151, v6)
//   --each-pass                 also every pass alone on every image (to order the passes)
//   --budget N                  the pipeline's budget in plain passes (default 4)
//   --rounds N                  timing rounds per image (default 3; the median is kept)
//   --passes a,b,c              the pipeline's passes in this order (default: all, in order)
//   --no-time-guard             the passes run depend on the budget alone (reproducible reads)
//   --sweep                     also the pipeline's reads at budgets 2, 3, 4, 6, 8 and 16
//   --dump DIR                  also write the generated scenes to DIR as PNG, to look at
//
// A "misread" is a decoded text that differs from the expected one. Prints figures, never
// asserts on time; exits non-zero only when it cannot run.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "QrScenes.h"
#include "gate/qr/DecodePipeline.h"
#include "gate/qr/Png.h"

using namespace gate;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

struct Sample {
    std::string name;
    qr::GrayImage image;
    std::optional<std::string> expected;  // none: the image holds no code
};

std::optional<std::string> read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool is_image(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".pgm";
}

std::vector<Sample> load_corpus(const fs::path& dir, int& unreadable) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file() && is_image(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<Sample> samples;
    for (const auto& file : files) {
        auto image = qr::load_image(file);
        if (!image) {
            std::fprintf(stderr, "skipped %s: %s\n", file.string().c_str(),
                         image.error().message.c_str());
            ++unreadable;
            continue;
        }
        auto txt = file;
        txt.replace_extension(".txt");
        samples.push_back(
            {fs::relative(file, dir).string(), std::move(image).value(), read_text(txt)});
    }
    return samples;
}

std::vector<Sample> generated(std::size_t length) {
    std::vector<Sample> samples;
    for (auto& scene : qr_test::all_scenes(length))
        samples.push_back({scene.name, std::move(scene.image), scene.text});
    for (auto& scene : qr_test::scenes_without_code())
        samples.push_back({scene.name, std::move(scene.image), std::nullopt});
    return samples;
}

struct Tally {
    int read = 0;            // the expected text
    int misread = 0;         // some other text
    int missed = 0;          // nothing, on an image with a code
    int false_positive = 0;  // something, on an image without a code
    void add(const Sample& s, const std::optional<std::string>& got) {
        if (!s.expected) {
            if (got) ++false_positive;
        } else if (!got) {
            ++missed;
        } else if (*got == *s.expected) {
            ++read;
        } else {
            ++misread;
        }
    }
};

// A text on one line, cut short, for the report.
std::string shown(const std::string& text) {
    std::string out;
    for (char c : text.substr(0, 60))
        out += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
    return "\"" + out + (text.size() > 60 ? "...\"" : "\"") + " (" + std::to_string(text.size()) +
           " bytes)";
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

struct Run {
    std::optional<std::string> text;
    qr::PipelineRead detail;
    double ms = 0;
    double over_plain = 0;  // the read's time over its own plain pass's, median of the rounds
};

// The median of `rounds` runs; the read of the first.
Run timed(qr::DecodePipeline& pipeline, const qr::GrayImage& image, int rounds) {
    Run run;
    std::vector<double> times, ratios;
    for (int r = 0; r < rounds; ++r) {
        pipeline.reset_rotation();  // every round is the image's first frame
        const auto t0 = Steady::now();
        auto got = pipeline.read(image.view());
        times.push_back(std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
        if (got && got->plain_time.count() > 0)
            ratios.push_back(static_cast<double>(got->time.count()) /
                             static_cast<double>(got->plain_time.count()));
        if (r == 0 && got && got->accepted) {
            run.text = got->accepted->text;
            run.detail = *got;
        } else if (r == 0 && got) {
            run.detail = *got;
        }
    }
    run.ms = percentile(times, 0.5);
    run.over_plain = percentile(ratios, 0.5);
    return run;
}

// The image held in view: the same frame again and again, as a camera gives it, until the
// pipeline reads it or `frames` have gone by. Fallbacks rotate from frame to frame.
struct Held {
    std::optional<std::string> text;
    int frames = 0;               // frames it took (0: never read)
    double worst_frame_ms = 0;    // the slowest of those frames
    double worst_over_plain = 0;  // the highest frame time over that frame's own plain pass
};

Held held_once(qr::DecodePipeline& pipeline, const qr::GrayImage& image, int frames) {
    Held h;
    pipeline.reset_rotation();
    for (int f = 1; f <= frames; ++f) {
        const auto t0 = Steady::now();
        auto got = pipeline.read(image.view());
        h.worst_frame_ms =
            std::max(h.worst_frame_ms,
                     std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
        if (got && got->plain_time.count() > 0)
            h.worst_over_plain =
                std::max(h.worst_over_plain, static_cast<double>(got->time.count()) /
                                                 static_cast<double>(got->plain_time.count()));
        if (got && got->accepted) {
            h.text = got->accepted->text;
            h.frames = f;
            return h;
        }
    }
    return h;
}

// The read of the first round; the median over `rounds` of the slowest frame.
Held held(qr::DecodePipeline& pipeline, const qr::GrayImage& image, int frames, int rounds) {
    Held first = held_once(pipeline, image, frames);
    std::vector<double> worst{first.worst_frame_ms}, over{first.worst_over_plain};
    for (int r = 1; r < rounds; ++r) {
        const Held again = held_once(pipeline, image, frames);
        worst.push_back(again.worst_frame_ms);
        over.push_back(again.worst_over_plain);
    }
    first.worst_frame_ms = percentile(worst, 0.5);
    first.worst_over_plain = percentile(over, 0.5);
    return first;
}

void print_tally(const char* name, const Tally& t, int with_code, int without_code) {
    std::printf("%-24s read %4d (%6.2f%%)  misread %3d  missed %4d  false positives %d/%d\n", name,
                t.read, with_code > 0 ? 100.0 * t.read / with_code : 0.0, t.misread, t.missed,
                t.false_positive, without_code);
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false, each_pass = false, sweep = false, rotating = false;
    int max_symbols = qr::PipelineOptions{}.max_symbols;
    bool time_guard = true;
    std::vector<qr::DecodePass> passes = qr::default_decode_passes();
    std::optional<fs::path> corpus, dump;
    double budget = 4.0;
    int rounds = 3;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--quick") {
            quick = true;
        } else if (arg == "--rotating") {
            rotating = true;
        } else if (arg == "--each-pass") {
            each_pass = true;
        } else if (arg == "--corpus" && i + 1 < argc) {
            corpus = argv[++i];
        } else if (arg == "--budget" && i + 1 < argc) {
            budget = std::atof(argv[++i]);
        } else if (arg == "--max-symbols" && i + 1 < argc) {
            max_symbols = std::atoi(argv[++i]);
        } else if (arg == "--no-time-guard") {
            time_guard = false;
        } else if (arg == "--sweep") {
            sweep = true;
        } else if (arg == "--passes" && i + 1 < argc) {
            passes.clear();
            std::string list = argv[++i];
            for (std::size_t at = 0; at <= list.size();) {
                const std::size_t comma = std::min(list.find(',', at), list.size());
                auto pass = qr::parse_decode_pass(list.substr(at, comma - at));
                if (!pass) {
                    std::fprintf(stderr, "decode_bench: unknown pass '%s'\n",
                                 list.substr(at, comma - at).c_str());
                    return 2;
                }
                passes.push_back(*pass);
                at = comma + 1;
            }
        } else if (arg == "--dump" && i + 1 < argc) {
            dump = argv[++i];
        } else if (arg == "--rounds" && i + 1 < argc) {
            rounds = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr,
                         "usage: decode_bench (--quick [--rotating] | --corpus DIR) [--each-pass] "
                         "[--budget N] [--rounds N] [--passes a,b,..] [--sweep] [--no-time-guard] "
                         "[--max-symbols N] [--dump DIR]\n");
            return 2;
        }
    }
    if (!quick && !corpus) {
        std::fprintf(stderr, "decode_bench: give --corpus DIR or --quick\n");
        return 2;
    }
    if (quick) rounds = 1;
    const std::size_t length = rotating ? qr_test::kRotatingLength : qr_test::kStaticLength;
    if (dump) {
        fs::create_directories(*dump);
        for (const Sample& s : generated(length))
            if (!qr::write_png(s.image, *dump / (s.name + ".png")))
                std::fprintf(stderr, "cannot write %s\n", (*dump / s.name).c_str());
    }

    int unreadable = 0;
    std::vector<Sample> samples;
    if (corpus) {
        if (!fs::is_directory(*corpus)) {
            std::fprintf(stderr, "decode_bench: %s is not a directory\n", corpus->c_str());
            return 2;
        }
        samples = load_corpus(*corpus, unreadable);
        // Code-free scenes from the generator, so false positives are measured even when the
        // corpus has no empty images.
        for (auto& scene : qr_test::scenes_without_code())
            samples.push_back({"generated/" + scene.name, std::move(scene.image), std::nullopt});
    } else {
        samples = generated(length);
    }
    const int with_code = static_cast<int>(
        std::count_if(samples.begin(), samples.end(), [](const Sample& s) { return s.expected; }));
    const int without_code = static_cast<int>(samples.size()) - with_code;
    std::printf(
        "decode bench (%s): %d images with a code, %d without, %d unreadable files, "
        "budget %.1f, time guard %s, %d rounds\n\n",
        quick ? (rotating ? "quick, generated, rotating-code length" : "quick, generated")
              : corpus->c_str(),
        with_code, without_code, unreadable, budget, time_guard ? "on" : "off", rounds);

    // Raw ZXing: what gate-scanner did before the pipeline (one pass, first symbol).
    qr::DecodePipeline plain({.passes = {qr::DecodePass::Plain}, .max_symbols = 1});
    qr::DecodePipeline pipeline(
        {.passes = passes, .budget = budget, .time_guard = time_guard, .max_symbols = max_symbols});
    Tally raw_tally, pipe_tally;
    std::map<qr::DecodePass, Tally> by_pass;  // images the pipeline read with each pass
    std::vector<double> plain_ms, pipe_ms, ratio, own_ratio, pipe_ms_fallback;
    std::vector<std::optional<std::string>> plain_text;
    int cut_by_time = 0;
    for (const Sample& s : samples) {
        const Run raw = timed(plain, s.image, rounds);
        const Run full = timed(pipeline, s.image, rounds);
        if (full.detail.cut_by_time) ++cut_by_time;
        raw_tally.add(s, raw.text);
        plain_text.push_back(raw.text);
        pipe_tally.add(s, full.text);
        if (full.detail.accepted_by) by_pass[*full.detail.accepted_by].add(s, full.text);
        plain_ms.push_back(raw.ms);
        pipe_ms.push_back(full.ms);
        if (!raw.text) pipe_ms_fallback.push_back(full.ms);
        ratio.push_back(raw.ms > 0 ? full.ms / raw.ms : 1.0);
        own_ratio.push_back(full.over_plain);
        if (s.expected && (!full.text || *full.text != *s.expected))
            std::printf("  %-28s %s (plain %s)\n", s.name.c_str(), full.text ? "MISREAD" : "missed",
                        raw.text ? (*raw.text == *s.expected ? "read" : "MISREAD") : "missed");
        if (s.expected && full.text && *full.text != *s.expected)
            std::printf("    expected %s\n    got      %s\n", shown(*s.expected).c_str(),
                        shown(*full.text).c_str());
        if (!s.expected && full.text)
            std::printf("  %-28s FALSE POSITIVE: %s\n", s.name.c_str(), full.text->c_str());
    }

    std::printf("\nper pass (the pass that gave the pipeline its text)\n");
    for (const auto& [pass, t] : by_pass) {
        const auto& st = pipeline.stats()[static_cast<std::size_t>(pass)];
        std::printf(
            "  %-18s read %4d  misread %3d  false positives %d   (ran %lld times, "
            "read on %lld, %.2f ms a run)\n",
            std::string(qr::to_string(pass)).c_str(), t.read, t.misread, t.false_positive,
            static_cast<long long>(st.runs), static_cast<long long>(st.reads),
            st.runs > 0 ? std::chrono::duration<double, std::milli>(st.time).count() /
                              static_cast<double>(st.runs)
                        : 0.0);
    }
    for (std::size_t i = 0; i < qr::kDecodePassCount; ++i) {
        const auto pass = static_cast<qr::DecodePass>(i);
        const auto& st = pipeline.stats()[i];
        if (by_pass.count(pass) == 0 && st.runs > 0)
            std::printf(
                "  %-18s read    0                          (ran %lld times, %.2f ms a run)\n",
                std::string(qr::to_string(pass)).c_str(), static_cast<long long>(st.runs),
                std::chrono::duration<double, std::milli>(st.time).count() /
                    static_cast<double>(st.runs));
    }

    std::printf("\nin all\n");
    print_tally("raw ZXing (plain pass)", raw_tally, with_code, without_code);
    print_tally("pipeline", pipe_tally, with_code, without_code);
    std::printf("\ntime per image (ms)       median    p99     max\n");
    std::printf("  plain pass            %7.2f %7.2f %7.2f\n", percentile(plain_ms, 0.5),
                percentile(plain_ms, 0.99), percentile(plain_ms, 1.0));
    std::printf("  pipeline              %7.2f %7.2f %7.2f\n", percentile(pipe_ms, 0.5),
                percentile(pipe_ms, 0.99), percentile(pipe_ms, 1.0));
    std::printf("  pipeline, images the plain pass missed (%zu)  %7.2f %7.2f %7.2f\n",
                pipe_ms_fallback.size(), percentile(pipe_ms_fallback, 0.5),
                percentile(pipe_ms_fallback, 0.99), percentile(pipe_ms_fallback, 1.0));
    std::printf("  pipeline / raw ZXing run, per image: median %.2fx  p99 %.2fx  max %.2fx\n",
                percentile(ratio, 0.5), percentile(ratio, 0.99), percentile(ratio, 1.0));
    std::printf(
        "  pipeline / its own plain pass (what the budget bounds): median %.2fx  p99 %.2fx  "
        "max %.2fx\n",
        percentile(own_ratio, 0.5), percentile(own_ratio, 0.99), percentile(own_ratio, 1.0));
    std::printf("  images where the time guard stopped the passes: %d\n", cut_by_time);

    {
        // A code held in view for up to 8 frames (a quarter of a second at 30 fps).
        constexpr int kFrames = 8;
        qr::DecodePipeline stream({.passes = passes,
                                   .budget = budget,
                                   .time_guard = time_guard,
                                   .max_symbols = max_symbols});
        Tally t;
        std::array<int, kFrames + 1> by_frame{};
        std::vector<double> frame_ratio, frame_own;
        for (std::size_t k = 0; k < samples.size(); ++k) {
            const Held h = held(stream, samples[k].image, kFrames, rounds);
            t.add(samples[k], h.text);
            if (h.text && samples[k].expected && *h.text == *samples[k].expected)
                ++by_frame[static_cast<std::size_t>(h.frames)];
            frame_ratio.push_back(plain_ms[k] > 0 ? h.worst_frame_ms / plain_ms[k] : 1.0);
            frame_own.push_back(h.worst_over_plain);
        }
        std::printf("\nheld in view (the same image as consecutive frames, budget %.1f each)\n",
                    budget);
        int sum = 0;
        for (int f = 1; f <= kFrames; ++f) {
            sum += by_frame[static_cast<std::size_t>(f)];
            if (f == 1 || f == 2 || f == 4 || f == kFrames)
                std::printf("  read within %d frame%s: %4d (%6.2f%%)\n", f, f == 1 ? " " : "s", sum,
                            100.0 * sum / std::max(1, with_code));
        }
        print_tally("  held, in all", t, with_code, without_code);
        std::printf(
            "  slowest frame / raw ZXing run, per image: median %.2fx  p99 %.2fx  max %.2fx\n",
            percentile(frame_ratio, 0.5), percentile(frame_ratio, 0.99),
            percentile(frame_ratio, 1.0));
        std::printf("  slowest frame / its own plain pass: median %.2fx  p99 %.2fx  max %.2fx\n",
                    percentile(frame_own, 0.5), percentile(frame_own, 0.99),
                    percentile(frame_own, 1.0));
    }
    if (sweep) {
        std::printf("\nreads by budget (pipeline passes in order)\n");
        for (double b : {2.0, 3.0, 4.0, 6.0, 8.0, 16.0}) {
            qr::DecodePipeline swept({.passes = passes,
                                      .budget = b,
                                      .time_guard = time_guard,
                                      .max_symbols = max_symbols});
            Tally t;
            std::vector<double> ratios;
            for (std::size_t k = 0; k < samples.size(); ++k) {
                const Run r = timed(swept, samples[k].image, rounds);
                t.add(samples[k], r.text);
                ratios.push_back(plain_ms[k] > 0 ? r.ms / plain_ms[k] : 1.0);
            }
            std::printf(
                "  budget %4.1f  read %4d (%6.2f%%)  misread %d  fp %d   x plain p99 %.2f "
                "max %.2f\n",
                b, t.read, 100.0 * t.read / std::max(1, with_code), t.misread, t.false_positive,
                percentile(ratios, 0.99), percentile(ratios, 1.0));
        }
    }
    if (each_pass) {
        std::printf("\neach pass alone (every image, accept any text)\n");
        for (std::size_t i = 0; i < qr::kDecodePassCount; ++i) {
            const auto pass = static_cast<qr::DecodePass>(i);
            qr::DecodePipeline alone({.passes = {pass}, .budget = 64});
            Tally t;
            std::vector<double> ms, rel, rel_missed;
            std::string rescued;  // images this pass reads and the plain pass does not
            for (std::size_t k = 0; k < samples.size(); ++k) {
                const Run r = timed(alone, samples[k].image, rounds);
                t.add(samples[k], r.text);
                if (samples[k].expected && r.text == samples[k].expected &&
                    plain_text[k] != samples[k].expected)
                    rescued += " " + samples[k].name;
                ms.push_back(r.ms);
                rel.push_back(plain_ms[k] > 0 ? r.ms / plain_ms[k] : 1.0);
                if (samples[k].expected && plain_text[k] != samples[k].expected)
                    rel_missed.push_back(rel.back());
            }
            std::printf(
                "  %-18s read %4d  misread %3d  fp %d   %6.2f ms median, x plain: "
                "median %.2f, on images plain misses %.2f (p90 %.2f)\n",
                std::string(qr::to_string(pass)).c_str(), t.read, t.misread, t.false_positive,
                percentile(ms, 0.5), percentile(rel, 0.5), percentile(rel_missed, 0.5),
                percentile(rel_missed, 0.9));
            if (!rescued.empty()) std::printf("      rescues:%s\n", rescued.c_str());
        }
    }
    return 0;
}
