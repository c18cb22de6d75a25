#pragma once
// FieldReader: the one strict reader of JSON fields, shared by the sync protocol
// (gate::domain), the REST API's request bodies (gate::backend::JsonBody) and the
// configuration (gate::config). It never throws: each problem is recorded with the path of
// the field it concerns ("tickets[3].tier") and a stable code, and the getters leave their
// destination untouched and return false. A caller reads straight through and looks at the
// problems once at the end.
//
// What it refuses (docs/api.md, "Errors", lists the codes):
//   missing      a required field is absent or null
//   wrong_type   "3" where an integer belongs, 1.5 for an integer, an array for an object
//   out_of_range an integer outside its bounds (never wrapped or clamped)
//   too_short / too_long   text measured in Unicode code points
//   invalid      the right type with the wrong content: a name not in an enum's table, a
//                label of only spaces or with control characters, a malformed key
//   unknown      a field no getter asked for (when the caller calls reject_unknown())

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/Result.h"
#include "gate/json/WireEnum.h"

namespace gate::jsonio {

using Json = nlohmann::json;

enum class Problem { Missing, WrongType, OutOfRange, TooShort, TooLong, Invalid, Unknown };
GATE_WIRE_ENUM(Problem, {{Problem::Missing, "missing"},
                         {Problem::WrongType, "wrong_type"},
                         {Problem::OutOfRange, "out_of_range"},
                         {Problem::TooShort, "too_short"},
                         {Problem::TooLong, "too_long"},
                         {Problem::Invalid, "invalid"},
                         {Problem::Unknown, "unknown"}})

/// What is wrong with one value, before it is tied to a field.
struct ValueProblem {
    Problem problem = Problem::Invalid;
    std::string expected;  ///< "an integer from 1 to 5", "a string", "one of in, out"
    std::string got;       ///< "a string", "7 characters"; empty when not worth saying

    /// "expected an integer from 1 to 5, got 9".
    std::string message() const;
};

/// One problem with one field.
struct FieldError {
    std::string field;  ///< "name", "tickets[3].tier"; "" for the whole document
    Problem problem = Problem::Invalid;
    std::string message;  ///< "expected a string, got an integer"; "is required"

    bool operator==(const FieldError&) const = default;
};

template <class T>
using Checked = Result<T, ValueProblem>;

/// "an integer", "a string", "null", ... for "got ..." in messages (never the value itself:
/// a message may be logged, and a field may hold a token).
std::string type_name(const Json& value);

// ---- One value -------------------------------------------------------------------------

struct TextRule {
    std::size_t min_chars = 1;  ///< 0 allows ""
    std::size_t max_chars = std::numeric_limits<std::size_t>::max();
    /// A name people read: no control characters and not only spaces.
    bool label = false;
};

struct ArrayRule {
    std::size_t min_items = 0;
    std::size_t max_items = std::numeric_limits<std::size_t>::max();
};

Checked<std::int64_t> integer_value(const Json& value, std::int64_t min, std::int64_t max);
Checked<std::uint64_t> unsigned_value(const Json& value, std::uint64_t min, std::uint64_t max);
Checked<bool> boolean_value(const Json& value);
Checked<double> number_value(const Json& value);
Checked<std::string> text_value(const Json& value, const TextRule& rule);
/// `what` names the expected content: "a base58 Ed25519 public key (32 bytes)".
template <class T, class Parse>
Checked<T> parsed_value(const Json& value, std::string_view what, Parse&& parse);

/// UTF-8 code points in `text`, or nullopt when it is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

// ---- Where problems go -----------------------------------------------------------------

class Problems {
  public:
    enum class Keep { All, First };
    explicit Problems(Keep keep = Keep::All) : keep_(keep) {}

    void add(FieldError error);
    bool any() const noexcept { return !errors_.empty(); }
    const std::vector<FieldError>& all() const noexcept { return errors_; }
    /// The first problem; only when any().
    const FieldError& first() const { return errors_.front(); }
    bool keeps_first() const noexcept { return keep_ == Keep::First; }

  private:
    Keep keep_;
    std::vector<FieldError> errors_;
};

// ---- The fields of one object ----------------------------------------------------------

enum class Need { Required, Optional };

class FieldReader {
  public:
    /// `path` names the object in messages ("" for the document, "assignment", "tickets[2]").
    /// Anything but an object is a problem here already.
    FieldReader(const Json& object, std::string path, Problems& problems);
    /// The reader keeps a reference to the object: a temporary would dangle.
    FieldReader(Json&& object, std::string path, Problems& problems) = delete;

    const std::string& path() const noexcept { return path_; }
    /// The path of a field of this object: "assignment.event_id".
    std::string path_of(std::string_view name) const;
    bool failed() const noexcept { return problems_.any(); }
    Problems& problems() noexcept { return problems_; }

