#pragma once
// Which field names carry secrets. Values under such names are written as "***" by the
// logger (and hidden in config errors), so tokens and keys never reach a log file.

#include <string_view>

namespace gate::log {

inline constexpr std::string_view redacted_value = "***";

/// True when `key` contains token, secret, password, passwd, passphrase, private_key,
/// api_key, authorization, cookie, credential or claim_code, ignoring case and '_'/'-'.
bool is_secret_key(std::string_view key) noexcept;

}  // namespace gate::log
