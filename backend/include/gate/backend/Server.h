#pragma once
// Server: the HTTP/1.1 transport (Boost.Beast, async, keep-alive) around a handler.
// It enforces the read and write timeouts and the header and body limits, answers what
// it cannot parse itself (400, 413, 431), runs handlers on threads of their own
// (server.handlers; 503 busy when server.queue requests already wait), and shuts down
// gracefully.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "gate/backend/Http.h"
#include "gate/backend/Settings.h"
#include "gate/log/Logger.h"

namespace gate::backend {

class Server {
  public:
    using Handle = std::function<Response(Request)>;

    /// Binds settings.address:settings.port (0: an ephemeral port). Throws
    /// std::runtime_error naming the address when it cannot bind.
    Server(const Settings& settings, Handle handle, log::Logger logger);
    ~Server();  // stop()s
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Starts settings.threads worker threads.
    void start();
    /// Stops accepting, closes idle connections, lets requests in flight finish (up to
    /// `grace`), then joins the threads. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds{10});

    unsigned short port() const noexcept { return port_; }
    /// Connections open right now (tests: a slow client must not pin the server).
    std::size_t open_connections() const noexcept;
    /// Requests waiting for a handler right now (server.queue bounds them).
    std::size_t queued_requests() const;

    struct Context;  // the io_context (Server.cpp)
    struct Impl;     // the acceptor and sessions (Server.cpp)

  private:
    // Declared before impl_ so it is destroyed after it: destroying the io_context
    // destroys the handlers still queued, which hold the last references to Impl and
    // the sessions, so nothing outlives the server and no cycle leaks.
    std::unique_ptr<Context> context_;
    std::shared_ptr<Impl> impl_;
    std::vector<std::thread> threads_;
    unsigned short port_ = 0;
    bool stopped_ = false;
};

}  // namespace gate::backend
