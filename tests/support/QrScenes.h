#pragma once
// Harder camera scenes, made here so the decode tests and the quick benchmark need no photos:
// a code on a phone screen (moire), under glare, printed grey on grey, out of focus,
// inverted, tiny, tilted, on crumpled paper; and scenes that hold no code at all. Every
// scene is deterministic (fixed seeds), so a test that reads one reads it every time.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gate/qr/GrayImage.h"
#include "gate/qr/Render.h"

namespace qr_test {

using gate::qr::GrayImage;

struct Scene {
    std::string name;
    GrayImage image;
    std::string text;  // empty for a scene without a code
};

namespace scene_detail {

inline std::size_t index(const GrayImage& img, int x, int y) {
    return static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) +
           static_cast<std::size_t>(x);
}

inline GrayImage blank(int w, int h, std::uint8_t v) {
    return {w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w * h), v)};
}

inline std::uint8_t clamp_px(double v) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

/// Bilinear sample with clamping at the border; outside the image gives `outside`.
inline double sample(const GrayImage& img, double x, double y, double outside) {
    if (x < -0.5 || y < -0.5 || x > img.width - 0.5 || y > img.height - 0.5) return outside;
    x = std::clamp(x, 0.0, img.width - 1.0);
    y = std::clamp(y, 0.0, img.height - 1.0);
    const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
    const int x1 = std::min(x0 + 1, img.width - 1), y1 = std::min(y0 + 1, img.height - 1);
    const double fx = x - x0, fy = y - y0;
    const double top =
        img.pixels[index(img, x0, y0)] * (1 - fx) + img.pixels[index(img, x1, y0)] * fx;
    const double bot =
        img.pixels[index(img, x0, y1)] * (1 - fx) + img.pixels[index(img, x1, y1)] * fx;
    return top * (1 - fy) + bot * fy;
}

/// A camera-like background: soft blotches of mid grey (desk, clothing, a queue).
inline GrayImage background(int w, int h, unsigned seed, int lo = 90, int hi = 200) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> grey(lo, hi);
    const int cell = 24;
    const int cw = w / cell + 2, ch = h / cell + 2;
    std::vector<int> grid(static_cast<std::size_t>(cw * ch));
    for (auto& g : grid)
        g = grey(rng);
    GrayImage out = blank(w, h, 0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double gx = static_cast<double>(x) / cell, gy = static_cast<double>(y) / cell;
            const int ix = static_cast<int>(gx), iy = static_cast<int>(gy);
            const double fx = gx - ix, fy = gy - iy;
            auto g = [&](int a, int b) {
                return static_cast<double>(grid[static_cast<std::size_t>(b * cw + a)]);
            };
            const double v = (g(ix, iy) * (1 - fx) + g(ix + 1, iy) * fx) * (1 - fy) +
                             (g(ix, iy + 1) * (1 - fx) + g(ix + 1, iy + 1) * fx) * fy;
            out.pixels[index(out, x, y)] = clamp_px(v);
        }
    return out;
}

/// Draws `code` into `frame` through `to_code`, which maps a frame pixel to code coordinates
/// (in code pixels); frame pixels that map outside the code keep the background.
inline void draw(GrayImage& frame, const GrayImage& code,
                 const std::function<std::pair<double, double>(double, double)>& to_code) {
    for (int y = 0; y < frame.height; ++y)
        for (int x = 0; x < frame.width; ++x) {
            const auto [cx, cy] = to_code(x + 0.5, y + 0.5);
            const double v = sample(code, cx - 0.5, cy - 0.5, -1);
            if (v >= 0) frame.pixels[index(frame, x, y)] = clamp_px(v);
        }
}

/// Draws `code` scaled by `scale`, centred at (cx, cy).
inline void draw_centred(GrayImage& frame, const GrayImage& code, double scale, double cx,
                         double cy) {
    draw(frame, code, [&](double x, double y) {
        return std::pair{(x - cx) / scale + code.width / 2.0, (y - cy) / scale + code.height / 2.0};
    });
}

