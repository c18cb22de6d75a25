#include "gate/config/Environment.h"

#include <unistd.h>

namespace gate::config {

Environment Environment::from_process() {
    Environment env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        std::size_t equals = text.find('=');
        if (equals == std::string_view::npos) continue;
        env.variables_.emplace(std::string(text.substr(0, equals)),
                               std::string(text.substr(equals + 1)));
    }
    return env;
}

Environment Environment::from_map(std::map<std::string, std::string, std::less<>> variables) {
    Environment env;
    env.variables_ = std::move(variables);
    return env;
}

std::optional<std::string> Environment::lookup(std::string_view name) const {
    auto it = variables_.find(name);
    if (it == variables_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> Environment::names_with_prefix(std::string_view prefix) const {
    std::vector<std::string> names;
    for (auto it = variables_.lower_bound(prefix);
         it != variables_.end() && it->first.starts_with(prefix); ++it) {
        names.push_back(it->first);
    }
    return names;
}

}  // namespace gate::config
