#include "qr/Utf8.h"

#include <cstddef>

namespace gate::qr {

bool is_valid_utf8(std::string_view text) noexcept {
    const std::size_t n = text.size();
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    auto continuation = [&](std::size_t k) { return k < n && (byte(k) & 0xC0U) == 0x80U; };
    while (i < n) {
        const unsigned char lead = byte(i);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t extra = 0;
        // The second byte's allowed range rules out overlongs, surrogates and > U+10FFFF.
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            extra = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            extra = 2;
            if (lead == 0xE0) lo = 0xA0;
            if (lead == 0xED) hi = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            extra = 3;
            if (lead == 0xF0) lo = 0x90;
            if (lead == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        if (i + 1 >= n || byte(i + 1) < lo || byte(i + 1) > hi) return false;
        for (std::size_t k = 2; k <= extra; ++k)
            if (!continuation(i + k)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace gate::qr
