// The transport on its own (any handler): keep-alive, limits, graceful stop.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

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

namespace {
// A handler that holds "/hold" requests until the test opens the gate, and answers every
// other path at once.
struct Gatekeeper {
    std::mutex mutex;
    std::condition_variable changed;
    bool open = false;
    int holding = 0;

    gate::backend::Response handle(const gate::backend::Request& r) {
        if (r.path == "/hold") {
            std::unique_lock lock(mutex);
            ++holding;
            changed.notify_all();
            changed.wait(lock, [&] { return open; });
        }
        return gate::backend::json_response(200, {{"path", r.path}});
    }
    void wait_holding(int n) {
        std::unique_lock lock(mutex);
        REQUIRE(changed.wait_for(lock, 5s, [&] { return holding >= n; }));
    }
    void release() {
        {
            std::lock_guard lock(mutex);
            open = true;
        }
        changed.notify_all();
    }
};
}  // namespace

TEST_CASE("slow handlers hold handler threads, never the network threads") {
    Gatekeeper keeper;
    auto settings = loopback_settings();
    settings.threads = 1;  // one network thread for every connection
    settings.handlers = 3;
    gate::backend::Server server(
        settings, [&](gate::backend::Request r) { return keeper.handle(r); }, quiet());
    server.start();
    const auto base = "http://127.0.0.1:" + std::to_string(server.port());
    std::vector<std::thread> slow;
    std::atomic<int> slow_ok{0};
    for (int i = 0; i < 2; ++i)
        slow.emplace_back([&] {
            gate::http::Client client;
            auto r = client.get(base + "/hold");
            if (r.ok() && r->status == 200) ++slow_ok;
        });
    keeper.wait_holding(2);
    // Two requests are stuck in handlers; the one network thread still serves others.
    gate::http::Client client;
    for (int i = 0; i < 5; ++i) {
        auto r = client.get(base + "/fast");
        REQUIRE(r.ok());
        CHECK(r->status == 200);
    }
    keeper.release();
    for (auto& t : slow)
        t.join();
    CHECK(slow_ok == 2);
}

TEST_CASE("a full handler queue answers 503 busy with Retry-After at once") {
    Gatekeeper keeper;
    auto settings = loopback_settings();
    settings.handlers = 1;
    settings.handler_queue = 1;
    gate::backend::Server server(
        settings, [&](gate::backend::Request r) { return keeper.handle(r); }, quiet());
    server.start();
    const auto base = "http://127.0.0.1:" + std::to_string(server.port());
    std::vector<std::thread> waiting;
    std::atomic<int> served{0};
    auto hold = [&] {
        gate::http::Client client;
        auto r = client.get(base + "/hold");
        if (r.ok() && r->status == 200) ++served;
    };
    waiting.emplace_back(hold);
    keeper.wait_holding(1);  // the one handler is taken
    waiting.emplace_back(hold);
    // The second waits in the queue, its one place.
    for (int i = 0; server.queued_requests() < 1; ++i) {
        REQUIRE_MESSAGE(i < 1000, "the second request never reached the queue");
        std::this_thread::sleep_for(5ms);
    }
    gate::http::Client probe;
    auto r = probe.get(base + "/probe");
    REQUIRE_MESSAGE(r.ok(), gate::http::to_string(r.error()));
    CHECK(r->status == 503);
    CHECK(r->headers.get("Retry-After") == "1");
    CHECK(r->json().value()["error"]["code"] == "busy");
    keeper.release();
    for (auto& t : waiting)
        t.join();
    CHECK(served == 2);  // the held and the queued requests were both served, once open
    gate::http::Client after;
    auto fast = after.get(base + "/fast");
    REQUIRE(fast.ok());
    CHECK(fast->status == 200);
}
