#pragma once
// Standard base64 (RFC 4648 section 4, padded) as the Solana RPC uses it for
// transactions and account data, over gate::codec's base64url (private).

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "gate/Bytes.h"
#include "gate/codec/Base64Url.h"

namespace gate::solana::detail {

inline std::string base64_encode(ByteView data) {
    std::string text = codec::base64url_encode(data);
    std::replace(text.begin(), text.end(), '-', '+');
    std::replace(text.begin(), text.end(), '_', '/');
    while (text.size() % 4 != 0)
        text.push_back('=');
    return text;
}

inline std::optional<Bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t end = text.size();
    for (int i = 0; i < 2 && end > 0 && text[end - 1] == '='; ++i)
        --end;
    std::string url(text.substr(0, end));
    for (char& c : url) {
        if (c == '-' || c == '_' || c == '=') return std::nullopt;
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    auto bytes = codec::base64url_decode(url);
    if (!bytes) return std::nullopt;
    return std::move(*bytes);
}

}  // namespace gate::solana::detail