    /// True when the field is present and not null (it counts as asked for).
    bool has(std::string_view name) const;
    /// The field, or nullptr when absent or null (a problem when required).
    const Json* find(std::string_view name, Need need);

    bool text(std::string_view name, std::string& into, Need need = Need::Required,
              const TextRule& rule = {});
    bool boolean(std::string_view name, bool& into, Need need = Need::Required);
    bool number(std::string_view name, double& into, Need need = Need::Required);

    template <class Int>
    bool integer(std::string_view name, Int& into, Need need = Need::Required,
                 Int min = std::numeric_limits<Int>::min(),
                 Int max = std::numeric_limits<Int>::max()) {
        const Json* value = find(name, need);
        return value != nullptr && integer_at(*value, path_of(name), into, min, max);
    }

    template <WireEnum E>
    bool choice(std::string_view name, E& into, Need need = Need::Required) {
        const Json* value = find(name, need);
        return value != nullptr && choice_at(*value, path_of(name), into);
    }

    /// Text turned into a T by `parse` (std::optional<T>(std::string_view)); `what` names the
    /// expected content in the message.
    template <class T, class Parse>
    bool parsed(std::string_view name, T& into, std::string_view what, Parse&& parse,
                Need need = Need::Required) {
        const Json* value = find(name, need);
        if (value == nullptr) return false;
        return take_at(parsed_value<T>(*value, what, parse), path_of(name), into);
    }

    /// Calls each(element, element_path) for every element of the array field, stopping
    /// early only when problems keep just the first.
    template <class Each>
    bool array(std::string_view name, Each&& each, Need need = Need::Required,
               const ArrayRule& rule = {}) {
        const Json* value = find(name, need);
        if (value == nullptr) return false;
        const std::string where = path_of(name);
        if (!check_array(*value, where, rule)) return false;
        for (std::size_t i = 0; i < value->size(); ++i) {
            each((*value)[i], where + "[" + std::to_string(i) + "]");
            if (stop()) return false;
        }
        return true;
    }

    /// A nested object's reader; an absent optional object gives a reader over null that
    /// reads nothing and reports nothing (check with has()).
    FieldReader object(std::string_view name, Need need = Need::Required);

    // Element readers, for arrays of plain values.
    template <class Int>
    bool integer_at(const Json& value, const std::string& where, Int& into, Int min, Int max) {
        static_assert(std::is_integral_v<Int> && sizeof(Int) <= 8);
        if constexpr (std::is_unsigned_v<Int> && sizeof(Int) == 8) {
            std::uint64_t v = 0;
            if (!take_at(unsigned_value(value, min, max), where, v)) return false;
            into = v;
        } else {
            std::int64_t v = 0;
            if (!take_at(integer_value(value, static_cast<std::int64_t>(min),
                                       static_cast<std::int64_t>(max)),
                         where, v))
                return false;
            into = static_cast<Int>(v);
        }
        return true;
    }

    template <WireEnum E>
    bool choice_at(const Json& value, const std::string& where, E& into) {
        return take_at(parsed_value<E>(value, "one of " + allowed_names<E>(),
                                       [](std::string_view s) { return from_string<E>(s); }),
                       where, into);
    }

    void problem(std::string field, Problem problem, std::string message);
    /// Every field of this object that no getter or has() asked for is `unknown`.
    void reject_unknown() { report_unknown(problems_); }
    /// The same, recorded into `into` (a reader that is done may still be asked).
    void report_unknown(Problems& into) const;

    /// Stores a checked value, or records its problem against `where`.
    template <class T>
    bool take_at(Checked<T> checked, const std::string& where, T& into) {
        if (!checked) {
            problem(where, checked.error().problem, checked.error().message());
            return false;
        }
        into = std::move(*checked);
        return true;
    }

  private:
    bool check_array(const Json& value, const std::string& where, const ArrayRule& rule);
    bool stop() const noexcept;

    const Json& object_;
    std::string path_;
    Problems& problems_;
    bool absent_ = false;  ///< an optional object that is not there: reads nothing
    mutable std::set<std::string, std::less<>> asked_;
};

template <class T, class Parse>
Checked<T> parsed_value(const Json& value, std::string_view what, Parse&& parse) {
    if (!value.is_string())
        return fail(ValueProblem{Problem::WrongType, std::string(what), type_name(value)});
    std::optional<T> out = parse(std::string_view(value.get_ref<const std::string&>()));
    if (!out) return fail(ValueProblem{Problem::Invalid, std::string(what), {}});
    return std::move(*out);
}

}  // namespace gate::jsonio
