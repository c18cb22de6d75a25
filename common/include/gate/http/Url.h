#pragma once
// The one check of an http(s) URL in the project: the HTTP client refuses to fetch anything
// else, and every URL a user or a peer hands us (the backend's public base URL, an event's
// image, the RPC and backend URLs a device is given, a setup code) is held to the same rule
// before it is stored: libcurl's own URL parser accepts it, the scheme is http or https,
// and there is a host.

#include <string>
#include <string_view>

namespace gate::http {

/// Empty when `url` is an absolute http:// or https:// URL with a host; otherwise why not
/// ("only http and https are allowed", "no host", ...).
std::string url_problem(std::string_view url);

inline bool is_http_url(std::string_view url) {
    return url_problem(url).empty();
}

}  // namespace gate::http
