#include "gate/qr/Png.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace gate::qr {
namespace {

// Same budget as decode(): every image we load is headed there.
constexpr long long kMaxPixels = 64LL * 1024 * 1024;
constexpr long long kMaxFileBytes = 256LL * 1024 * 1024;

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

struct StbFree {
    void operator()(stbi_uc* p) const noexcept { stbi_image_free(p); }
};

Error file_error(const std::filesystem::path& path, const char* what, int err) {
    return Error{ErrorCode::FileError,
                 std::string(what) + " " + path.string() + ": " + std::strerror(err)};
}

std::optional<Error> check_image(const GrayImage& image) {
    if (image.width <= 0 || image.height <= 0)
        return Error{ErrorCode::InvalidImage, "image size " + std::to_string(image.width) + "x" +
                                                  std::to_string(image.height) +
                                                  " is not positive"};
    const long long count = static_cast<long long>(image.width) * image.height;
    if (count > kMaxPixels)
        return Error{ErrorCode::ImageTooLarge,
                     "image exceeds " + std::to_string(kMaxPixels) + " pixels"};
    if (image.pixels.size() != static_cast<std::size_t>(count))
        return Error{ErrorCode::InvalidImage, "image holds " + std::to_string(image.pixels.size()) +
                                                  " pixels, " + std::to_string(image.width) + "x" +
                                                  std::to_string(image.height) + " needs " +
                                                  std::to_string(count)};
    return std::nullopt;
}

void append_bytes(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(context);
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out->insert(out->end(), bytes, bytes + size);
}

// Rec. 601 luma in fixed point, the weighting camera Y planes use too.
std::uint8_t luma(unsigned r, unsigned g, unsigned b) {
    return static_cast<std::uint8_t>((299 * r + 587 * g + 114 * b + 500) / 1000);
}

// Composes a grey value with its alpha over white.
std::uint8_t over_white(unsigned gray, unsigned alpha) {
    return static_cast<std::uint8_t>((gray * alpha + 255 * (255 - alpha) + 127) / 255);
}

}  // namespace

Result<std::vector<std::uint8_t>, Error> encode_png(const GrayImage& image) {
    if (auto bad = check_image(image)) return fail(std::move(*bad));
    std::vector<std::uint8_t> png;
    const int ok = stbi_write_png_to_func(append_bytes, &png, image.width, image.height, 1,
                                          image.pixels.data(), image.width);
    if (ok == 0 || png.empty())
        return fail(Error{ErrorCode::Internal, "PNG encoder failed (out of memory?)"});
    return png;
}

Status<Error> write_png(const GrayImage& image, const std::filesystem::path& path) {
    auto png = encode_png(image);
    if (!png) return fail(png.error());

    File file(std::fopen(path.c_str(), "wb"));
    if (!file) return fail(file_error(path, "cannot create", errno));
    const std::size_t written = std::fwrite(png->data(), 1, png->size(), file.get());
    int err = written == png->size() ? 0 : errno;
    if (err == 0 && std::fflush(file.get()) != 0) err = errno;
    if (std::fclose(file.release()) != 0 && err == 0) err = errno;
    if (err != 0) {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
        return fail(file_error(path, "cannot write", err));
    }
    return {};
}

Result<GrayImage, Error> decode_image(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return fail(Error{ErrorCode::NotAnImage, "no image data (0 bytes)"});
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return fail(Error{ErrorCode::ImageTooLarge, "image data exceeds 2 GiB"});
    const int length = static_cast<int>(bytes.size());

    // Read the header first so a hostile size is refused before any pixel is allocated.
    int width = 0;
    int height = 0;
    int channels = 0;
    if (stbi_info_from_memory(bytes.data(), length, &width, &height, &channels) == 0)
        return fail(Error{ErrorCode::NotAnImage,
                          std::string("not a readable image: ") + stbi_failure_reason()});
    if (width <= 0 || height <= 0 || static_cast<long long>(width) * height > kMaxPixels)
        return fail(Error{ErrorCode::ImageTooLarge, "image is " + std::to_string(width) + "x" +
                                                        std::to_string(height) + ", limit " +
                                                        std::to_string(kMaxPixels) + " pixels"});

    std::unique_ptr<stbi_uc, StbFree> raw(
        stbi_load_from_memory(bytes.data(), length, &width, &height, &channels, 0));
    if (!raw)
        return fail(Error{ErrorCode::NotAnImage,
                          std::string("cannot decode image: ") + stbi_failure_reason()});
    if (channels < 1 || channels > 4)
        return fail(
            Error{ErrorCode::NotAnImage, "unsupported channel count " + std::to_string(channels)});

    GrayImage image;
    image.width = width;
    image.height = height;
    const auto count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    image.pixels.resize(count);
    const stbi_uc* p = raw.get();
    for (std::size_t i = 0; i < count; ++i) {
        const stbi_uc* px = p + i * static_cast<std::size_t>(channels);
        switch (channels) {
            case 1:
                image.pixels[i] = px[0];
                break;
            case 2:
                image.pixels[i] = over_white(px[0], px[1]);
                break;
            case 3:
                image.pixels[i] = luma(px[0], px[1], px[2]);
                break;
            default:
                image.pixels[i] = over_white(luma(px[0], px[1], px[2]), px[3]);
                break;
        }
    }
    return image;
}

Result<GrayImage, Error> load_image(const std::filesystem::path& path) {
    File file(std::fopen(path.c_str(), "rb"));
    if (!file) return fail(file_error(path, "cannot open", errno));

    std::vector<std::uint8_t> bytes;
    std::uint8_t chunk[64 * 1024];
    for (;;) {
        const std::size_t got = std::fread(chunk, 1, sizeof chunk, file.get());
        bytes.insert(bytes.end(), chunk, chunk + got);
        if (static_cast<long long>(bytes.size()) > kMaxFileBytes)
            return fail(Error{
                ErrorCode::ImageTooLarge,
                path.string() + " is larger than " + std::to_string(kMaxFileBytes) + " bytes"});
        if (got < sizeof chunk) break;
    }
    if (std::ferror(file.get()) != 0) return fail(file_error(path, "cannot read", errno));

    auto image = decode_image(bytes);
    if (!image) {
        Error error = image.error();
        error.message = path.string() + ": " + error.message;
        return fail(std::move(error));
    }
    return image;
}

}  // namespace gate::qr
