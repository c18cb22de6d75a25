#pragma once
// Reading secrets (device keys, tokens) from files that only their owner can read: a file
// that group or others may read or write is refused, so a leaked mode is caught at start-up.

#include <filesystem>
#include <string>

namespace gate::config {

/// The file's bytes, unchanged. Throws ConfigError if the file is missing, not a regular
/// file, unreadable, or its mode grants anything to group or others (must be 0600 or stricter).
std::string read_secret_file(const std::filesystem::path& path);

/// Like read_secret_file, for text secrets (tokens) written by hand: trailing whitespace and
/// newlines are dropped, and an empty secret is an error.
std::string read_secret_text(const std::filesystem::path& path);

}  // namespace gate::config
