#pragma once
// JsonBody: reads a request body field by field with gate::jsonio::FieldReader (the one strict
// reader the protocol and the config use too). It records every problem instead of stopping
// at the first, so a client learns all that is wrong with one answer (400 validation_failed
// with "fields"). A field the handler never asked for is an error too ("unknown"): a
// misspelt optional field must not be silently ignored.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/backend/ApiError.h"
#include "gate/json/FieldReader.h"

namespace gate::backend {

using jsonio::Need;

class JsonBody {
  public:
    /// Malformed JSON is 400 malformed_json; anything but an object 400 not_an_object.
    static ApiResult<JsonBody> parse(std::string_view body);
    /// Wraps an already parsed object (nested objects in arrays); `prefix` names it in errors.
    JsonBody(nlohmann::json object, std::string prefix);

    std::optional<std::string> text(std::string_view key, Need need, std::size_t max_chars,
                                    std::size_t min_chars = 1);
    /// A name people read (event, venue, tier, list, gate, device): text of 1..max_chars
    /// that is not only spaces and holds no control characters.
    std::optional<std::string> label(std::string_view key, Need need, std::size_t max_chars);
    std::optional<std::int64_t> integer(std::string_view key, Need need, std::int64_t min,
                                        std::int64_t max);
    std::optional<bool> boolean(std::string_view key, Need need);
    /// One of an enum's wire names (GATE_WIRE_ENUM); anything else is `invalid`, and the
    /// message lists the names allowed.
    template <jsonio::WireEnum E>
    std::optional<E> choice(std::string_view key, Need need) {
        E value{};
        if (!reader().choice(key, value, need)) return std::nullopt;
        return value;
    }
    /// The elements of an array field holding min_items..max_items of them.
    std::optional<std::vector<nlohmann::json>> array(std::string_view key, Need need,
                                                     std::size_t min_items, std::size_t max_items);
    /// True when the key is present (and not null).
    bool has(std::string_view key) const;
    /// The reader itself, for what the getters above do not cover (arrays of plain values).
    jsonio::FieldReader& reader() noexcept { return state_->reader; }

    void add_error(std::string field, jsonio::Problem problem, std::string message);
    /// Folds in the errors of a nested body, its unknown fields included.
    void absorb(const JsonBody& nested);
    /// OK when no field failed; otherwise the 400 listing every failure.
    ApiStatus finish() const;
    bool failed() const noexcept { return state_->problems.any(); }

    const nlohmann::json& raw() const noexcept { return state_->object; }

  private:
    // On the heap so the reader's references survive moving the body.
    struct State {
        State(nlohmann::json o, std::string prefix);
        nlohmann::json object;
        jsonio::Problems problems;
        jsonio::FieldReader reader;
    };
    std::unique_ptr<State> state_;

    std::vector<jsonio::FieldError> all_errors() const;
};

}  // namespace gate::backend
