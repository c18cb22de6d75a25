#include "gate/http/Client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cassert>
#include <limits>
#include <stdexcept>
#include <vector>

#include "Text.h"
#include "Url.h"

namespace gate::http {

namespace {

void init_curl_once() {
    // curl_global_init is not safe to race; a function-local static runs it exactly once.
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        throw std::runtime_error(std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
    }
}

struct CurlEasyDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};

struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// Clamps to what libcurl's `long` options can hold (32 bits on armhf).
template <class Rep>
long to_long(Rep value) {
    constexpr auto max = static_cast<long long>(std::numeric_limits<long>::max());
    return static_cast<long>(std::clamp(static_cast<long long>(value), 0LL, max));
}

// What the libcurl callbacks fill in during one transfer.
struct Transfer {
    std::size_t max_body = 0;
    bool too_large = false;
    std::string body;
    Headers headers;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    if (bytes > transfer.max_body - transfer.body.size()) {
        transfer.too_large = true;
        return 0;  // anything but `bytes` makes libcurl abort the transfer
    }
    transfer.body.append(data, bytes);
    return bytes;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (line.starts_with("HTTP/")) {
        // A new status line: the headers so far belonged to an interim response (100).
        transfer.headers = Headers{};
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        transfer.headers.add(std::string(trim(line.substr(0, colon))),
                             std::string(trim(line.substr(colon + 1))));
    }
    return bytes;
}

bool is_token_char(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return false;
    return std::string_view("\"(),/:;<=>?@[\\]{}").find(c) == std::string_view::npos;
}

bool valid_header_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char);
}

bool valid_header_value(std::string_view value) {
    // CR or LF would let a value smuggle in extra header lines.
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Error::Kind classify(CURLcode rc) {
    switch (rc) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_BAD_FUNCTION_ARGUMENT:
        case CURLE_UNKNOWN_OPTION:
        case CURLE_NOT_BUILT_IN:
            return Error::Kind::InvalidRequest;
        case CURLE_OPERATION_TIMEDOUT:
            return Error::Kind::Timeout;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_USE_SSL_FAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_SHUTDOWN_FAILED:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_CLIENTCERT:
            return Error::Kind::Tls;
        case CURLE_FILESIZE_EXCEEDED:
            return Error::Kind::TooLarge;
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_TOO_MANY_REDIRECTS:
            return Error::Kind::BadResponse;
        default:
            // DNS, refused, reset, peer closed early, and anything unforeseen: treat as the
            // network's fault, so a caller backs off and tries again rather than dropping data.
            return Error::Kind::Network;
    }
}

std::string describe(const Request& request, const std::string& redacted_url) {
    std::string out(to_string(request.method));
    out += ' ';
    out += redacted_url;
    return out;
}

// Secrets that must never reach a message even if libcurl or the server echoes them.
std::vector<std::string> secrets_of(const Request& request, const Headers& sent) {
    std::vector<std::string> secrets;
    if (auto auth = sent.get("Authorization")) {
        secrets.push_back(*auth);
        // The bare token too, in case something prints it without its scheme word.
        if (const auto space = auth->find(' '); space != std::string::npos) {
            secrets.push_back(auth->substr(space + 1));
        }
    }
    const std::string_view url = request.url;
    if (const auto q = url.find('?'); q != std::string_view::npos) {
        secrets.emplace_back(url.substr(q + 1));
    }
    if (const auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
        const auto start = scheme_end + 3;
        const auto at = url.substr(0, url.find_first_of("/?#", start)).rfind('@');
        if (at != std::string_view::npos && at > start) {
            secrets.emplace_back(url.substr(start, at - start));
        }
    }
    return secrets;
}

}  // namespace

struct Client::Impl {
    ClientOptions options;
    std::unique_ptr<CURL, CurlEasyDeleter> handle;
};

