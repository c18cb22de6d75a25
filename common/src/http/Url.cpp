#include "Url.h"

#include "Text.h"

namespace gate::http::detail {

namespace {

constexpr std::string_view kRedactedQuery = "?[redacted]";

struct CurlString {
    char* text = nullptr;
    ~CurlString() { curl_free(text); }
};

Error invalid(std::string_view url, std::string_view why) {
    std::string message = "invalid URL ";
    message += redact_url_text(url);
    message += ": ";
    message += why;
    return Error{Error::Kind::InvalidRequest, std::move(message), 0};
}

bool has_part(CURLU* url, CURLUPart part) {
    CurlString value;
    return curl_url_get(url, part, &value.text, 0) == CURLUE_OK && value.text != nullptr &&
           value.text[0] != '\0';
}

}  // namespace

std::string redact_url_text(std::string_view url) {
    std::string_view rest = url;
    bool had_query = false;
    if (const auto cut = rest.find_first_of("?#"); cut != std::string_view::npos) {
        had_query = true;
        rest = rest.substr(0, cut);
    }
    std::string out;
    // Drop "user:password@" between the scheme and the first '/' of the path.
    if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
        const auto authority_start = scheme_end + 3;
        const auto authority_end = rest.find('/', authority_start);
        const auto at = rest.substr(0, authority_end).rfind('@');
        if (at != std::string_view::npos && at >= authority_start) {
            out.append(rest.substr(0, authority_start));
            rest = rest.substr(at + 1);
        }
    }
    out.append(rest);
    out = printable_excerpt(out, 200);
    if (had_query) out.append(kRedactedQuery);
    return out;
}

Result<CheckedUrl, Error> check_url(std::string_view url) {
    if (url.empty()) return fail(invalid(url, "empty"));
    // libcurl takes C strings: an embedded NUL would silently cut the URL short.
    if (url.find('\0') != std::string_view::npos) return fail(invalid(url, "contains a NUL byte"));

    CurlUrlPtr parsed(curl_url());
    if (!parsed) return fail(invalid(url, "out of memory"));
    const std::string text(url);
    if (const CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0);
        rc != CURLUE_OK) {
        return fail(invalid(url, curl_url_strerror(rc)));
    }

    CurlString scheme;
    if (curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme.text, 0) != CURLUE_OK ||
        scheme.text == nullptr) {
        return fail(invalid(url, "no scheme"));
    }
    const std::string_view scheme_name(scheme.text);  // libcurl lower-cases it
    if (scheme_name != "http" && scheme_name != "https") {
        return fail(invalid(url, "only http and https are allowed"));
    }
    if (!has_part(parsed.get(), CURLUPART_HOST)) return fail(invalid(url, "no host"));

    CurlUrlPtr shown(curl_url_dup(parsed.get()));
    if (!shown) return fail(invalid(url, "out of memory"));
    const bool had_query = has_part(shown.get(), CURLUPART_QUERY);
    for (const CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
                                 CURLUPART_QUERY, CURLUPART_FRAGMENT}) {
        curl_url_set(shown.get(), part, nullptr, 0);
    }
    CurlString shown_text;
    if (curl_url_get(shown.get(), CURLUPART_URL, &shown_text.text, 0) != CURLUE_OK ||
        shown_text.text == nullptr) {
        return fail(invalid(url, "cannot be printed"));
    }
    std::string redacted = printable_excerpt(shown_text.text, 300);
    if (had_query) redacted.append(kRedactedQuery);
    return CheckedUrl{std::move(parsed), std::move(redacted)};
}

}  // namespace gate::http::detail

namespace gate::http {

std::string url_problem(std::string_view url) {
    auto checked = detail::check_url(url);
    if (checked) return {};
    // "invalid URL <url>: <why>": keep the why, the caller names the field.
    const std::string& message = checked.error().message;
    const auto colon = message.rfind(": ");
    return colon == std::string::npos ? message : message.substr(colon + 2);
}

}  // namespace gate::http
