#pragma once
// Reverse lookup tables for the text codecs, built at compile time: character
// -> digit value, or -1 for a character outside the alphabet.

#include <array>
#include <cstdint>
#include <string_view>

namespace gate::codec::detail {

constexpr std::array<std::int8_t, 256> reverse_table(std::string_view alphabet) {
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}

}  // namespace gate::codec::detail
