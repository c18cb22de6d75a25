#pragma once
// Image fixtures for the qr tests: ticket-like text, the distortions a camera adds, and a
// minimal independent PNG writer so the loader is checked against more than stb's output.

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gate/qr/GrayImage.h"

namespace qr_test {

using gate::qr::GrayImage;

/// `length` characters of the base45 alphabet, shaped like a versioned ticket code.
inline std::string ticket_like_text(std::size_t length, unsigned seed = 7) {
    static constexpr std::string_view kBase45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, kBase45.size() - 1);
    std::string text = "GT1:";
    while (text.size() < length)
        text.push_back(kBase45[pick(rng)]);
    text.resize(length);
    return text;
}

inline GrayImage filled(int width, int height, std::uint8_t value) {
    return {width, height,
            std::vector<std::uint8_t>(
                static_cast<std::size_t>(width) * static_cast<std::size_t>(height), value)};
}

inline std::uint8_t& at(GrayImage& image, int x, int y) {
    return image.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) +
                        static_cast<std::size_t>(x)];
}

inline std::uint8_t at(const GrayImage& image, int x, int y) {
    return image.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) +
                        static_cast<std::size_t>(x)];
}

/// Nearest-neighbour resampling by num/den, as a cheap camera pipeline would scale.
inline GrayImage scaled(const GrayImage& src, int num, int den) {
    GrayImage out = filled(src.width * num / den, src.height * num / den, 255);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            at(out, x, y) = at(src, x * den / num, y * den / num);
    return out;
}

/// Adds uniform noise of +-amplitude to every pixel (fixed seed: reproducible).
inline GrayImage noisy(const GrayImage& src, int amplitude, unsigned seed) {
    GrayImage out = src;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-amplitude, amplitude);
    for (auto& p : out.pixels)
        p = static_cast<std::uint8_t>(std::clamp(p + noise(rng), 0, 255));
    return out;
}

/// Rotates a quarter turn clockwise.
inline GrayImage rotated90(const GrayImage& src) {
    GrayImage out = filled(src.height, src.width, 255);
    for (int y = 0; y < src.height; ++y)
        for (int x = 0; x < src.width; ++x)
            at(out, src.height - 1 - y, x) = at(src, x, y);
    return out;
}

/// Places `src` into a white canvas at (left, top).
inline void paste(GrayImage& canvas, const GrayImage& src, int left, int top) {
    for (int y = 0; y < src.height; ++y)
        for (int x = 0; x < src.width; ++x)
            at(canvas, left + x, top + y) = at(src, x, y);
}

/// Random black/white blocks of `block` px: dense high-contrast structure with no code in it.
inline GrayImage block_noise(int width, int height, int block, unsigned seed) {
    GrayImage out = filled(width, height, 255);
    std::mt19937 rng(seed);
    std::bernoulli_distribution dark(0.5);
    for (int by = 0; by < height; by += block)
        for (int bx = 0; bx < width; bx += block)
            if (dark(rng))
                for (int y = by; y < std::min(by + block, height); ++y)
                    for (int x = bx; x < std::min(bx + block, width); ++x)
                        at(out, x, y) = 0;
    return out;
}

/// A unique path in the temp directory, removed when the guard goes out of scope.
class TempPath {
  public:
    explicit TempPath(std::string_view suffix) {
        static int counter = 0;
        path_ = std::filesystem::temp_directory_path() /
                ("gate-qr-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) +
                 std::string(suffix));
    }
    ~TempPath() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempPath(const TempPath&) = delete;
    TempPath& operator=(const TempPath&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// ---- A minimal PNG writer: stored (uncompressed) deflate blocks, written from the spec. ----

inline std::uint32_t png_crc(const std::uint8_t* data, std::size_t size, std::uint32_t crc) {
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1U)));
    }
    return crc;
}

inline void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(v >> shift));
}

inline void put_chunk(std::vector<std::uint8_t>& out, const char (&type)[5],
                      const std::vector<std::uint8_t>& body) {
    put_u32(out, static_cast<std::uint32_t>(body.size()));
    const std::size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), body.begin(), body.end());
    const std::uint32_t crc = png_crc(out.data() + start, out.size() - start, 0xFFFFFFFFU);
    put_u32(out, crc ^ 0xFFFFFFFFU);
}

/// A PNG of 8-bit samples; color_type 0 gray, 2 RGB, 4 gray+alpha, 6 RGBA.
inline std::vector<std::uint8_t> make_png(int width, int height, int color_type,
                                          const std::vector<std::uint8_t>& samples) {
    const int channels = color_type == 0 ? 1 : color_type == 2 ? 3 : color_type == 4 ? 2 : 4;
    const auto row_bytes = static_cast<std::size_t>(width * channels);
    std::vector<std::uint8_t> raw;  // filter byte 0 (none) before each row
    for (std::size_t y = 0; y < static_cast<std::size_t>(height); ++y) {
        raw.push_back(0);
        raw.insert(raw.end(), samples.begin() + static_cast<std::ptrdiff_t>(y * row_bytes),
                   samples.begin() + static_cast<std::ptrdiff_t>((y + 1) * row_bytes));
    }
    std::vector<std::uint8_t> z = {0x78, 0x01};
    std::uint32_t a = 1;
    std::uint32_t b = 0;
    for (std::uint8_t byte : raw) {
        a = (a + byte) % 65521U;
        b = (b + a) % 65521U;
    }
    for (std::size_t pos = 0; pos < raw.size() || pos == 0;) {
        const std::size_t len = std::min<std::size_t>(65535, raw.size() - pos);
        const bool last = pos + len == raw.size();
        z.push_back(last ? 1 : 0);
        z.push_back(static_cast<std::uint8_t>(len & 0xFF));
        z.push_back(static_cast<std::uint8_t>(len >> 8));
        z.push_back(static_cast<std::uint8_t>(~len & 0xFF));
        z.push_back(static_cast<std::uint8_t>((~len >> 8) & 0xFF));
        z.insert(z.end(), raw.begin() + static_cast<std::ptrdiff_t>(pos),
                 raw.begin() + static_cast<std::ptrdiff_t>(pos + len));
        pos += len;
        if (last) break;
    }
    put_u32(z, (b << 16) | a);

    std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<std::uint8_t> ihdr;
    put_u32(ihdr, static_cast<std::uint32_t>(width));
    put_u32(ihdr, static_cast<std::uint32_t>(height));
    ihdr.insert(ihdr.end(), {8, static_cast<std::uint8_t>(color_type), 0, 0, 0});
    put_chunk(png, "IHDR", ihdr);
    put_chunk(png, "IDAT", z);
    put_chunk(png, "IEND", {});
    return png;
}

}  // namespace qr_test
