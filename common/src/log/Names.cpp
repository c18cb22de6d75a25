#include "log/Names.h"

namespace gate::log::detail {

bool same_name(std::string_view typed, std::string_view name) noexcept {
    while (!typed.empty() && typed.front() == ' ')
        typed.remove_prefix(1);
    while (!typed.empty() && typed.back() == ' ')
        typed.remove_suffix(1);
    if (typed.size() != name.size()) return false;
    for (std::size_t i = 0; i < typed.size(); ++i) {
        char c = typed[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != name[i]) return false;
    }
    return true;
}

std::string quote(std::string_view text) {
    constexpr std::size_t max_shown = 40;
    std::string out = "\"";
    for (char c : text.substr(0, max_shown)) {
        if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
            static constexpr char hex[] = "0123456789abcdef";
            auto byte = static_cast<unsigned char>(c);
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0x0f];
        } else {
            out += c;
        }
    }
    if (text.size() > max_shown) out += "...";
    return out + "\"";
}

}  // namespace gate::log::detail
