#pragma once
// Finds the ticket code in one camera frame: ZXing restricted to QR, optionally only inside
// a region of interest (the aiming box) and on a downscaled copy for large frames.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate/Result.h"
#include "gate/qr/Decode.h"
#include "gate/qr/GrayImage.h"

namespace gate::scanner {

struct Roi {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

struct DecoderOptions {
    std::optional<Roi> roi;  ///< clipped to the frame; none = the whole frame
    int downscale = 1;       ///< 1..8: decode every Nth pixel of every Nth line
    bool try_harder = false;
    bool try_downscale =
        true;  ///< also search ZXing's downscaled copies (small codes in big frames)
};

class FrameDecoder {
  public:
    explicit FrameDecoder(DecoderOptions options = {}) : options_(options) {}

    /// The text of the first QR code in the frame; empty when there is none.
    Result<std::optional<std::string>, qr::Error> decode(qr::GrayView frame);

  private:
    DecoderOptions options_;
    std::vector<std::uint8_t> scratch_;  // downscaled pixels, reused between frames
};

}  // namespace gate::scanner
