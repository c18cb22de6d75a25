// The transport on its own (any handler): keep-alive, limits, graceful stop.
#include <doctest/doctest.h>

#include <atomic>

#include "LoopbackServer.h"

using namespace gate::test;
using namespace std::chrono_literals;

namespace {
gate::backend::Settings loopback_settings() {
    gate::backend::Settings s;
    s.address = "127.0.0.1";
    s.port = 0;
    s.threads = 2;
    return s;
}
gate::log::Logger quiet() {
    return gate::log::Logger("http", nullptr,
                             {gate::log::Level::Warn, gate::log::Format::Json, {}});
}
}  // namespace

TEST_CASE("a client's requests share one kept-alive connection") {
    std::atomic<int> served{0};
    gate::backend::Server server(
        loopback_settings(),
        [&](gate::backend::Request r) {
            ++served;
            return gate::backend::json_response(200, {{"path", r.path}, {"remote", r.remote}});
        },
        quiet());
    server.start();
    gate::http::Client client;
    const auto base = "http://127.0.0.1:" + std::to_string(server.port());
    for (int i = 0; i < 10; ++i) {
        auto r = client.get(base + "/n/" + std::to_string(i));
        REQUIRE(r.ok());
        CHECK(r->json().value()["path"] == "/n/" + std::to_string(i));
        CHECK(r->json().value()["remote"] == "127.0.0.1");
    }
    CHECK(served == 10);
    CHECK(server.open_connections() == 1);
}

TEST_CASE("stop lets a request in flight finish, then refuses new connections") {
    std::atomic<bool> entered{false};
    gate::backend::Server server(
        loopback_settings(),
        [&](gate::backend::Request) {
            entered = true;
            std::this_thread::sleep_for(400ms);
            return gate::backend::json_response(200, {{"done", true}});
        },
        quiet());
    server.start();
    const auto port = server.port();
    std::optional<int> status;
    std::thread slow([&] {
        gate::http::Client client;
        auto r = client.get("http://127.0.0.1:" + std::to_string(port) + "/slow");
        if (r.ok()) status = r->status;
    });
    while (!entered)
        std::this_thread::sleep_for(5ms);
    server.stop();
    slow.join();
    CHECK(status == 200);
    gate::http::ClientOptions options;
    options.connect_timeout = 1s;
    gate::http::Client late(options);
    CHECK_FALSE(late.get("http://127.0.0.1:" + std::to_string(port) + "/late").ok());
}
