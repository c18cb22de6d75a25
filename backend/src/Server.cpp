// The transport, after Beast's async server example: a listener that accepts and one
// session per connection (read -> handle -> write -> read ...), each read and write
// bounded by tcp_stream::expires_after. Handlers run on the HandlerPool, never on the
// network threads; the answer is posted back to the connection's strand.
#include "gate/backend/Server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "HandlerPool.h"
#include "gate/backend/ApiError.h"

namespace gate::backend {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

class Session;

struct Server::Context {
    explicit Context(std::size_t threads)
        : io(static_cast<int>(threads)), keep_running(io.get_executor()) {}
    asio::io_context io;
    // A request in a handler has no operation pending on the io_context; without this,
    // the network threads would return from run() once the acceptor closes, and the
    // answers still being made would find no thread to write them.
    asio::executor_work_guard<asio::io_context::executor_type> keep_running;
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    Impl(asio::io_context& context, const Settings& s, Handle h, log::Logger l)
        : settings(s),
          handle(std::move(h)),
          logger(std::move(l)),
          io(context),
          acceptor(asio::make_strand(io)),
          pool(settings.handlers, settings.handler_queue) {}

    void accept();
    void session_opened() { ++open; }
    void session_closed() {
        {
            std::lock_guard lock(mutex);
            --open;
        }
        closed.notify_all();
    }

    Settings settings;
    Handle handle;
    log::Logger logger;
    asio::io_context& io;
    tcp::acceptor acceptor;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> open{0};
    std::mutex mutex;
    std::condition_variable closed;
    std::vector<std::weak_ptr<Session>> sessions;  // guarded by mutex
    HandlerPool pool;
};

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, std::shared_ptr<Server::Impl> server)
        : stream_(std::move(socket)), server_(std::move(server)) {
        server_->session_opened();
        beast::error_code ec;
        const auto endpoint = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_ = endpoint.address().to_string();
    }
    ~Session() { server_->session_closed(); }

    void run() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
    }

    /// Closes the connection if it waits for a request; a busy one closes after answering.
    void close_if_idle() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (!self->busy_) self->close();
        });
    }

  private:
    void read() {
        if (server_->stopping) return close();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_->settings.max_header_bytes));
        parser_->body_limit(server_->settings.max_body_bytes);
        // One deadline for the whole request: a client that trickles bytes (slowloris) is
        // cut off when it passes, however steadily it sends.
        stream_.expires_after(server_->settings.read_timeout);
        bhttp::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
            ec == asio::error::eof)
            return close();
        if (ec == bhttp::error::body_limit)
            return refuse(
                413, "payload_too_large",
                "the body exceeds " + std::to_string(server_->settings.max_body_bytes) + " bytes");
        if (ec == bhttp::error::header_limit)
            return refuse(431, "headers_too_large", "the request headers are too large");
        if (ec) return refuse(400, "bad_request", "malformed HTTP request");

        auto& message = parser_->get();
        const auto method = http::method_from(message.method_string());
        if (!method)
            return refuse(
                501, "not_implemented",
                "this server speaks GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS only");
        Request request = make_request(*method, message.target(), std::move(message.body()));
        for (const auto& field : message)
            request.headers.add(std::string(field.name_string()), std::string(field.value()));
        request.remote = remote_;
        keep_alive_ = message.keep_alive();
        const unsigned version = message.version();
        busy_ = true;
        auto self = shared_from_this();
        const bool queued =
            server_->pool.submit([self, request = std::move(request), version]() mutable {
                Response response;
                try {
                    response = self->server_->handle(std::move(request));
                } catch (const std::exception& e) {
                    self->server_->logger.error("handler threw", {{"what", e.what()}});
                    response = error_response(internal_error());
                }
                asio::post(self->stream_.get_executor(),
                           [self, response = std::move(response), version]() mutable {
                               self->write(std::move(response), version,
                                           self->keep_alive_ && !self->server_->stopping);
                           });
            });
        if (!queued)
            write(error_response(ApiError{
                      503, "busy", "every handler is busy and the queue is full; retry", {}, 1}),
                  version, keep_alive_ && !server_->stopping);
    }

    void write(Response response, unsigned version, bool keep_alive) {
        auto out = std::make_shared<bhttp::response<bhttp::string_body>>(
            static_cast<bhttp::status>(response.status), version);
        out->set(bhttp::field::server, "ticket-api");
        if (!response.content_type.empty())
            out->set(bhttp::field::content_type, response.content_type);
        for (const auto& [name, value] : response.headers)
            out->set(name, value);
        out->body() = std::move(response.body);
        out->keep_alive(keep_alive);
        out->prepare_payload();
        stream_.expires_after(server_->settings.write_timeout);
        bhttp::async_write(stream_, *out,
                           [self = shared_from_this(), out](beast::error_code ec, std::size_t) {
                               self->busy_ = false;
                               if (ec || !out->keep_alive()) return self->finish();
                               self->read();
                           });
    }

    // Answers a request the parser refused, then closes: the rest of it is never read.
    void refuse(int status, std::string code, std::string message) {
        busy_ = true;
        write(error_response({status, std::move(code), std::move(message), {}, {}}), 11, false);
    }

    // Half-closes, then drains briefly so the client reads the answer instead of a reset
    // caused by unread bytes it is still sending.
    void finish() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) return close();
        stream_.expires_after(std::chrono::milliseconds{500});
        drain_.resize(16 * 1024);
        drain();
    }

    void drain() {
        stream_.async_read_some(asio::buffer(drain_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->drained_ += n;
                                    if (ec || self->drained_ > 4 * 1024 * 1024)
                                        return self->close();
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::shared_ptr<Server::Impl> server_;
    std::string remote_;
    std::vector<char> drain_;
    std::size_t drained_ = 0;
    bool keep_alive_ = false;
    bool busy_ = false;
};

void Server::Impl::accept() {
    acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](beast::error_code ec,
                                                                             tcp::socket socket) {
        if (ec) {
            if (self->stopping || ec == asio::error::operation_aborted) return;
            self->logger.warn("accept failed", {{"error", ec.message()}});
        } else {
            auto session = std::make_shared<Session>(std::move(socket), self);
            {
                std::lock_guard lock(self->mutex);
                std::erase_if(self->sessions, [](const auto& w) { return w.expired(); });
                self->sessions.push_back(session);
            }
            session->run();
        }
        if (!self->stopping) self->accept();
    });
}

