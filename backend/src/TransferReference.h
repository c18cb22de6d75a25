#pragma once
// An email transfer's public name: 16 random bytes (128 bits) as unpadded base64url. It is
// what the mailed link, the claim and the sender's cancel use; the row id stays inside the
// store. Nobody can guess one, so knowing a reference means having been given it (the
// mail, or the answer the sender got).

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace gate::backend {

inline constexpr std::size_t kTransferReferenceBytes = 16;
inline constexpr std::size_t kTransferReferenceLength = 22;  ///< base64url of 16 bytes

/// True for text shaped like a reference; says nothing about whether one exists.
inline bool is_transfer_reference(std::string_view text) noexcept {
    return text.size() == kTransferReferenceLength &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
           });
}

}  // namespace gate::backend
