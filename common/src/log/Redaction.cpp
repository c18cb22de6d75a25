#include "gate/log/Redaction.h"

#include <array>

namespace gate::log {

namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_separator(char c) {
    return c == '_' || c == '-';
}

// Case and '_'/'-' are ignored, so "privateKey", "private-key" and "PRIVATE_KEY" all match
// the marker "privatekey".
bool contains_marker(std::string_view text, std::string_view marker) {
    for (std::size_t start = 0; start < text.size(); ++start) {
        if (is_separator(text[start])) continue;
        std::size_t i = 0;
        for (std::size_t pos = start; pos < text.size() && i < marker.size(); ++pos) {
            if (is_separator(text[pos])) continue;
            if (lower(text[pos]) != marker[i]) break;
            ++i;
        }
        if (i == marker.size()) return true;
    }
    return false;
}

}  // namespace

bool is_secret_key(std::string_view key) noexcept {
    // Substrings, so "device_token" and "X-Authorization" match too; a harmless field
    // hidden by accident costs less than a leaked key.
    static constexpr std::array<std::string_view, 11> markers{
        "token",  "secret", "password",   "passwd",    "passphrase",   "privatekey",
        "apikey", "cookie", "credential", "claimcode", "authorization"};
    for (std::string_view marker : markers) {
        if (contains_marker(key, marker)) return true;
    }
    return false;
}

}  // namespace gate::log
