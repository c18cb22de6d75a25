#pragma once
// Lower-casing text whose case does not matter (media types, declared column types,
// email addresses, currency codes): ASCII letters only, whatever the locale; other bytes,
// UTF-8 included, stay as they are.

#include <string>

namespace gate::backend {

inline std::string ascii_lower(std::string text) {
    for (auto& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

}  // namespace gate::backend
