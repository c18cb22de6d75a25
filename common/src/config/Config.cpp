#include "gate/config/Config.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "config/ClosestKey.h"
#include "config/FileText.h"
#include "config/TextValues.h"
#include "gate/json/FieldReader.h"
#include "gate/json/Parse.h"
#include "gate/log/Redaction.h"

namespace gate::config {

namespace {

constexpr std::string_view defaults_source = "built-in defaults";
constexpr std::string_view environment_source = "environment";
constexpr std::string_view duration_expected =
    "integer milliseconds or a duration like \"250ms\", \"5s\", \"2m\", \"1h\"";

std::string quote_value(std::string_view text) {
    constexpr std::size_t max_shown = 60;
    std::string shown(text.substr(0, max_shown));
    if (text.size() > max_shown) shown += "...";
    return nlohmann::json(shown).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What a JSON value is, for "found ..." in errors; secret values are named but not shown.
std::string describe(const nlohmann::json& value, std::string_view key) {
    const bool hide = log::is_secret_key(key);
    using Type = nlohmann::json::value_t;
    switch (value.type()) {
        case Type::string:
            return hide ? "a string (value hidden)"
                        : "string " + quote_value(value.get_ref<const std::string&>());
        case Type::number_integer:
        case Type::number_unsigned:
            return hide ? "an integer (value hidden)" : "integer " + value.dump();
        case Type::number_float:
            return hide ? "a number (value hidden)" : "number " + value.dump();
        case Type::boolean:
            return hide ? "a boolean (value hidden)" : "boolean " + value.dump();
        case Type::null:
            return "null";
        case Type::array:
            return "an array";
        case Type::object:
            return "an object";
        case Type::binary:
        case Type::discarded:
            break;
    }
    return "an unsupported value";
}

std::string describe_text(std::string_view text, std::string_view key) {
    return log::is_secret_key(key) ? "a value (hidden)" : quote_value(text);
}

// Converts what locate() found to each Value type; `At` is Config::Located.
template <class At>
class Converter {
  public:
    Converter(std::string_view key, const At& at) : key_(key), at_(at) {}

    [[noreturn]] void mismatch(std::string_view expected) const {
        std::string found = at_.json ? describe(*at_.json, key_) : describe_text(at_.text, key_);
        throw ConfigError(at_.source + ": key \"" + std::string(key_) + "\": expected " +
                          std::string(expected) + ", found " + found);
    }

    // A value from the file goes through the one JSON field reader's checks; only text
    // from the environment is parsed here.
    template <class T>
    T checked(jsonio::Checked<T> value) const {
        if (!value) mismatch(value.error().expected);
        return std::move(*value);
    }

    std::string to(std::type_identity<std::string>) const {
        if (!at_.json) return at_.text;
        return checked(jsonio::text_value(*at_.json, {.min_chars = 0}));
    }

    std::int64_t to(std::type_identity<std::int64_t>) const {
        return in_range(std::numeric_limits<std::int64_t>::min(),
                        std::numeric_limits<std::int64_t>::max());
    }

    std::int64_t in_range(std::int64_t min, std::int64_t max) const {
        if (at_.json) return checked(jsonio::integer_value(*at_.json, min, max));
        detail::ParsedInt parsed = detail::parse_int(at_.text);
        const std::string range =
            "an integer from " + std::to_string(min) + " to " + std::to_string(max);
        if (parsed.problem == detail::IntProblem::OutOfRange) mismatch(range);
        if (parsed.problem != detail::IntProblem::None) mismatch("an integer");
        if (parsed.value < min || parsed.value > max) mismatch(range);
        return parsed.value;
    }

    bool to(std::type_identity<bool>) const {
        if (at_.json) return checked(jsonio::boolean_value(*at_.json));
        auto value = detail::parse_bool(at_.text);
        if (!value) mismatch("true/false, yes/no, on/off or 1/0");
        return *value;
    }

    double to(std::type_identity<double>) const {
        if (at_.json) return checked(jsonio::number_value(*at_.json));
        auto value = detail::parse_double(at_.text);
        if (!value) mismatch("a number");
        return *value;
    }

    std::chrono::milliseconds to(std::type_identity<std::chrono::milliseconds>) const {
        if (!at_.json || at_.json->is_string()) {
            const std::string& text =
                at_.json ? at_.json->template get_ref<const std::string&>() : at_.text;
            auto value = detail::parse_duration(text);
            if (!value) mismatch(duration_expected);
            return *value;
        }
        if (!at_.json->is_number_integer()) mismatch(duration_expected);
        auto count = jsonio::integer_value(*at_.json, 0, std::numeric_limits<std::int64_t>::max());
        if (!count) mismatch("a duration that is not negative");
        return std::chrono::milliseconds(*count);
    }

    std::vector<std::string> to(std::type_identity<std::vector<std::string>>) const {
        if (!at_.json) return detail::parse_list(at_.text);
        if (!at_.json->is_array()) mismatch("a list of strings");
        std::vector<std::string> items;
        for (std::size_t i = 0; i < at_.json->size(); ++i) {
            const nlohmann::json& item = (*at_.json)[i];
            auto text = jsonio::text_value(item, {.min_chars = 0});
            if (!text) {
                throw ConfigError(at_.source + ": key \"" + std::string(key_) +
                                  "\": expected a list of strings, found " + describe(item, key_) +
                                  " at index " + std::to_string(i));
            }
            items.push_back(std::move(*text));
        }
        return items;
    }

  private:
    std::string_view key_;
    const At& at_;
};

bool is_valid_key(std::string_view key) {
    return !key.empty() && key.front() != '.' && key.back() != '.' &&
           key.find("..") == std::string_view::npos;
}

bool covered_by(std::string_view key, std::span<const std::string_view> known) {
    return std::any_of(known.begin(), known.end(), [&](std::string_view k) {
        return key == k || (key.size() > k.size() && key.starts_with(k) && key[k.size()] == '.');
    });
}

}  // namespace

std::string UnknownKey::message() const {
    std::string text;
    if (source == environment_source) {
        text = "environment: unknown variable " + key;
        if (!suggestion.empty()) text += " (did you mean " + suggestion + "?)";
    } else {
        text = source + ": unknown key \"" + key + "\"";
        if (!suggestion.empty()) text += " (did you mean \"" + suggestion + "\"?)";
    }
    return text;
}

Config::Config(LoadOptions options, std::string file_name, bool file_read)
    : env_prefix_(std::move(options.env_prefix)),
      environment_(options.environment ? std::move(*options.environment)
                                       : Environment::from_process()),
      file_name_(std::move(file_name)),
      file_read_(file_read) {
    if (!options.defaults.is_object()) {
        throw ConfigError(std::string(defaults_source) + ": must be a JSON object, found " +
                          describe(options.defaults, ""));
    }
    add_layer(options.defaults, Layer::Defaults, std::string(defaults_source));
}

Config Config::load(const std::filesystem::path& file, LoadOptions options) {
    const std::string name = file.string();
    detail::FileText text = detail::read_file_text(name);
    switch (text.problem) {
        case detail::FileProblem::None:
            break;
        case detail::FileProblem::Missing:
            if (options.file_optional) return Config(std::move(options), name, false);
            throw ConfigError("config file " + name + " does not exist");
        case detail::FileProblem::NotRegular:
            throw ConfigError("config file " + name + " is not a regular file");
        case detail::FileProblem::Unreadable:
            throw ConfigError("cannot read config file " + name + ": " + text.reason);
    }
    return parse(text.bytes, name, std::move(options));
}

Config Config::parse(std::string_view json_text, std::string source_name, LoadOptions options) {
    auto parsed = jsonio::parse(json_text, {.allow_comments = true});
    if (!parsed) {
        const auto& e = parsed.error();
        throw ConfigError(source_name + ": line " + std::to_string(e.line) + ", column " +
                          std::to_string(e.column) + ": invalid JSON: " + e.detail);
    }
    nlohmann::json document = std::move(*parsed);
    if (!document.is_object()) {
        throw ConfigError(source_name + ": expected a JSON object at the top level, found " +
                          describe(document, ""));
    }
    Config config(std::move(options), source_name, true);
    config.add_layer(document, Layer::File, source_name);
    return config;
}

Config Config::from_defaults(LoadOptions options) {
    return Config(std::move(options), {}, false);
}

void Config::add_layer(const nlohmann::json& object, Layer layer, const std::string& source) {
    flatten(object, {}, layer, source);
}

void Config::flatten(const nlohmann::json& object, const std::string& prefix, Layer layer,
                     const std::string& source) {
    for (const auto& [name, value] : object.items()) {
        std::string key = prefix.empty() ? name : prefix + "." + name;
        if (name.empty() || !is_valid_key(key)) {
            throw ConfigError(source + ": invalid key \"" + key +
                              "\": keys must be non-empty and not start, end or repeat '.'");
        }
        if (value.is_object()) {
            flatten(value, key, layer, source);
            continue;
        }
        auto [it, inserted] = entries_.try_emplace(key, Entry{value, layer});
        if (inserted) continue;
        // {"sync": {"interval_ms": 1}, "sync.interval_ms": 2}: which one was meant is a guess.
        if (it->second.layer == layer) {
            throw ConfigError(source + ": key \"" + key + "\" is set twice");
        }
        it->second = Entry{value, layer};
    }
}

std::string Config::env_name(std::string_view key) const {
    std::string name = env_prefix_;
    if (!name.empty()) name += '_';
    for (char c : key) {
        if (c >= 'a' && c <= 'z') {
            name += static_cast<char>(c - 'a' + 'A');
        } else if (c == '.' || c == '-') {
            name += '_';
        } else {
            name += c;
        }
    }
    return name;
}

std::string Config::source_of(Layer layer) const {
    return layer == Layer::File ? file_name_ : std::string(defaults_source);
}

std::optional<Config::Located> Config::locate(std::string_view key) const {
    std::string variable = env_name(key);
    if (auto text = environment_.lookup(variable)) {
        return Located{nullptr, std::move(*text), "environment variable " + variable};
    }
    if (auto it = entries_.find(key); it != entries_.end()) {
        return Located{&it->second.value, {}, source_of(it->second.layer)};
    }
    // A section asked for as a value: say so instead of silently using the fallback.
    std::string below = std::string(key) + ".";
    if (auto it = entries_.lower_bound(below);
        it != entries_.end() && it->first.starts_with(below)) {
        throw ConfigError(source_of(it->second.layer) + ": key \"" + std::string(key) +
                          "\": expected a single value, found a section");
    }
    return std::nullopt;
}

bool Config::contains(std::string_view key) const {
    return environment_.lookup(env_name(key)).has_value() || entries_.contains(key);
}

template <Value T>
std::optional<T> Config::find(std::string_view key) const {
    auto at = locate(key);
    if (!at) return std::nullopt;
    return Converter<Located>(key, *at).to(std::type_identity<T>{});
}

template <Value T>
T Config::require(std::string_view key) const {
    auto value = find<T>(key);
    if (!value) throw_missing(key);
    return std::move(*value);
}

void Config::throw_missing(std::string_view key) const {
    std::string message = "key \"" + std::string(key) + "\" is required: ";
    if (file_read_) {
        message += "set it in " + file_name_ + " or with environment variable " + env_name(key);
    } else if (!file_name_.empty()) {
        message += "no config file at " + file_name_ + "; create it with this key or set " +
                   "environment variable " + env_name(key);
    } else {
        message += "set environment variable " + env_name(key);
    }
    throw ConfigError(message);
}

std::int64_t Config::get_in_range(std::string_view key, std::int64_t fallback, std::int64_t min,
                                  std::int64_t max) const {
    auto at = locate(key);
    if (!at) return fallback;
    return Converter<Located>(key, *at).in_range(min, max);
}

void Config::visit_text(std::string_view key, std::string_view expected,
                        const std::function<bool(std::string_view)>& accept) const {
    auto at = locate(key);
    if (!at) return;
    Converter<Located> converter(key, *at);
    if (at->json && !at->json->is_string()) converter.mismatch(expected);
    const std::string& text = at->json ? at->json->get_ref<const std::string&>() : at->text;
    if (!accept(text)) converter.mismatch(expected);
}

std::vector<UnknownKey> Config::unknown_keys(std::span<const std::string_view> known) const {
    std::vector<std::string> candidates(known.begin(), known.end());
    std::vector<UnknownKey> unknown;
    for (const auto& [key, entry] : entries_) {
        if (entry.layer != Layer::File || covered_by(key, known)) continue;
        unknown.push_back({file_name_, key, detail::closest_name(key, candidates)});
    }
    return unknown;
}

void Config::reject_unknown_keys(std::span<const std::string_view> known) const {
    std::vector<UnknownKey> unknown = unknown_keys(known);
    if (unknown.empty()) return;
    std::string message;
    for (const UnknownKey& key : unknown) {
        if (!message.empty()) message += '\n';
        message += key.message();
    }
    throw ConfigError(message);
}

std::vector<UnknownKey> Config::unknown_env_overrides(
    std::span<const std::string_view> known) const {
    // Without a prefix every variable (PATH, HOME...) would be "unknown".
    if (env_prefix_.empty()) return {};
    std::vector<std::string> known_names;
    for (std::string_view key : known)
        known_names.push_back(env_name(key));
    const std::string prefix = env_prefix_ + "_";

    std::vector<UnknownKey> unknown;
    for (const std::string& name : environment_.names_with_prefix(prefix)) {
        bool overrides_known =
            std::any_of(known_names.begin(), known_names.end(), [&](const std::string& k) {
                return name == k ||
                       (name.size() > k.size() && name.starts_with(k) && name[k.size()] == '_');
            });
        if (overrides_known) continue;
        unknown.push_back(
            {std::string(environment_source), name, detail::closest_name(name, known_names)});
    }
    return unknown;
}

template std::optional<std::string> Config::find(std::string_view) const;
template std::optional<std::int64_t> Config::find(std::string_view) const;
template std::optional<bool> Config::find(std::string_view) const;
template std::optional<double> Config::find(std::string_view) const;
template std::optional<std::chrono::milliseconds> Config::find(std::string_view) const;
template std::optional<std::vector<std::string>> Config::find(std::string_view) const;

template std::string Config::require(std::string_view) const;
template std::int64_t Config::require(std::string_view) const;
template bool Config::require(std::string_view) const;
template double Config::require(std::string_view) const;
template std::chrono::milliseconds Config::require(std::string_view) const;
template std::vector<std::string> Config::require(std::string_view) const;

}  // namespace gate::config