Server::Server(const Settings& settings, Handle handle, log::Logger logger)
    : context_(std::make_unique<Context>(settings.threads)),
      impl_(std::make_shared<Impl>(context_->io, settings, std::move(handle), std::move(logger))) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(settings.address, ec);
    if (ec) throw std::runtime_error("server.address: not an IP address: " + settings.address);
    const tcp::endpoint endpoint{address, settings.port};
    impl_->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(endpoint, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + settings.address + ":" +
                                 std::to_string(settings.port) + ": " + ec.message());
    port_ = impl_->acceptor.local_endpoint().port();
}

Server::~Server() {
    stop();
}

void Server::start() {
    impl_->accept();
    for (std::size_t i = 0; i < impl_->settings.threads; ++i)
        threads_.emplace_back([impl = impl_] { impl->io.run(); });
    impl_->logger.info("listening", {{"address", impl_->settings.address},
                                     {"port", port_},
                                     {"threads", impl_->settings.threads},
                                     {"handlers", impl_->settings.handlers}});
}

void Server::stop(std::chrono::milliseconds grace) {
    if (stopped_) return;
    stopped_ = true;
    impl_->stopping = true;
    // The acceptor lives on its own strand: closing it must not race its accept handler.
    asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
        beast::error_code ec;
        impl->acceptor.close(ec);
    });
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(impl_->mutex);
        for (auto& weak : impl_->sessions)
            if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live)
        s->close_if_idle();
    live.clear();
    {
        std::unique_lock lock(impl_->mutex);
        impl_->closed.wait_for(lock, grace, [&] { return impl_->open.load() == 0; });
    }
    context_->keep_running.reset();
    impl_->io.stop();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
    impl_->pool.stop();
    impl_->logger.info("stopped");
}

std::size_t Server::open_connections() const noexcept {
    return impl_->open.load();
}

std::size_t Server::queued_requests() const {
    return impl_->pool.waiting();
}

}  // namespace gate::backend
