#pragma once
// Small helpers for the config tests: files with chosen permission bits, and the message of
// the ConfigError an action throws (so tests can assert on what the message names).

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gate/config/ConfigError.h"

namespace gate::config::test {

inline std::filesystem::path write_file(const std::filesystem::path& path, std::string_view text,
                                        mode_t mode = 0600) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path.string());
    // chmod, not the umask-filtered mode of open(), so the test sees exactly `mode`.
    if (::chmod(path.c_str(), mode) != 0) throw std::runtime_error("chmod failed");
    return path;
}

/// The what() of the ConfigError that `action` throws; fails the test if it throws none.
template <class Action>
std::string config_error(Action&& action) {
    try {
        action();
    } catch (const ConfigError& error) {
        return error.what();
    }
    FAIL("expected a ConfigError");
    return {};
}

}  // namespace gate::config::test
