#pragma once
// Byte buffers as the whole project passes them: owned vectors and borrowed spans.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace gate {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/// Views the characters of a string as bytes (no copy).
inline ByteView as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace gate
