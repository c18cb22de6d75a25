#include "gate/json/FieldReader.h"

#include <utility>

namespace gate::jsonio {

std::string ValueProblem::message() const {
    std::string out = "expected " + expected;
    if (!got.empty()) out += ", got " + got;
    return out;
}

std::string type_name(const Json& value) {
    switch (value.type()) {
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return "an integer";
        case Json::value_t::number_float:
            return "a fractional number";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::null:
            return "null";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::object:
            return "an object";
        case Json::value_t::binary:
        case Json::value_t::discarded:
            break;
    }
    return "an unsupported value";
}

namespace {

std::string range_text(std::string_view what, std::string min, std::string max) {
    return std::string(what) + " from " + min + " to " + max;
}

}  // namespace

Checked<std::int64_t> integer_value(const Json& value, std::int64_t min, std::int64_t max) {
    if (!value.is_number_integer())
        return fail(ValueProblem{Problem::WrongType, "an integer", type_name(value)});
    bool in_range = false;
    if (value.is_number_unsigned()) {
        // Parsed non-negative integers are unsigned; above INT64_MAX is above any max.
        const auto u = value.get<std::uint64_t>();
        in_range = max >= 0 && u <= static_cast<std::uint64_t>(max) &&
                   (min <= 0 || u >= static_cast<std::uint64_t>(min));
    } else {
        const auto i = value.get<std::int64_t>();
        in_range = i >= min && i <= max;
    }
    if (!in_range)
        return fail(ValueProblem{Problem::OutOfRange,
                                 range_text("an integer", std::to_string(min), std::to_string(max)),
                                 {}});
    return value.is_number_unsigned() ? static_cast<std::int64_t>(value.get<std::uint64_t>())
                                      : value.get<std::int64_t>();
}

Checked<std::uint64_t> unsigned_value(const Json& value, std::uint64_t min, std::uint64_t max) {
    if (!value.is_number_integer())
        return fail(ValueProblem{Problem::WrongType, "an integer", type_name(value)});
    const bool negative = !value.is_number_unsigned() && value.get<std::int64_t>() < 0;
    const std::uint64_t u = negative ? 0 : value.get<std::uint64_t>();
    if (negative || u < min || u > max)
        return fail(ValueProblem{Problem::OutOfRange,
                                 range_text("an integer", std::to_string(min), std::to_string(max)),
                                 {}});
    return u;
}

Checked<bool> boolean_value(const Json& value) {
    if (!value.is_boolean())
        return fail(ValueProblem{Problem::WrongType, "true or false", type_name(value)});
    return value.get<bool>();
}

Checked<double> number_value(const Json& value) {
    if (!value.is_number())
        return fail(ValueProblem{Problem::WrongType, "a number", type_name(value)});
    return value.get<double>();
}

std::optional<std::size_t> utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        if (c < 0x80)
            extra = 0;
        else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
            extra = 1;
        else if ((c & 0xF0) == 0xE0)
            extra = 2;
        else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
            extra = 3;
        else
            return std::nullopt;
        if (extra > 0 && i + extra >= text.size()) return std::nullopt;
        for (std::size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return std::nullopt;
        i += extra + 1;
        ++count;
    }
    return count;
}

Checked<std::string> text_value(const Json& value, const TextRule& rule) {
    if (!value.is_string())
        return fail(ValueProblem{Problem::WrongType, "a string", type_name(value)});
    const auto& s = value.get_ref<const std::string&>();
    const auto length = utf8_length(s);
    if (!length) return fail(ValueProblem{Problem::Invalid, "valid UTF-8 text", {}});
    const auto chars = [](std::size_t n) {
        return std::to_string(n) + (n == 1 ? " character" : " characters");
    };
    if (*length > rule.max_chars)
        return fail(
            ValueProblem{Problem::TooLong, "at most " + chars(rule.max_chars), chars(*length)});
    if (*length < rule.min_chars)
        return fail(ValueProblem{Problem::TooShort,
                                 rule.min_chars == 1 ? std::string("text that is not empty")
                                                     : "at least " + chars(rule.min_chars),
                                 chars(*length)});
    if (rule.label && !s.empty()) {
        bool visible = false;
        for (const char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            if (c < 0x20 || c == 0x7f)
                return fail(
                    ValueProblem{Problem::Invalid, "a name without control characters", {}});
            if (c != ' ') visible = true;
        }
        if (!visible)
            return fail(ValueProblem{Problem::Invalid, "a name that is not only spaces", {}});
    }
    return s;
}

