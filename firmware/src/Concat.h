#pragma once
// Joins message pieces into one string. Used instead of chains of `"..." + std::string`, which
// GCC 12 at -O3 misreads as overlapping copies (a false -Wrestrict warning).

#include <initializer_list>
#include <string>
#include <string_view>

namespace gate::scanner {

inline std::string concat(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (auto p : parts)
        size += p.size();
    std::string out;
    out.reserve(size);
    for (auto p : parts)
        out.append(p);
    return out;
}

}  // namespace gate::scanner