Client::Client(ClientOptions options) {
    init_curl_once();
    std::unique_ptr<CURL, CurlEasyDeleter> handle(curl_easy_init());
    if (!handle) throw std::runtime_error("curl_easy_init failed");
    impl_ = std::make_unique<Impl>(Impl{std::move(options), std::move(handle)});
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const ClientOptions& Client::options() const {
    assert(impl_ && "Client used after move");
    return impl_->options;
}

Result<Response, Error> Client::get(std::string url) {
    Request request;
    request.method = Method::Get;
    request.url = std::move(url);
    return send(request);
}

Result<Response, Error> Client::post_json(std::string url, const nlohmann::json& body) {
    Request request;
    request.method = Method::Post;
    request.url = std::move(url);
    request.headers.set("Content-Type", "application/json");
    request.headers.set("Accept", "application/json");
    try {
        request.body = body.dump();
    } catch (const nlohmann::json::exception& e) {
        // dump() throws on strings that are not valid UTF-8.
        return fail(Error{Error::Kind::InvalidRequest,
                          "POST " + detail::redact_url_text(request.url) +
                              ": body cannot be encoded as JSON: " + e.what(),
                          0});
    }
    return send(request);
}

Result<Response, Error> Client::send(const Request& request) {
    if (!impl_) return fail(Error{Error::Kind::InvalidRequest, "Client used after move", 0});
    const ClientOptions& options = impl_->options;

    auto url = detail::check_url(request.url);
    if (!url) return fail(url.error());
    const std::string what = describe(request, url->redacted);
    auto invalid = [&](std::string why) {
        return fail(Error{Error::Kind::InvalidRequest, what + ": " + why, 0});
    };

    const bool bodiless = request.method == Method::Get || request.method == Method::Head;
    if (bodiless && !request.body.empty()) return invalid("a GET or HEAD request has no body");

    // Defaults, then the bearer token, then the request's own fields, each replacing the
    // earlier fields of the same name.
    Headers sent = options.default_headers;
    if (options.bearer_token && !request.headers.contains("Authorization")) {
        sent.set("Authorization", "Bearer " + *options.bearer_token);
    }
    for (const auto& [name, value] : request.headers)
        sent.remove(name);
    for (const auto& [name, value] : request.headers)
        sent.add(name, value);

    SlistPtr header_list;
    auto append = [&](const std::string& line) {
        curl_slist* grown = curl_slist_append(header_list.get(), line.c_str());
        if (grown == nullptr) return false;
        static_cast<void>(header_list.release());
        header_list.reset(grown);
        return true;
    };
    for (const auto& [name, value] : sent) {
        if (!valid_header_name(name)) {
            return invalid("bad header name \"" + detail::printable_excerpt(name, 60) + "\"");
        }
        if (!valid_header_value(value)) {
            return invalid("header " + name + " has a line break or NUL in its value");
        }
        // "Name;" is libcurl's spelling for a header sent with an empty value.
        if (!append(value.empty() ? name + ";" : name + ": " + value)) {
            return invalid("out of memory");
        }
    }
    // libcurl would otherwise wait for "100 Continue" on larger bodies and label raw
    // bodies as form data; "Name:" removes a header libcurl adds by itself.
    if (!sent.contains("Expect") && !append("Expect:")) return invalid("out of memory");
    if (!sent.contains("Content-Type") && !append("Content-Type:")) {
        return invalid("out of memory");
    }

    CURL* const curl = impl_->handle.get();
    // Reset drops every option of the previous request but keeps live connections.
    curl_easy_reset(curl);

    Transfer transfer;
    transfer.max_body = options.max_response_bytes;
    char curl_message[CURL_ERROR_SIZE] = {};

    CURLcode setup = CURLE_OK;
    auto set = [&](CURLcode rc) {
        if (setup == CURLE_OK) setup = rc;
    };
    set(curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_message));
    set(curl_easy_setopt(curl, CURLOPT_CURLU, url->parsed.get()));
    set(curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https"));
    set(curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
    set(curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L));
    // Signals cannot be used for DNS timeouts in a threaded program.
    set(curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L));
    set(curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                         to_long(options.connect_timeout.count())));
    set(curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                         to_long(request.timeout.value_or(options.timeout).count())));
    set(curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, to_long(options.low_speed_limit)));
    set(curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, to_long(options.low_speed_time.count())));
    set(curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                         static_cast<curl_off_t>(std::min<std::size_t>(
                             options.max_response_bytes,
                             static_cast<std::size_t>(std::numeric_limits<curl_off_t>::max())))));
    set(curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str()));
    set(curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""));
    set(curl_easy_setopt(curl, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2));
    set(curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options.insecure_skip_verify ? 0L : 1L));
    set(curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options.insecure_skip_verify ? 0L : 2L));
    if (options.ca_bundle_path) {
        set(curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle_path->c_str()));
    }
    set(curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get()));
    set(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body));
    set(curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer));
    set(curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header));
    set(curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer));

    const bool has_body = !bodiless && (!request.body.empty() || request.method != Method::Delete);
    if (request.method == Method::Head) {
        set(curl_easy_setopt(curl, CURLOPT_NOBODY, 1L));
    } else if (request.method == Method::Get) {
        set(curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L));
    } else if (has_body) {
        // POST mode sends the body; CUSTOMREQUEST then renames the method if needed.
        set(curl_easy_setopt(curl, CURLOPT_POST, 1L));
        set(curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data()));
        set(curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size())));
    }
    if (request.method != Method::Get && request.method != Method::Head &&
        request.method != Method::Post) {
        set(curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, to_string(request.method).data()));
    }
    if (setup != CURLE_OK) {
        return invalid(std::string("libcurl refused an option: ") + curl_easy_strerror(setup));
    }

    const auto started = std::chrono::steady_clock::now();
    const CURLcode rc = curl_easy_perform(curl);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);

    long status = 0;
    if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    // The options point into this frame (error buffer, callbacks' state, header list, URL);
    // clear them so the handle holds no dangling pointers between requests.
    curl_easy_reset(curl);

    const auto secrets = secrets_of(request, sent);
    auto scrubbed = [&](std::string message) {
        for (const auto& secret : secrets)
            detail::scrub(message, secret);
        return message;
    };

    if (rc != CURLE_OK) {
        Error error;
        error.kind = transfer.too_large ? Error::Kind::TooLarge : classify(rc);
        if (error.kind == Error::Kind::TooLarge) {
            error.message = what + ": response body exceeds " +
                            std::to_string(options.max_response_bytes) + " bytes";
        } else {
            const std::string detail_text =
                curl_message[0] != '\0' ? std::string(curl_message) : curl_easy_strerror(rc);
            error.message = scrubbed(what + ": " + detail::printable_excerpt(detail_text, 300));
        }
        return fail(std::move(error));
    }

    Response response;
    response.status = static_cast<int>(status);
    response.headers = std::move(transfer.headers);
    response.body = std::move(transfer.body);
    response.elapsed = elapsed;
    response.url = url->redacted;

    if (!request.expect_success) return response;
    auto checked = expect_success(std::move(response));
    if (checked.ok()) return checked;
    Error error = checked.error();
    error.message = scrubbed(to_string(request.method).data() + std::string(" ") + error.message);
    return fail(std::move(error));
}

}  // namespace gate::http
