#pragma once
// Headers: an ordered list of HTTP header fields whose names compare case-insensitively,
// as RFC 9110 requires. Used for requests and responses alike.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gate::http {

class Headers {
  public:
    using Field = std::pair<std::string, std::string>;

    Headers() = default;
    Headers(std::initializer_list<Field> fields);

    /// Appends a field; a name may occur more than once (e.g. Set-Cookie).
    void add(std::string name, std::string value);
    /// Replaces every field of that name with one field.
    void set(std::string name, std::string value);
    void remove(std::string_view name);

    /// Value of the first field with that name, if any.
    std::optional<std::string> get(std::string_view name) const;
    bool contains(std::string_view name) const;

    std::size_t size() const noexcept { return fields_.size(); }
    bool empty() const noexcept { return fields_.empty(); }
    auto begin() const noexcept { return fields_.begin(); }
    auto end() const noexcept { return fields_.end(); }

  private:
    std::vector<Field> fields_;
};

/// ASCII case-insensitive comparison, for header names.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace gate::http
