#include "qr/ZbarReader.h"

#include <zbar.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstring>

namespace gate::qr {

using namespace zbar;  // zbar.h puts its C API in namespace zbar when compiled as C++

struct ZbarReader::Scanner {
    zbar_image_scanner_t* handle = zbar_image_scanner_create();
    ~Scanner() {
        if (handle != nullptr) zbar_image_scanner_destroy(handle);
    }
    Scanner() {
        if (handle == nullptr) return;
        zbar_image_scanner_set_config(handle, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
        zbar_image_scanner_set_config(handle, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
        // Still images: no cache of earlier sightings, every read reported at once.
        zbar_image_scanner_enable_cache(handle, 0);
        // Every second row and column: half the time of zbar's default, and on the
        // real-photo corpus it reads as many of the codes ZXing misses (tests/bench).
        zbar_image_scanner_set_config(handle, ZBAR_NONE, ZBAR_CFG_X_DENSITY, 2);
        zbar_image_scanner_set_config(handle, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, 2);
    }
    Scanner(const Scanner&) = delete;
    Scanner& operator=(const Scanner&) = delete;
};

ZbarReader::ZbarReader() : scanner_(std::make_unique<Scanner>()) {}
ZbarReader::~ZbarReader() = default;

std::vector<Decoded> ZbarReader::read(GrayView image) {
    std::vector<Decoded> found;
    if (scanner_->handle == nullptr || image.data == nullptr || image.width <= 0 ||
        image.height <= 0)
        return found;
    const auto w = static_cast<std::size_t>(image.width);
    const auto h = static_cast<std::size_t>(image.height);
    const void* pixels = image.data;
    if (image.stride != image.width) {
        packed_.resize(w * h);
        for (std::size_t y = 0; y < h; ++y)
            std::memcpy(packed_.data() + y * w,
                        image.data + static_cast<std::ptrdiff_t>(y) * image.stride, w);
        pixels = packed_.data();
    }
    zbar_image_t* zimage = zbar_image_create();
    if (zimage == nullptr) return found;
    zbar_image_set_format(zimage, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(zimage, static_cast<unsigned>(w), static_cast<unsigned>(h));
    zbar_image_set_data(zimage, pixels, w * h, nullptr);
    if (zbar_scan_image(scanner_->handle, zimage) > 0) {
        for (const zbar_symbol_t* s = zbar_image_first_symbol(zimage); s != nullptr;
             s = zbar_symbol_next(s)) {
            if (zbar_symbol_get_type(s) != ZBAR_QRCODE) continue;
            Decoded d;
            d.text.assign(zbar_symbol_get_data(s), zbar_symbol_get_data_length(s));
            // zbar guesses the character set of byte-mode data differently from ZXing (and
            // often wrongly for Shift_JIS); only text that every guess agrees on is kept.
            if (!std::all_of(d.text.begin(), d.text.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
                continue;
            int x0 = INT_MAX, y0 = INT_MAX, x1 = INT_MIN, y1 = INT_MIN;
            const unsigned points = zbar_symbol_get_loc_size(s);
            for (unsigned i = 0; i < points; ++i) {
                const int x = zbar_symbol_get_loc_x(s, i), y = zbar_symbol_get_loc_y(s, i);
                x0 = std::min(x0, x);
                y0 = std::min(y0, y);
                x1 = std::max(x1, x);
                y1 = std::max(y1, y);
            }
            if (points > 0)
                d.corners = {Point{x0, y0}, Point{x1, y0}, Point{x1, y1}, Point{x0, y1}};
            found.push_back(std::move(d));
        }
    }
    zbar_image_destroy(zimage);
    return found;
}

}  // namespace gate::qr
