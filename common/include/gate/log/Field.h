#pragma once
// Field: one typed key/value of a log record ({"ticket_id", 42}, {"gate", "north"}).
// Fields are views built in the logging call: strings are not copied unless the record is
// written, so a record below the logger's level costs almost nothing.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace gate::log {

struct Field {
    using Value = std::variant<bool, std::int64_t, std::uint64_t, double, std::string_view>;

    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, bool v) : key(k), value(v) {}
    template <std::signed_integral I>
    requires(!std::same_as<I, bool>) Field(std::string_view k, I v)
        : key(k), value(static_cast<std::int64_t>(v)) {}
    template <std::unsigned_integral U>
    requires(!std::same_as<U, bool>) Field(std::string_view k, U v)
        : key(k), value(static_cast<std::uint64_t>(v)) {}
    template <std::floating_point F>
    Field(std::string_view k, F v) : key(k), value(static_cast<double>(v)) {}

    std::string_view key;
    Value value;
};

}  // namespace gate::log
