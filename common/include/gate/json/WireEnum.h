#pragma once
// GATE_WIRE_ENUM: the one table of an enum's names on the wire and in the databases.
//
//   enum class Direction { In, Out };
//   GATE_WIRE_ENUM(Direction, {{Direction::In, "in"}, {Direction::Out, "out"}})
//
// declares, in the enum's namespace:
//   wire_names(Direction)  the table (found by argument-dependent lookup)
//   to_json(json&, Direction)  nlohmann's ADL hook, so `json j = Direction::In;` writes "in"
// and makes these templates work for the enum:
//   gate::jsonio::to_string(Direction::In) == "in"
//   gate::jsonio::from_string<Direction>("in") == Direction::In; any other text: nullopt
//   gate::jsonio::allowed_names<Direction>() == "in, out" (for error messages)
//
// There is deliberately no from_json: nlohmann's NLOHMANN_JSON_SERIALIZE_ENUM turns an
// unknown name into the first value, which is how "revoked" misspelt became "valid". Reading
// goes through gate::jsonio::FieldReader, which refuses a name that is not in the table.

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace gate::jsonio {

template <class E>
concept WireEnum = std::is_enum_v<E> && requires(E value) {
    { wire_names(value) } -> std::convertible_to<std::span<const std::pair<E, std::string_view>>>;
};

template <WireEnum E>
std::span<const std::pair<E, std::string_view>> names_of() noexcept {
    return wire_names(E{});
}

/// The enum's wire name; a value outside the table (a cast integer) gives "".
template <WireEnum E>
std::string_view to_string(E value) noexcept {
    for (const auto& [v, name] : names_of<E>())
        if (v == value) return name;
    return {};
}

/// The value with exactly this name; nothing else is accepted (no case folding, no spaces).
template <WireEnum E>
std::optional<E> from_string(std::string_view text) noexcept {
    for (const auto& [v, name] : names_of<E>())
        if (name == text) return v;
    return std::nullopt;
}

/// "single, multi, entry_after_exit": the names, for "expected one of ..." messages.
template <WireEnum E>
std::string allowed_names() {
    std::string out;
    for (const auto& [v, name] : names_of<E>()) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

}  // namespace gate::jsonio

#define GATE_WIRE_ENUM(Enum, ...)                                                         \
    inline std::span<const std::pair<Enum, std::string_view>> wire_names(Enum) noexcept { \
        static constexpr std::pair<Enum, std::string_view> table[] = __VA_ARGS__;         \
        return table;                                                                     \
    }                                                                                     \
    inline void to_json(nlohmann::json& j, Enum value) {                                  \
        j = ::gate::jsonio::to_string(value);                                             \
    }
