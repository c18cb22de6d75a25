#include "gate/backend/JsonBody.h"

namespace gate::backend {

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
        if (i + extra >= text.size() && extra > 0) return std::nullopt;
        for (std::size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return std::nullopt;
        i += extra + 1;
        ++count;
    }
    return count;
}

ApiResult<JsonBody> JsonBody::parse(std::string_view body) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        return fail(bad_request("malformed_json", "the body is not valid JSON"));
    if (!parsed.is_object())
        return fail(bad_request("not_an_object", "the body must be a JSON object"));
    return JsonBody(std::move(parsed), "");
}

JsonBody::JsonBody(nlohmann::json object, std::string prefix)
    : object_(std::move(object)), prefix_(std::move(prefix)) {}

std::string JsonBody::name(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

bool JsonBody::has(std::string_view key) const {
    if (!object_.is_object()) return false;
    asked_.emplace(key);
    auto it = object_.find(key);
    return it != object_.end() && !it->is_null();
}

const nlohmann::json* JsonBody::find(std::string_view key, Need need) {
    if (!object_.is_object()) return nullptr;
    asked_.emplace(key);
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) {
        if (need == Need::Required) add_error(name(key), "missing", "is required");
        return nullptr;
    }
    return &*it;
}

std::optional<std::string> JsonBody::text(std::string_view key, Need need, std::size_t max_chars,
                                          std::size_t min_chars) {
    const auto* value = find(key, need);
    if (!value) return std::nullopt;
    if (!value->is_string()) {
        add_error(name(key), "wrong_type", "must be a string");
        return std::nullopt;
    }
    const auto& s = value->get_ref<const std::string&>();
    const auto length = utf8_length(s);
    if (!length) {
        add_error(name(key), "invalid", "is not valid UTF-8");
        return std::nullopt;
    }
    if (*length > max_chars) {
        add_error(name(key), "too_long",
                  "must be at most " + std::to_string(max_chars) + " characters");
        return std::nullopt;
    }
    if (*length < min_chars) {
        add_error(name(key), "too_short",
                  "must be at least " + std::to_string(min_chars) + " characters");
        return std::nullopt;
    }
    return s;
}

std::optional<std::string> JsonBody::label(std::string_view key, Need need, std::size_t max_chars) {
    auto value = text(key, need, max_chars);
    if (!value) return value;
    bool visible = false;
    for (const char ch : *value) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            add_error(name(key), "invalid", "must not hold control characters");
            return std::nullopt;
        }
        if (c != ' ') visible = true;
    }
    if (!visible) {
        add_error(name(key), "invalid", "must not be only spaces");
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> JsonBody::integer(std::string_view key, Need need, std::int64_t min,
                                              std::int64_t max) {
    const auto* value = find(key, need);
    if (!value) return std::nullopt;
    if (!value->is_number_integer()) {
        add_error(name(key), "wrong_type", "must be an integer");
        return std::nullopt;
    }
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        add_error(name(key), "out_of_range",
                  "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    const auto v = value->get<std::int64_t>();
    if (v < min || v > max) {
        add_error(name(key), "out_of_range",
                  "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return v;
}

std::optional<bool> JsonBody::boolean(std::string_view key, Need need) {
    const auto* value = find(key, need);
    if (!value) return std::nullopt;
    if (!value->is_boolean()) {
        add_error(name(key), "wrong_type", "must be true or false");
        return std::nullopt;
    }
    return value->get<bool>();
}

std::optional<std::vector<nlohmann::json>> JsonBody::array(std::string_view key, Need need,
                                                           std::size_t min_items,
                                                           std::size_t max_items) {
    const auto* value = find(key, need);
    if (!value) return std::nullopt;
    if (!value->is_array()) {
        add_error(name(key), "wrong_type", "must be an array");
        return std::nullopt;
    }
    if (value->size() < min_items || value->size() > max_items) {
        add_error(name(key), "out_of_range",
                  "must hold " + std::to_string(min_items) + " to " + std::to_string(max_items) +
                      " items");
        return std::nullopt;
    }
    return value->get<std::vector<nlohmann::json>>();
}

void JsonBody::add_error(std::string field, std::string code, std::string message) {
    errors_.push_back({std::move(field), std::move(code), std::move(message)});
}

void JsonBody::absorb(const JsonBody& nested) {
    const auto nested_errors = nested.all_errors();
    errors_.insert(errors_.end(), nested_errors.begin(), nested_errors.end());
}

std::vector<FieldError> JsonBody::all_errors() const {
    std::vector<FieldError> out = errors_;
    if (object_.is_object())
        for (const auto& [key, value] : object_.items())
            if (!asked_.contains(key))
                out.push_back({name(key), "unknown", "is not a field of this body"});
    return out;
}

ApiStatus JsonBody::finish() const {
    const auto errors = all_errors();
    if (errors.empty()) return {};
    std::string message;
    for (const auto& e : errors) {
        if (!message.empty()) message += "; ";
        message += e.field + " " + e.message;
    }
    return fail(ApiError{400, "validation_failed", message, errors, {}});
}

}  // namespace gate::backend
