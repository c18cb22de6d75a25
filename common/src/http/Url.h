#pragma once
// URL checks for the HTTP client: only absolute http/https URLs pass, and every URL that
// reaches a message is first stripped of credentials and query string (API keys live there).

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

#include "gate/Result.h"
#include "gate/http/Error.h"

namespace gate::http::detail {

struct CurlUrlDeleter {
    void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};
using CurlUrlPtr = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CheckedUrl {
    CurlUrlPtr parsed;     // handed to libcurl as is, so what we checked is what is fetched
    std::string redacted;  // scheme://host[:port]/path, "?[redacted]" if there was a query
};

/// Parses `url`; a malformed URL or a scheme other than http/https is InvalidRequest.
Result<CheckedUrl, Error> check_url(std::string_view url);

/// Best-effort redaction of a string that did not parse as a URL.
std::string redact_url_text(std::string_view url);

}  // namespace gate::http::detail
