#pragma once
// Environment: the environment variables Config reads overrides from, as a value. Production
// takes a snapshot of the process environment; tests pass a map and never touch the real one.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gate::config {

class Environment {
  public:
    /// A copy of the process environment (environ) at the time of the call.
    static Environment from_process();
    static Environment from_map(std::map<std::string, std::string, std::less<>> variables);

    std::optional<std::string> lookup(std::string_view name) const;
    /// Names of all variables that start with `prefix`, sorted.
    std::vector<std::string> names_with_prefix(std::string_view prefix) const;

  private:
    std::map<std::string, std::string, std::less<>> variables_;
};

}  // namespace gate::config
