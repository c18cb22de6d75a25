#include "gate/backend/JsonBody.h"

#include "gate/json/Parse.h"

namespace gate::backend {

ApiResult<JsonBody> JsonBody::parse(std::string_view body) {
    auto parsed = jsonio::parse(body);
    if (!parsed)
        return fail(bad_request("malformed_json",
                                "the body is not valid JSON: " + parsed.error().message()));
    if (!parsed->is_object())
        return fail(bad_request("not_an_object", "the body must be a JSON object"));
    return JsonBody(std::move(*parsed), "");
}

JsonBody::State::State(nlohmann::json o, std::string prefix)
    : object(std::move(o)), reader(object, std::move(prefix), problems) {}

JsonBody::JsonBody(nlohmann::json object, std::string prefix)
    : state_(std::make_unique<State>(std::move(object), std::move(prefix))) {}

bool JsonBody::has(std::string_view key) const {
    return state_->reader.has(key);
}

std::optional<std::string> JsonBody::text(std::string_view key, Need need, std::size_t max_chars,
                                          std::size_t min_chars) {
    std::string value;
    if (!reader().text(key, value, need, {.min_chars = min_chars, .max_chars = max_chars}))
        return std::nullopt;
    return value;
}

std::optional<std::string> JsonBody::label(std::string_view key, Need need, std::size_t max_chars) {
    std::string value;
    if (!reader().text(key, value, need, {.min_chars = 1, .max_chars = max_chars, .label = true}))
        return std::nullopt;
    return value;
}

std::optional<std::int64_t> JsonBody::integer(std::string_view key, Need need, std::int64_t min,
                                              std::int64_t max) {
    std::int64_t value = 0;
    if (!reader().integer(key, value, need, min, max)) return std::nullopt;
    return value;
}

std::optional<bool> JsonBody::boolean(std::string_view key, Need need) {
    bool value = false;
    if (!reader().boolean(key, value, need)) return std::nullopt;
    return value;
}

std::optional<std::vector<nlohmann::json>> JsonBody::array(std::string_view key, Need need,
                                                           std::size_t min_items,
                                                           std::size_t max_items) {
    std::vector<nlohmann::json> items;
    const bool read = reader().array(
        key, [&](const nlohmann::json& element, const std::string&) { items.push_back(element); },
        need, {.min_items = min_items, .max_items = max_items});
    if (!read) return std::nullopt;
    return items;
}

void JsonBody::add_error(std::string field, jsonio::Problem problem, std::string message) {
    reader().problem(std::move(field), problem, std::move(message));
}

void JsonBody::absorb(const JsonBody& nested) {
    for (auto& error : nested.all_errors())
        state_->problems.add(std::move(error));
}

std::vector<jsonio::FieldError> JsonBody::all_errors() const {
    // Unknown fields are only known at the end, once every getter has asked for its own.
    jsonio::Problems unknown;
    std::vector<jsonio::FieldError> out = state_->problems.all();
    state_->reader.report_unknown(unknown);
    out.insert(out.end(), unknown.all().begin(), unknown.all().end());
    return out;
}

ApiStatus JsonBody::finish() const {
    const auto errors = all_errors();
    if (errors.empty()) return {};
    std::string message;
    std::vector<FieldError> fields;
    for (const auto& e : errors) {
        if (!message.empty()) message += "; ";
        message += e.field + ": " + e.message;
        fields.push_back({e.field, std::string(jsonio::to_string(e.problem)), e.message});
    }
    return fail(ApiError{400, "validation_failed", message, std::move(fields), {}});
}

}  // namespace gate::backend
