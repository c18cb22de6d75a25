#pragma once
// Moves grayscale images in and out of files and memory: PNG out (QR endpoint, test
// artefacts), PNG/JPEG/BMP/PGM in (scanner test images), colour converted to luma.

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "gate/Result.h"
#include "gate/qr/Error.h"
#include "gate/qr/GrayImage.h"

namespace gate::qr {

/// An 8-bit grayscale PNG of `image`, in memory (e.g. for an HTTP response body).
Result<std::vector<std::uint8_t>, Error> encode_png(const GrayImage& image);

/// Writes `image` as a grayscale PNG; a failed write removes the partial file.
Status<Error> write_png(const GrayImage& image, const std::filesystem::path& path);

/// Decodes an image held in memory. Colour becomes luma (Rec. 601); transparent pixels
/// are composed over white, so a transparent background reads as the quiet zone it means.
Result<GrayImage, Error> decode_image(std::span<const std::uint8_t> bytes);

/// Reads and decodes an image file as decode_image() does.
Result<GrayImage, Error> load_image(const std::filesystem::path& path);

}  // namespace gate::qr
