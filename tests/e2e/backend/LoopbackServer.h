#pragma once
// The backend behind its real transport on 127.0.0.1 (ephemeral port), driven with the
// project's HTTP client, plus raw sockets and child processes for what a client library
// would hide (oversized bodies, slow clients, signals).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "BackendFixture.h"
#include "gate/backend/Server.h"
#include "gate/http/Client.h"

namespace gate::test {

struct LoopbackServer {
    Backend backend;
    std::unique_ptr<backend::Server> server;
    http::Client client;

    explicit LoopbackServer(const std::function<void(backend::Settings&)>& tweak = {},
                            bool real_mailer = false)
        : backend(
              [&](backend::Settings& s) {
                  s.address = "127.0.0.1";
                  s.port = 0;
                  if (tweak) tweak(s);
              },
              real_mailer) {
        server = std::make_unique<backend::Server>(
            backend.settings,
            [this](backend::Request r) { return backend.app->handle(std::move(r)); },
            log::Logger("http", nullptr, {log::Level::Warn, log::Format::Json, {}}));
        server->start();
    }

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(server->port()) + path;
    }

    http::Response send(http::Method method, const std::string& path, const std::string& token = {},
                        const std::optional<json>& body = std::nullopt) {
        http::Request request;
        request.method = method;
        request.url = url(path);
        if (body) {
            request.body = body->dump();
            request.headers.set("Content-Type", "application/json");
        }
        if (!token.empty()) request.headers.set("Authorization", "Bearer " + token);
        auto response = client.send(request);
        REQUIRE_MESSAGE(response.ok(), http::to_string(response.error()));
        return std::move(response).value();
    }
    http::Response get(const std::string& path, const std::string& token = {}) {
        return send(http::Method::Get, path, token);
    }
    http::Response post(const std::string& path, const json& body, const std::string& token = {}) {
        return send(http::Method::Post, path, token, body);
    }

    /// Signs in over HTTP and returns the token.
    std::string sign_in(const Wallet& wallet) {
        auto nonce = post("/api/v1/auth/nonce", json{{"wallet", wallet.address()}});
        REQUIRE(nonce.status == 201);
        const auto n = nonce.json().value();
        const auto message = n["message"].get<std::string>();
        auto r = post("/api/v1/auth/sign-in",
                      json{{"wallet", wallet.address()},
                           {"nonce", n["nonce"]},
                           {"signature", wallet.key.sign(as_bytes(message)).to_base58()}});
        REQUIRE(r.status == 200);
        return r.json().value()["token"].get<std::string>();
    }
};

/// A plain TCP connection for writing exactly the bytes a test wants.
class RawConnection {
  public:
    explicit RawConnection(unsigned short port) : socket_(io_) {
        socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    }
    /// Writes; false if the peer has closed or reset the connection.
    bool write(std::string_view bytes) {
        boost::system::error_code ec;
        boost::asio::write(socket_, boost::asio::buffer(bytes.data(), bytes.size()), ec);
        return !ec;
    }
    /// Reads until the peer closes (or `limit` bytes); returns what arrived.
    std::string read_all(std::size_t limit = 1 << 20) {
        std::string out;
        char buffer[4096];
        for (;;) {
            boost::system::error_code ec;
            const auto n = socket_.read_some(boost::asio::buffer(buffer), ec);
            out.append(buffer, n);
            if (ec || out.size() >= limit) return out;
        }
    }

  private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
};

/// A child process whose stdout and stderr go to a file; killed (SIGKILL) if still
/// running when destroyed.
class ChildProcess {
  public:
    ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                 std::filesystem::path output)
        : output_(std::move(output)) {
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            const int fd = ::open(output_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            for (const auto& e : extra_env)
                ::putenv(const_cast<char*>(e.c_str()));
            std::vector<char*> args;
            for (const auto& a : argv)
                args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
    }
    ~ChildProcess() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    std::string output() const {
        std::ifstream in(output_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    /// Waits up to `timeout` for `text` to appear in the output.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            if (output().find(text) != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
        return false;
    }
    void signal(int sig) { ::kill(pid_, sig); }
    pid_t pid() const { return pid_; }
    /// The exit status, or -1 if it did not exit within `timeout`.
    int wait(std::chrono::milliseconds timeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        return -1;
    }

  private:
    std::filesystem::path output_;
    pid_t pid_ = -1;
    bool exited_ = false;
};

/// A TCP port on 127.0.0.1 that is free right now.
inline unsigned short free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return probe.local_endpoint().port();
}

/// Waits until something accepts connections on the port.
inline bool wait_for_port(unsigned short port, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket s(io);
        boost::system::error_code ec;
        s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
        if (!ec) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return false;
}

}  // namespace gate::test
