#pragma once
// Comparing secrets (token hashes, claim codes' hashes, the metrics token) without
// leaking through the time taken how much of a guess was right.

#include <sodium/utils.h>

#include <string_view>

namespace gate::backend {

/// Whether `a` and `b` are equal; the time depends on their lengths only.
inline bool equal_in_constant_time(std::string_view a, std::string_view b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gate::backend
