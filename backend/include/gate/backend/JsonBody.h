#pragma once
// JsonBody: reads a request body field by field. Each getter checks presence, JSON type
// and limits, and records every problem instead of stopping at the first, so a client
// learns all that is wrong with one answer (400 validation_failed with "fields"). A field
// the handler never asked for is an error too ("unknown"): a misspelt optional field must
// not be silently ignored.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gate/backend/ApiError.h"

namespace gate::backend {

enum class Need { Required, Optional };

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
    /// An array of objects, each handed back as a JsonBody that reports into this one.
    std::optional<std::vector<nlohmann::json>> array(std::string_view key, Need need,
                                                     std::size_t min_items, std::size_t max_items);
    /// True when the key is present (and not null).
    bool has(std::string_view key) const;

    void add_error(std::string field, std::string code, std::string message);
    /// Folds in the errors of a nested body, its unknown fields included.
    void absorb(const JsonBody& nested);
    /// OK when no field failed; otherwise the 400 listing every failure.
    ApiStatus finish() const;
    bool failed() const noexcept { return !errors_.empty(); }

    const nlohmann::json& raw() const noexcept { return object_; }

  private:
    const nlohmann::json* find(std::string_view key, Need need);
    std::string name(std::string_view key) const;

    nlohmann::json object_;
    std::string prefix_;
    std::vector<FieldError> errors_;
    mutable std::set<std::string, std::less<>> asked_;  ///< keys a getter or has() looked at

    std::vector<FieldError> all_errors() const;
};

/// UTF-8 code points in `text`, or nullopt when it is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

}  // namespace gate::backend