inline GrayImage gaussian_blur(const GrayImage& in, double sigma) {
    const int r = std::max(1, static_cast<int>(std::ceil(sigma * 3)));
    std::vector<double> k(static_cast<std::size_t>(2 * r + 1));
    double total = 0;
    for (int i = -r; i <= r; ++i)
        total += k[static_cast<std::size_t>(i + r)] = std::exp(-i * i / (2 * sigma * sigma));
    for (auto& v : k)
        v /= total;
    GrayImage tmp = in, out = in;
    for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x) {
            double s = 0;
            for (int i = -r; i <= r; ++i)
                s += k[static_cast<std::size_t>(i + r)] *
                     in.pixels[index(in, std::clamp(x + i, 0, in.width - 1), y)];
            tmp.pixels[index(tmp, x, y)] = clamp_px(s);
        }
    for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x) {
            double s = 0;
            for (int i = -r; i <= r; ++i)
                s += k[static_cast<std::size_t>(i + r)] *
                     tmp.pixels[index(tmp, x, std::clamp(y + i, 0, in.height - 1))];
            out.pixels[index(out, x, y)] = clamp_px(s);
        }
    return out;
}

inline void add_noise(GrayImage& img, int amplitude, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-amplitude, amplitude);
    for (auto& p : img.pixels)
        p = static_cast<std::uint8_t>(std::clamp(p + noise(rng), 0, 255));
}

inline GrayImage render_code(const std::string& text, int module_px = 1,
                             gate::qr::ErrorCorrection ec = gate::qr::ErrorCorrection::M) {
    auto code = gate::qr::render(text, {.ec = ec, .module_px = module_px});
    return code ? std::move(code->image) : GrayImage{};
}

}  // namespace scene_detail

/// The lengths of real ticket codes: static (version 1, a version-6 QR) and rotating
/// (version 2, a version-10 QR).
inline constexpr std::size_t kStaticLength = 151;
inline constexpr std::size_t kRotatingLength = 307;

/// Ticket-shaped text (base45 alphabet behind a prefix), as long as a real ticket code.
inline std::string scene_text(unsigned seed, std::size_t length = kStaticLength) {
    static constexpr std::string_view kBase45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, kBase45.size() - 1);
    std::string text = length > kStaticLength ? "TK2:" : "TK1:";
    while (text.size() < length)
        text.push_back(kBase45[pick(rng)]);
    return text;
}

using namespace scene_detail;

/// A phone screen filmed up close: the sub-pixel grid beats against the camera's pixels
/// (moire bands across the code) and the screen's backlight is uneven.
inline Scene screen_moire(unsigned seed = 1, std::size_t length = kStaticLength) {
    const std::string text = scene_text(seed, length);
    const GrayImage code = render_code(text);
    GrayImage frame = background(480, 360, seed + 100, 20, 60);  // a dark phone body around
    const double scale = 5.3;
    draw_centred(frame, code, scale, 240, 180);
    for (int y = 0; y < frame.height; ++y)
        for (int x = 0; x < frame.width; ++x) {
            // Screen pixel grid at a slight angle, close to the camera's own pitch.
            const double u = x * 0.996 + y * 0.087, v = y * 0.996 - x * 0.087;
            const double grid = 0.5 + 0.5 * std::cos(2 * std::numbers::pi * u / 1.9) *
                                          std::cos(2 * std::numbers::pi * v / 1.9);
            const double band = 0.75 + 0.25 * std::sin(2 * std::numbers::pi * (x + 0.6 * y) / 37.0);
            auto& p = frame.pixels[index(frame, x, y)];
            p = clamp_px(p * (0.62 + 0.38 * grid) * band + 25);
        }
    add_noise(frame, 8, seed);
    return {"screen-moire-" + std::to_string(seed), std::move(frame), text};
}

/// A shiny ticket or phone under a lamp: a highlight washes part of the code nearly white.
inline Scene glare(unsigned seed = 1, std::size_t length = kStaticLength) {
    const std::string text = scene_text(seed + 10, length);
    const GrayImage code = render_code(text);
    GrayImage frame = background(480, 360, seed + 200);
    draw_centred(frame, code, 5.0, 240, 180);
    const double gx = 210 + 10.0 * seed, gy = 160, sigma = 70;
    for (int y = 0; y < frame.height; ++y)
        for (int x = 0; x < frame.width; ++x) {
            const double d2 = (x - gx) * (x - gx) + (y - gy) * (y - gy);
            const double g = 0.97 * std::exp(-d2 / (2 * sigma * sigma));
            auto& p = frame.pixels[index(frame, x, y)];
            p = clamp_px(p * (1 - g) + 255 * g);
        }
    add_noise(frame, 2, seed);
    return {"glare-" + std::to_string(seed), std::move(frame), text};
}

