#pragma once
// Client: outbound HTTP over libcurl with safe defaults (TLS verified, bounded time and
// size). It owns one curl easy handle so connections are reused between requests.
// A Client is not thread-safe: use one per thread (it is cheap to move, not to copy).

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gate/Result.h"
#include "gate/http/Error.h"
#include "gate/http/Headers.h"
#include "gate/http/Request.h"
#include "gate/http/Response.h"

namespace gate::http {

struct ClientOptions {
    std::chrono::milliseconds connect_timeout = std::chrono::seconds{5};
    /// Limit for the whole exchange (zero: none); Request::timeout overrides it per call.
    std::chrono::milliseconds timeout = std::chrono::seconds{15};
    /// Abort when fewer than low_speed_limit bytes/s arrive for low_speed_time; guards
    /// calls whose total timeout is long or off. A zero time disables the check.
    std::size_t low_speed_limit = 1;
    std::chrono::seconds low_speed_time{10};
    /// Larger bodies fail with TooLarge as soon as the limit is crossed, not after download.
    std::size_t max_response_bytes = std::size_t{8} * 1024 * 1024;
    std::string user_agent = "gate/0.1";
    /// Sent with every request, before the request's own headers.
    Headers default_headers;
    /// PEM file of trusted CAs instead of the system store (e.g. a private backend CA).
    std::optional<std::string> ca_bundle_path;
    /// Disables certificate and host name checks. Only for local development.
    bool insecure_skip_verify = false;
    /// Sent as "Authorization: Bearer <token>" unless the request sets Authorization itself.
    std::optional<std::string> bearer_token;
};

class Client {
  public:
    /// Throws std::runtime_error only if libcurl cannot be initialised at all.
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// Performs the request. Blocks for at most the timeout in force (connection set-up
    /// included); a zero timeout leaves only the low-speed abort as a bound.
    Result<Response, Error> send(const Request& request);
    Result<Response, Error> get(std::string url);
    /// POSTs `body` with Content-Type and Accept set to application/json.
    Result<Response, Error> post_json(std::string url, const nlohmann::json& body);

    const ClientOptions& options() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace gate::http
