#pragma once
// Config: a daemon's settings, read once at start-up from three layers (built-in defaults,
// a JSON file, environment overrides; later layers win). Every bad value becomes a
// ConfigError that names the key, where the value came from, and what was expected.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gate/config/ConfigError.h"
#include "gate/config/Environment.h"

namespace gate::config {

/// The types a key can be read as.
template <class T>
concept Value = std::same_as<T, std::string> || std::same_as<T, std::int64_t> ||
    std::same_as<T, bool> || std::same_as<T, double> ||
    std::same_as<T, std::chrono::milliseconds> || std::same_as<T, std::vector<std::string>>;

struct LoadOptions {
    /// Overrides are read from <env_prefix>_<KEY>, key upper-cased with '.' and '-' as '_':
    /// "sync.interval_ms" -> GATE_SYNC_INTERVAL_MS. An empty prefix drops the leading part.
    std::string env_prefix = "GATE";
    /// When true a missing file is not an error: defaults and environment apply alone.
    bool file_optional = false;
    /// The lowest layer, so a daemon runs with no file at all. Must be a JSON object.
    nlohmann::json defaults = nlohmann::json::object();
    /// Unset: a snapshot of the process environment.
    std::optional<Environment> environment;
};

/// A key in the file (or an override variable) that the daemon does not know.
struct UnknownKey {
    std::string source;      ///< file path, or "environment"
    std::string key;         ///< dotted key, or the variable's name
    std::string suggestion;  ///< closest known key (or variable), empty when none is close
    std::string message() const;
};

class Config {
  public:
    /// Reads `file` (JSON object; // and /* */ comments allowed) over options.defaults.
    static Config load(const std::filesystem::path& file, LoadOptions options = {});
    /// Same as load for text already in memory; `source_name` stands for the file in errors.
    static Config parse(std::string_view json_text, std::string source_name,
                        LoadOptions options = {});
    /// Defaults and environment only.
    static Config from_defaults(LoadOptions options = {});

    /// The value of a dotted key ("backend.url"), or nullopt when no layer sets it.
    /// Throws ConfigError when the value has the wrong type or cannot be parsed.
    /// Durations accept integer milliseconds or "250ms", "5s", "2m", "1h"; lists from the
    /// environment are comma-separated; bools from the environment accept
    /// true/false/yes/no/on/off/1/0.
    template <Value T>
    std::optional<T> find(std::string_view key) const;

    template <Value T>
    T get(std::string_view key, T fallback) const {
        auto value = find<T>(key);
        return value ? std::move(*value) : std::move(fallback);
    }

    /// Throws ConfigError naming the key, the file and the variable when no layer sets it.
    template <Value T>
    T require(std::string_view key) const;

    /// For string-encoded values (enumerations, log levels): `parse` maps the text to a T or
    /// returns nullopt, and the error then says "expected <expected>" with the value found.
    template <class T, class Parse>
    std::optional<T> find_parsed(std::string_view key, std::string_view expected,
                                 Parse&& parse) const {
        std::optional<T> result;
        visit_text(key, expected, [&](std::string_view text) {
            result = parse(text);
            return result.has_value();
        });
        return result;
    }

    /// An integer that must lie in [min, max] (ports, counts), or `fallback` when unset.
    std::int64_t get_in_range(std::string_view key, std::int64_t fallback, std::int64_t min,
                              std::int64_t max) const;

    bool contains(std::string_view key) const;
    /// The variable that overrides `key`.
    std::string env_name(std::string_view key) const;
    /// The file that was read or, when optional and missing, looked for; empty for
    /// from_defaults.
    const std::string& file_name() const noexcept { return file_name_; }
    bool file_read() const noexcept { return file_read_; }

    /// Keys set in the file that are not in `known`. A known key also covers everything
    /// below it ("gates" covers "gates.north.lane"), for sections that are maps.
    std::vector<UnknownKey> unknown_keys(std::span<const std::string_view> known) const;
    /// Throws one ConfigError listing every unknown key in the file, with suggestions.
    void reject_unknown_keys(std::span<const std::string_view> known) const;
    /// Variables under the prefix that override no known key. Not part of
    /// reject_unknown_keys: daemons on one device may share a prefix with other key sets,
    /// so callers usually log these as warnings.
    std::vector<UnknownKey> unknown_env_overrides(std::span<const std::string_view> known) const;

  private:
    enum class Layer { Defaults, File };
    struct Entry {
        nlohmann::json value;
        Layer layer;
    };
    // Where a value was found: a JSON value from a layer, or text from a variable.
    struct Located {
        const nlohmann::json* json = nullptr;
        std::string text;
        std::string source;
    };

    Config(LoadOptions options, std::string file_name, bool file_read);
    void add_layer(const nlohmann::json& object, Layer layer, const std::string& source);
    void flatten(const nlohmann::json& object, const std::string& prefix, Layer layer,
                 const std::string& source);
    std::optional<Located> locate(std::string_view key) const;
    std::string source_of(Layer layer) const;
    [[noreturn]] void throw_missing(std::string_view key) const;
    void visit_text(std::string_view key, std::string_view expected,
                    const std::function<bool(std::string_view)>& accept) const;

    std::map<std::string, Entry, std::less<>> entries_;
    std::string env_prefix_;
    Environment environment_;
    std::string file_name_;
    bool file_read_ = false;
};

}  // namespace gate::config
