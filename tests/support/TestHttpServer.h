#pragma once
// TestHttpServer: a real HTTP/1.1 server (Boost.Beast) on 127.0.0.1 and an ephemeral port,
// for tests of code that talks HTTP. It runs on its own thread, keeps connections alive,
// counts accepted connections, and can be told to delay, stall or drop its answers.

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace gate::test {

class TestHttpServer {
  public:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    using Response = boost::beast::http::response<boost::beast::http::string_body>;
    using Handler = std::function<Response(const Request&)>;

    /// Starts listening at once; `handler` runs on the server thread, one request at a time.
    explicit TestHttpServer(Handler handler)
        : state_(std::make_shared<State>(std::move(handler))),
          acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
          port_(acceptor_.local_endpoint().port()) {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }

    ~TestHttpServer() {
        // Stalled sessions hold open sockets; stopping drops their pending waits, and the
        // io_context then destroys them, closing every socket.
        io_.stop();
        if (thread_.joinable()) thread_.join();
    }

    TestHttpServer(const TestHttpServer&) = delete;
    TestHttpServer& operator=(const TestHttpServer&) = delete;

    unsigned short port() const { return port_; }

    /// "http://127.0.0.1:<port>" followed by `target`.
    std::string url(std::string_view target = "/") const {
        return "http://127.0.0.1:" + std::to_string(port()) + std::string(target);
    }

    /// TCP connections accepted so far; stays at 1 while a client reuses one connection.
    std::size_t connections_accepted() const { return state_->connections.load(); }

    /// Copies of the requests received so far, in arrival order.
    std::vector<Request> requests() const {
        std::lock_guard lock(state_->mutex);
        return state_->requests;
    }

    /// Wait this long before each answer.
    void set_delay(std::chrono::milliseconds delay) {
        std::lock_guard lock(state_->mutex);
        state_->delay = delay;
    }

    /// Read requests but never answer (the connection stays open until shutdown).
    void stall() { set_mode(Mode::Stall); }
    /// Read each request, then reset the connection without answering.
    void close_abruptly() { set_mode(Mode::Reset); }
    /// Send only the first `bytes` bytes of each answer (head and body), then stall.
    void stall_after_bytes(std::size_t bytes) {
        std::lock_guard lock(state_->mutex);
        state_->mode = Mode::Respond;
        state_->stall_after = bytes;
    }
    /// Back to answering every request in full.
    void respond_normally() {
        std::lock_guard lock(state_->mutex);
        state_->mode = Mode::Respond;
        state_->stall_after = 0;
    }

    /// A response to `request` with the given status, body and content type.
    static Response make_response(const Request& request, unsigned status, std::string body,
                                  std::string_view content_type = "application/json") {
        Response response{static_cast<boost::beast::http::status>(status), request.version()};
        response.set(boost::beast::http::field::content_type, content_type);
        response.body() = std::move(body);
        return response;
    }

    /// A port on 127.0.0.1 that nothing listens on (bound once, then released).
    static unsigned short closed_port() {
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        const unsigned short port = probe.local_endpoint().port();
        probe.close();
        return port;
    }

  private:
    enum class Mode { Respond, Stall, Reset };

    struct State {
        explicit State(Handler h) : handler(std::move(h)) {}
        Handler handler;
        std::atomic<std::size_t> connections{0};
        mutable std::mutex mutex;
        std::vector<Request> requests;
        Mode mode = Mode::Respond;
        std::chrono::milliseconds delay{0};
        std::size_t stall_after = 0;
    };

    class Session : public std::enable_shared_from_this<Session> {
      public:
        Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<State> state)
            : stream_(std::move(socket)),
              timer_(stream_.get_executor()),
              state_(std::move(state)) {}

        void read() {
            request_ = {};
            boost::beast::http::async_read(
                stream_, buffer_, request_,
                [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                    self->on_read(ec);
                });
        }

      private:
        void on_read(boost::beast::error_code ec) {
            if (ec) return close();
            Mode mode;
            std::chrono::milliseconds delay;
            {
                std::lock_guard lock(state_->mutex);
                state_->requests.push_back(request_);
                mode = state_->mode;
                delay = state_->delay;
                stall_after_ = state_->stall_after;
            }
            if (mode == Mode::Stall) return hold();
            if (mode == Mode::Reset) return reset();
            response_ = answer();
            if (delay.count() <= 0) return write();
            timer_.expires_after(delay);
            timer_.async_wait([self = shared_from_this()](boost::beast::error_code wait_ec) {
                if (!wait_ec) self->write();
            });
        }

        Response answer() {
            Response response;
            try {
                response = state_->handler(request_);
            } catch (const std::exception& e) {
                response = make_response(request_, 500, e.what(), "text/plain");
            }
            response.version(request_.version());
            if (response[boost::beast::http::field::connection] != "close") {
                response.keep_alive(request_.keep_alive());
            }
            if (request_.method() == boost::beast::http::verb::head) {
                const auto length = response.body().size();
                response.body().clear();
                response.content_length(length);
            } else if (!response.chunked()) {
                response.prepare_payload();
            }
            return response;
        }

        void write() {
            if (stall_after_ > 0) {
                std::ostringstream raw;
                raw << response_;
                raw_ = raw.str();
                raw_.resize(std::min(raw_.size(), stall_after_));
                boost::asio::async_write(
                    stream_, boost::asio::buffer(raw_),
                    [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                        if (!ec) self->hold();
                    });
                return;
            }
            boost::beast::http::async_write(
                stream_, response_,
                [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                    if (ec) return self->close();
                    if (!self->response_.keep_alive()) return self->close();
                    self->read();
                });
        }

        // Keeps the session (and its socket) alive, silent, until the server shuts down.
        void hold() {
            timer_.expires_at(boost::asio::steady_timer::time_point::max());
            timer_.async_wait([self = shared_from_this()](boost::beast::error_code) {});
        }

        // SO_LINGER with zero time makes close() send RST instead of an orderly FIN.
        void reset() {
            boost::beast::error_code ec;
            auto& socket = stream_.socket();
            socket.set_option(boost::asio::socket_base::linger(true, 0), ec);
            socket.close(ec);
        }

        void close() {
            boost::beast::error_code ec;
            stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
            stream_.socket().close(ec);
        }

        boost::beast::tcp_stream stream_;
        boost::beast::flat_buffer buffer_;
        boost::asio::steady_timer timer_;
        std::shared_ptr<State> state_;
        Request request_;
        Response response_;
        std::string raw_;
        std::size_t stall_after_ = 0;
    };

    void set_mode(Mode mode) {
        std::lock_guard lock(state_->mutex);
        state_->mode = mode;
    }

    void accept() {
        acceptor_.async_accept(
            [this](boost::beast::error_code ec, boost::asio::ip::tcp::socket socket) {
                if (ec) return;  // acceptor closed: shutting down
                ++state_->connections;
                std::make_shared<Session>(std::move(socket), state_)->read();
                accept();
            });
    }

    std::shared_ptr<State> state_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_;
    std::thread thread_;
};

}  // namespace gate::test
