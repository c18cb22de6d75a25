#pragma once
// The second decoder: zbar (QR only). Its finder and its sampling differ from ZXing's, so it
// reads some symbols ZXing misses (and the other way round). Holds one zbar scanner, reused
// between frames; not thread-safe, like the pipeline that owns it.

#include <memory>
#include <vector>

#include "gate/qr/Decode.h"
#include "gate/qr/GrayImage.h"

namespace gate::qr {

class ZbarReader {
  public:
    ZbarReader();
    ~ZbarReader();
    ZbarReader(const ZbarReader&) = delete;
    ZbarReader& operator=(const ZbarReader&) = delete;

    /// Every QR code zbar reads in `image` whose text is ASCII (zbar's charset guess for
    /// other byte-mode data is not ZXing's, and often wrong). Corners are the bounding box of
    /// the points zbar sampled (it reports no symbol corners); version and EC level are empty.
    std::vector<Decoded> read(GrayView image);

  private:
    struct Scanner;
    std::unique_ptr<Scanner> scanner_;
    std::vector<std::uint8_t> packed_;  // rows without padding, as zbar wants them
};

}  // namespace gate::qr