void Problems::add(FieldError error) {
    if (keep_ == Keep::First && !errors_.empty()) return;
    errors_.push_back(std::move(error));
}

FieldReader::FieldReader(const Json& object, std::string path, Problems& problems)
    : object_(object), path_(std::move(path)), problems_(problems) {
    if (!object_.is_object())
        problem(path_, Problem::WrongType, "expected an object, got " + type_name(object_));
}

std::string FieldReader::path_of(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

bool FieldReader::has(std::string_view name) const {
    if (absent_ || !object_.is_object()) return false;
    asked_.emplace(name);
    auto it = object_.find(name);
    return it != object_.end() && !it->is_null();
}

const Json* FieldReader::find(std::string_view name, Need need) {
    if (absent_ || !object_.is_object() || stop()) return nullptr;
    asked_.emplace(name);
    auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) {
        if (need == Need::Required) problem(path_of(name), Problem::Missing, "is required");
        return nullptr;
    }
    return &*it;
}

bool FieldReader::text(std::string_view name, std::string& into, Need need, const TextRule& rule) {
    const Json* value = find(name, need);
    return value != nullptr && take_at(text_value(*value, rule), path_of(name), into);
}

bool FieldReader::boolean(std::string_view name, bool& into, Need need) {
    const Json* value = find(name, need);
    return value != nullptr && take_at(boolean_value(*value), path_of(name), into);
}

bool FieldReader::number(std::string_view name, double& into, Need need) {
    const Json* value = find(name, need);
    return value != nullptr && take_at(number_value(*value), path_of(name), into);
}

FieldReader FieldReader::object(std::string_view name, Need need) {
    static const Json kAbsent = Json::object();
    const Json* value = find(name, need);
    // An absent object reads nothing: every getter on it finds no field and reports nothing
    // (a required one was reported once, here).
    FieldReader nested(value != nullptr ? *value : kAbsent, path_of(name), problems_);
    nested.absent_ = value == nullptr;
    return nested;
}

bool FieldReader::check_array(const Json& value, const std::string& where, const ArrayRule& rule) {
    if (!value.is_array()) {
        problem(where, Problem::WrongType, "expected an array, got " + type_name(value));
        return false;
    }
    const auto items = [](std::size_t n) {
        return std::to_string(n) + (n == 1 ? " element" : " elements");
    };
    if (value.size() > rule.max_items) {
        problem(where, Problem::TooLong,
                "expected at most " + items(rule.max_items) + ", got " + items(value.size()));
        return false;
    }
    if (value.size() < rule.min_items) {
        problem(where, Problem::TooShort,
                "expected at least " + items(rule.min_items) + ", got " + items(value.size()));
        return false;
    }
    return true;
}

bool FieldReader::stop() const noexcept {
    return problems_.keeps_first() && problems_.any();
}

void FieldReader::problem(std::string field, Problem problem, std::string message) {
    problems_.add(FieldError{std::move(field), problem, std::move(message)});
}

void FieldReader::report_unknown(Problems& into) const {
    if (absent_ || !object_.is_object()) return;
    for (const auto& [key, value] : object_.items())
        if (!asked_.contains(key))
            into.add(FieldError{path_of(key), Problem::Unknown, "is not a field of this body"});
}

}  // namespace gate::jsonio