/// A faded print in dim light: dark modules barely darker than the paper.
inline Scene low_contrast(unsigned seed = 1, std::size_t length = kStaticLength) {
    const std::string text = scene_text(seed + 20, length);
    GrayImage code = render_code(text);
    for (auto& p : code.pixels)
        p = p < 128 ? std::uint8_t{118} : std::uint8_t{136};
    GrayImage frame = background(480, 360, seed + 300, 110, 150);
    draw_centred(frame, code, 5.0, 240, 180);
    add_noise(frame, 2, seed);
    return {"low-contrast-" + std::to_string(seed), std::move(frame), text};
}

/// A code held too close for the lens to focus.
inline Scene blur(unsigned seed = 1, std::size_t length = kStaticLength) {
    const std::string text = scene_text(seed + 30, length);
    const GrayImage code = render_code(text);
    GrayImage frame = background(480, 360, seed + 400);
    draw_centred(frame, code, 4.0, 240, 180);
    frame = gaussian_blur(frame, 1.4);
    add_noise(frame, 3, seed);
    return {"blur-" + std::to_string(seed), std::move(frame), text};
}

/// Dark mode: a light code on a dark screen.
inline Scene inverted(unsigned seed = 1, std::size_t length = kStaticLength) {
    const std::string text = scene_text(seed + 40, length);
    GrayImage code = render_code(text);
    for (auto& p : code.pixels)
        p = static_cast<std::uint8_t>(255 - p);
    GrayImage frame = background(480, 360, seed + 500, 10, 50);
    draw_centred(frame, code, 5.0, 240, 180);
    add_noise(frame, 4, seed);
    return {"inverted-" + std::to_string(seed), std::move(frame), text};
}

/// A code far from the camera: under two pixels a module.
inline Scene small_symbol(unsigned seed = 1, std::size_t length = kStaticLength) {
    const std::string text = scene_text(seed + 50, length);
    const GrayImage code = render_code(text);
    GrayImage frame = background(320, 240, seed + 600);
    draw_centred(frame, code, 2.0, 160, 120);
    frame = gaussian_blur(frame, 0.5);
    add_noise(frame, 4, seed);
    return {"small-" + std::to_string(seed), std::move(frame), text};
}

/// A ticket held at a steep angle: strong perspective.
inline Scene perspective(unsigned seed = 1, std::size_t length = kStaticLength) {
    const std::string text = scene_text(seed + 60, length);
    const GrayImage code = render_code(text);
    // The frame grows with the symbol (a larger code is held as far from the lens), so the
    // tilted code stays inside it whatever its version.
    const int w = 480 * code.width / 49, h = 360 * code.height / 49;
    GrayImage frame = background(w, h, seed + 700);
    // The code plane tilted about its vertical axis, seen by a pinhole camera.
    const double tilt = (55.0 + 2.0 * seed) * std::numbers::pi / 180.0;
    const double f = 300, dist = 420, s = 6.0;
    draw(frame, code, [&](double x, double y) {
        // The plane point (u cos t, v, dist + u sin t) projects to (f u cos t, f v) / depth.
        const double rx = (x - w / 2.0) / f, ry = (y - h / 2.0) / f;
        const double u = rx * dist / (std::cos(tilt) - rx * std::sin(tilt));
        const double v = ry * (dist + u * std::sin(tilt));
        return std::pair{u / s + code.width / 2.0, v / s + code.height / 2.0};
    });
    add_noise(frame, 4, seed);
    return {"perspective-" + std::to_string(seed), std::move(frame), text};
}

