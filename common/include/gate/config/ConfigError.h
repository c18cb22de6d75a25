#pragma once
// ConfigError: a configuration a daemon cannot start with. Thrown only at start-up; the
// message names the source (file or environment variable), the key, and what was wrong.

#include <stdexcept>
#include <string>

namespace gate::config {

class ConfigError : public std::runtime_error {
  public:
    explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace gate::config
