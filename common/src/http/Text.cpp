#include "Text.h"

namespace gate::http::detail {

std::string printable_excerpt(std::string_view text, std::size_t max_bytes) {
    const bool shortened = text.size() > max_bytes;
    std::string out(text.substr(0, max_bytes));
    for (char& c : out) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) c = '?';
    }
    if (shortened) out += "...";
    return out;
}

void scrub(std::string& message, std::string_view secret) {
    if (secret.empty()) return;
    constexpr std::string_view kMask = "[redacted]";
    for (auto pos = message.find(secret); pos != std::string::npos;
         pos = message.find(secret, pos + kMask.size())) {
        message.replace(pos, secret.size(), kMask);
    }
}

}  // namespace gate::http::detail