/// A paper ticket crumpled in a pocket: smooth folds bend the grid by up to 2 x `fold_px`
/// pixels (past about 1.5 px ZXing 1.4 loses the grid) and shade the paper.
inline Scene crumpled(unsigned seed = 1, double fold_px = 1.0, std::size_t length = kStaticLength) {
    const std::string text = scene_text(seed + 70, length);
    const GrayImage code = render_code(text, 1, gate::qr::ErrorCorrection::M);
    GrayImage frame = background(480, 360, seed + 800);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> phase(0, 2 * std::numbers::pi), freq(0.012, 0.03);
    struct Wave {
        double fx, fy, ph, amp;
    };
    std::vector<Wave> waves;
    for (int i = 0; i < 4; ++i)
        waves.push_back({freq(rng), freq(rng), phase(rng), fold_px});
    const double s = 5.0;
    draw(frame, code, [&](double x, double y) {
        double dx = 0, dy = 0;
        for (std::size_t i = 0; i < waves.size(); ++i) {
            const auto& w = waves[i];
            const double v = w.amp * std::sin(w.fx * x + w.fy * y + w.ph);
            (i % 2 == 0 ? dx : dy) += v;
        }
        return std::pair{(x + dx - 240) / s + code.width / 2.0,
                         (y + dy - 180) / s + code.height / 2.0};
    });
    for (int y = 0; y < frame.height; ++y)
        for (int x = 0; x < frame.width; ++x) {
            double shade = 1.0;
            for (const auto& w : waves)
                shade -= 0.12 * std::cos(w.fx * x * 1.7 + w.fy * y * 1.7 + w.ph);
            auto& p = frame.pixels[index(frame, x, y)];
            p = clamp_px(p * shade);
        }
    add_noise(frame, 4, seed);
    return {"crumpled-" + std::to_string(seed), std::move(frame), text};
}

/// Every scene with a code, two of each kind, for codes of `length` characters (the same
/// pixels per module whatever the length, as a phone shows a rotating code full-width).
inline std::vector<Scene> all_scenes(std::size_t length = kStaticLength) {
    std::vector<Scene> out;
    for (unsigned seed : {1U, 2U}) {
        out.push_back(screen_moire(seed, length));
        out.push_back(glare(seed, length));
        out.push_back(low_contrast(seed, length));
        out.push_back(blur(seed, length));
        out.push_back(inverted(seed, length));
        out.push_back(small_symbol(seed, length));
        out.push_back(perspective(seed, length));
        out.push_back(crumpled(seed, seed == 1 ? 0.7 : 0.85, length));
    }
    return out;
}

/// Scenes that hold no code: busy texture, fine print-like blocks, a checkerboard, stripes,
/// and a code whose centre is torn out (finder patterns but no readable data).
inline std::vector<Scene> scenes_without_code() {
    std::vector<Scene> out;
    out.push_back({"background", background(480, 360, 11), ""});
    {
        GrayImage blocks = blank(480, 360, 255);
        std::mt19937 rng(5);
        std::bernoulli_distribution dark(0.5);
        for (int by = 0; by < 360; by += 6)
            for (int bx = 0; bx < 480; bx += 6)
                if (dark(rng))
                    for (int y = by; y < by + 6; ++y)
                        for (int x = bx; x < bx + 6; ++x)
                            blocks.pixels[index(blocks, x, y)] = 0;
        out.push_back({"block-noise", std::move(blocks), ""});
    }
    {
        GrayImage board = blank(480, 360, 255);
        for (int y = 0; y < 360; ++y)
            for (int x = 0; x < 480; ++x)
                if (((x / 12) + (y / 12)) % 2 == 0) board.pixels[index(board, x, y)] = 20;
        out.push_back({"checkerboard", std::move(board), ""});
    }
    {
        GrayImage stripes = background(480, 360, 12);
        for (int y = 0; y < 360; ++y)
            for (int x = 0; x < 480; ++x)
                if ((x + y / 3) % 9 < 3) stripes.pixels[index(stripes, x, y)] = 30;
        out.push_back({"stripes", std::move(stripes), ""});
    }
    {
        const GrayImage code = render_code(scene_text(99));
        GrayImage frame = background(480, 360, 13);
        draw_centred(frame, code, 5.0, 240, 180);
        // Tear out the middle: the finders stay, the data does not.
        for (int y = 120; y < 240; ++y)
            for (int x = 170; x < 310; ++x)
                frame.pixels[index(frame, x, y)] = 230;
        out.push_back({"torn-code", std::move(frame), ""});
    }
    {
        GrayImage flat = blank(480, 360, 128);
        add_noise(flat, 30, 3);
        out.push_back({"sensor-noise", std::move(flat), ""});
    }
    return out;
}

}  // namespace qr_test
