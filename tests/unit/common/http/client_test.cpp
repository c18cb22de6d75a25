// Client against a real Beast server on loopback: round trips, statuses, failures and reuse.
#include "gate/http/Client.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "TestHttpServer.h"

using gate::test::TestHttpServer;
using Kind = gate::http::Error::Kind;
using namespace std::chrono_literals;
namespace http = gate::http;
namespace verb = boost::beast::http;

namespace {

TestHttpServer::Response ok_json(const TestHttpServer::Request& request) {
    return TestHttpServer::make_response(request, 200, R"({"ok":true})");
}

std::string header_of(const TestHttpServer::Request& request, std::string_view name) {
    return std::string(request[name]);
}

}  // namespace

TEST_CASE("GET returns status, headers and body, and sends default headers") {
    TestHttpServer server([](const TestHttpServer::Request& request) {
        auto response = TestHttpServer::make_response(request, 200, R"({"answer":42})");
        response.set("X-Trace-Id", "abc-123");
        return response;
    });
    http::ClientOptions options;
    options.user_agent = "gate-test/1";
    options.default_headers.set("X-Device", "scanner-7");
    http::Client client(options);

    auto result = client.get(server.url("/v1/ping"));
    REQUIRE(result.ok());
    CHECK(result->status == 200);
    CHECK(result->success());
    CHECK(result->headers.get("x-trace-id") == "abc-123");
    CHECK(result->headers.get("CONTENT-TYPE") == "application/json");
    auto json = result->json();
    REQUIRE(json.ok());
    CHECK((*json)["answer"] == 42);
    CHECK(result->url == server.url("/v1/ping"));

    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method() == verb::verb::get);
    CHECK(requests[0].target() == "/v1/ping");
    CHECK(header_of(requests[0], "User-Agent") == "gate-test/1");
    CHECK(header_of(requests[0], "X-Device") == "scanner-7");
}

TEST_CASE("post_json sends JSON and the answer parses back") {
    TestHttpServer server([](const TestHttpServer::Request& request) {
        auto in = nlohmann::json::parse(request.body());
        nlohmann::json out = {{"received", in["entries"].size()}, {"echo", in}};
        return TestHttpServer::make_response(request, 201, out.dump());
    });
    http::Client client;
    const nlohmann::json body = {{"entries", {{{"nonce", "n1"}}, {{"nonce", "n2"}}}},
                                 {"device", "gate-ü"}};

    auto result = client.post_json(server.url("/v1/entries"), body);
    REQUIRE(result.ok());
    CHECK(result->status == 201);
    auto json = result->json();
    REQUIRE(json.ok());
    CHECK((*json)["received"] == 2);
    CHECK((*json)["echo"] == body);

    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method() == verb::verb::post);
    CHECK(header_of(requests[0], "Content-Type") == "application/json");
    CHECK(header_of(requests[0], "Accept") == "application/json");
    CHECK(requests[0].count("Expect") == 0);
}

TEST_CASE("each method reaches the server with its verb and body") {
    TestHttpServer server([](const TestHttpServer::Request& request) {
        return TestHttpServer::make_response(request, 200, "body-of-" + request.body());
    });
    http::Client client;

    struct Case {
        http::Method method;
        verb::verb expected;
        std::string body;
    };
    for (const Case& c : {Case{http::Method::Put, verb::verb::put, "p"},
                          Case{http::Method::Patch, verb::verb::patch, "q"},
                          Case{http::Method::Delete, verb::verb::delete_, ""},
                          Case{http::Method::Head, verb::verb::head, ""}}) {
        CAPTURE(http::to_string(c.method));
        http::Request request;
        request.method = c.method;
        request.url = server.url("/r");
        request.body = c.body;
        auto result = client.send(request);
        REQUIRE(result.ok());
        CHECK(result->status == 200);
        CHECK(server.requests().back().method() == c.expected);
        CHECK(server.requests().back().body() == c.body);
        if (c.method == http::Method::Head) {
            CHECK(result->body.empty());
        } else {
            CHECK(result->body == "body-of-" + c.body);
        }
    }
}

TEST_CASE("4xx and 5xx are responses unless success is expected") {
    unsigned status = 404;
    TestHttpServer server([&status](const TestHttpServer::Request& request) {
        return TestHttpServer::make_response(request, status, R"({"error":"nope"})");
    });
    http::Client client;

    SUBCASE("404") {
        status = 404;
    }
    SUBCASE("500") {
        status = 500;
    }
    SUBCASE("429") {
        status = 429;
    }

    auto plain = client.get(server.url("/thing"));
    REQUIRE(plain.ok());
    CHECK(plain->status == static_cast<int>(status));
    CHECK_FALSE(plain->success());
    CHECK(plain->body == R"({"error":"nope"})");

    auto helper = http::expect_success(client.get(server.url("/thing")));
    REQUIRE_FALSE(helper.ok());
    CHECK(helper.error().kind == Kind::HttpStatus);
    CHECK(helper.error().status == static_cast<int>(status));
    CHECK(helper.error().message.find(server.url("/thing")) != std::string::npos);
    CHECK(helper.error().message.find(std::to_string(status)) != std::string::npos);
    CHECK(helper.error().retryable() == (status != 404));

    http::Request request;
    request.url = server.url("/thing");
    request.expect_success = true;
    auto option = client.send(request);
    REQUIRE_FALSE(option.ok());
    CHECK(option.error().kind == Kind::HttpStatus);
    CHECK(option.error().status == static_cast<int>(status));
    CHECK(option.error().message.find("GET ") == 0);
}

TEST_CASE("expect_success passes 2xx through") {
    TestHttpServer server(ok_json);
    http::Client client;
    auto result = http::expect_success(client.get(server.url()));
    REQUIRE(result.ok());
    CHECK(result->status == 200);
}

TEST_CASE("connection refused is a retryable Network error") {
    http::Client client;
    const std::string url =
        "http://127.0.0.1:" + std::to_string(TestHttpServer::closed_port()) + "/x";
    auto result = client.get(url);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::Network);
    CHECK(result.error().retryable());
    CHECK(result.error().status == 0);
    CHECK(result.error().message.find(url) != std::string::npos);
}

TEST_CASE("a server that resets the connection is a retryable Network error") {
    TestHttpServer server(ok_json);
    server.close_abruptly();
    http::Client client;
    auto result = client.get(server.url());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::Network);
    CHECK(result.error().retryable());
}

TEST_CASE("a stalled server is a retryable Timeout") {
    TestHttpServer server([](const TestHttpServer::Request& request) {
        return TestHttpServer::make_response(request, 200, std::string(4096, 'z'), "text/plain");
    });
    http::ClientOptions options;
    options.timeout = 300ms;

    SUBCASE("never answers") {
        server.stall();
    }
    SUBCASE("answers too late") {
        server.set_delay(10s);
    }
    SUBCASE("stops in the middle of the body") {
        server.stall_after_bytes(1024);  // the head and part of the body
    }

    http::Client client(options);
    auto result = client.get(server.url("/slow"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::Timeout);
    CHECK(result.error().retryable());
    CHECK(result.error().message.find(server.url("/slow")) != std::string::npos);
}

TEST_CASE("the low-speed abort ends a stalled call even without a total timeout") {
    TestHttpServer server(ok_json);
    server.stall();
    http::ClientOptions options;
    options.timeout = 0ms;  // no total limit
    options.low_speed_limit = 1;
    options.low_speed_time = 1s;
    http::Client client(options);
    auto result = client.get(server.url());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::Timeout);
}

TEST_CASE("a per-request timeout overrides the client's") {
    TestHttpServer server(ok_json);
    server.set_delay(300ms);
    http::ClientOptions options;
    options.timeout = 50ms;
    http::Client client(options);

    auto hurried = client.get(server.url());
    REQUIRE_FALSE(hurried.ok());
    CHECK(hurried.error().kind == Kind::Timeout);

    http::Request patient;
    patient.url = server.url();
    patient.timeout = 20s;
    auto result = client.send(patient);
    REQUIRE(result.ok());
    CHECK(result->status == 200);
}

TEST_CASE("a body over max_response_bytes is TooLarge") {
    const std::string big(64 * 1024, 'x');
    bool chunked = false;
    TestHttpServer server([&](const TestHttpServer::Request& request) {
        auto response = TestHttpServer::make_response(request, 200, big, "text/plain");
        response.chunked(chunked);
        return response;
    });
    http::ClientOptions options;
    options.max_response_bytes = 1024;
    options.timeout = 20s;

    SUBCASE("length announced up front") {
        chunked = false;
    }
    SUBCASE("chunked, no length") {
        chunked = true;
    }
    SUBCASE("checked while streaming: the server stalls after sending too much") {
        // Were the size checked only at the end, this would be a Timeout.
        chunked = true;
        server.stall_after_bytes(32 * 1024);
        options.timeout = 60s;
    }

    http::Client client(options);
    auto result = client.get(server.url("/big"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::TooLarge);
    CHECK_FALSE(result.error().retryable());
    CHECK(result.error().message.find(server.url("/big")) != std::string::npos);
}

TEST_CASE("a body of exactly max_response_bytes is accepted") {
    TestHttpServer server([](const TestHttpServer::Request& request) {
        auto response = TestHttpServer::make_response(request, 200, std::string(1024, 'y'));
        response.chunked(true);
        return response;
    });
    http::ClientOptions options;
    options.max_response_bytes = 1024;
    http::Client client(options);
    auto result = client.get(server.url());
    REQUIRE(result.ok());
    CHECK(result->body.size() == 1024);
}

TEST_CASE("a body that is not JSON is a BadResponse from json()") {
    std::string body;
    TestHttpServer server([&body](const TestHttpServer::Request& request) {
        return TestHttpServer::make_response(request, 200, body);
    });
    SUBCASE("truncated object") {
        body = R"({"entries": [1, 2)";
    }
    SUBCASE("html error page") {
        body = "<html>gateway</html>";
    }
    SUBCASE("empty") {
        body = "";
    }

    http::Client client;
    auto result = client.get(server.url("/data"));
    REQUIRE(result.ok());
    auto json = result->json();
    REQUIRE_FALSE(json.ok());
    CHECK(json.error().kind == Kind::BadResponse);
    CHECK_FALSE(json.error().retryable());
    CHECK(json.error().message.find(server.url("/data")) != std::string::npos);
}

TEST_CASE("requests that cannot be valid are InvalidRequest and never sent") {
    TestHttpServer server(ok_json);
    const std::string port = std::to_string(server.port());
    http::Request request;

    SUBCASE("ftp scheme") {
        request.url = "ftp://127.0.0.1:" + port + "/file";
    }
    SUBCASE("file scheme") {
        request.url = "file:///etc/passwd";
    }
    SUBCASE("no scheme") {
        request.url = "127.0.0.1:" + port + "/x";
    }
    SUBCASE("not a URL") {
        request.url = "not a url";
    }
    SUBCASE("empty") {
        request.url = "";
    }
    SUBCASE("no host") {
        request.url = "http://:80/x";
    }
    SUBCASE("NUL inside") {
        request.url = server.url() + std::string(1, '\0') + "x";
    }
    SUBCASE("header injection") {
        request.url = server.url();
        request.headers.add("X-Note", "a\r\nX-Evil: 1");
    }
    SUBCASE("bad header name") {
        request.url = server.url();
        request.headers.add("Bad Name", "v");
    }
    SUBCASE("GET with a body") {
        request.url = server.url();
        request.body = "x";
    }

    http::Client client;
    auto result = client.send(request);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::InvalidRequest);
    CHECK_FALSE(result.error().retryable());
    CHECK_FALSE(result.error().message.empty());
    CHECK(server.connections_accepted() == 0);
}

TEST_CASE("one Client reuses one kept-alive connection") {
    TestHttpServer server(ok_json);
    http::Client client;

    REQUIRE(client.get(server.url("/a")).ok());
    REQUIRE(client.post_json(server.url("/b"), {{"k", 1}}).ok());
    http::Client moved = std::move(client);  // the connection moves with the handle
    REQUIRE(moved.get(server.url("/c")).ok());

    CHECK(server.requests().size() == 3);
    CHECK(server.connections_accepted() == 1);

    http::Client other;
    REQUIRE(other.get(server.url("/d")).ok());
    CHECK(server.connections_accepted() == 2);
}

TEST_CASE("a Client recovers after a failed request") {
    TestHttpServer server(ok_json);
    http::ClientOptions options;
    options.timeout = 200ms;
    http::Client client(options);

    server.stall();
    REQUIRE_FALSE(client.get(server.url()).ok());
    server.respond_normally();
    auto result = client.get(server.url());
    REQUIRE(result.ok());
    CHECK(result->status == 200);
}

TEST_CASE("https to a plain HTTP server fails, not succeeds") {
    TestHttpServer server(ok_json);
    http::Client client;
    const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
    auto result = client.get(url);
    REQUIRE_FALSE(result.ok());
    CHECK((result.error().kind == Kind::Tls || result.error().kind == Kind::Network));
    CHECK(server.requests().empty());
}

TEST_CASE("https to a closed port is a Network error") {
    http::Client client;
    auto result =
        client.get("https://127.0.0.1:" + std::to_string(TestHttpServer::closed_port()) + "/");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::Network);
}

TEST_CASE("the bearer token is sent but never appears in messages") {
    const std::string token = "tok-9f8e7d6c5b4a";
    TestHttpServer server([](const TestHttpServer::Request& request) {
        // A careless server that echoes the credentials back in its error body.
        return TestHttpServer::make_response(
            request, 401, "denied for " + std::string(request["Authorization"]), "text/plain");
    });
    http::ClientOptions options;
    options.bearer_token = token;
    http::Client client(options);

    http::Request request;
    request.url = server.url("/v1/devices/me");
    request.expect_success = true;
    auto result = client.send(request);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::HttpStatus);
    CHECK(result.error().status == 401);
    CHECK(server.requests().at(0)["Authorization"] == "Bearer " + token);
    CHECK(result.error().message.find(token) == std::string::npos);
    CHECK(http::to_string(result.error()).find(token) == std::string::npos);

    SUBCASE("a request's own Authorization wins") {
        http::Request own;
        own.url = server.url("/x");
        own.headers.set("authorization", "Bearer other");
        REQUIRE(client.send(own).ok());
        const auto requests = server.requests();
        CHECK(requests.back()["Authorization"] == "Bearer other");
        CHECK(requests.back().count("Authorization") == 1);
    }
    SUBCASE("network failures do not leak it either") {
        auto refused =
            client.get("http://127.0.0.1:" + std::to_string(TestHttpServer::closed_port()) + "/");
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().message.find(token) == std::string::npos);
    }
}

TEST_CASE("URL credentials and query strings stay out of messages") {
    http::Client client;
    const std::string port = std::to_string(TestHttpServer::closed_port());
    auto result =
        client.get("http://alice:hunter2@127.0.0.1:" + port + "/rpc?api-key=SECRETKEY#frag");
    REQUIRE_FALSE(result.ok());
    const std::string& message = result.error().message;
    CHECK(message.find("127.0.0.1:" + port + "/rpc") != std::string::npos);
    CHECK(message.find("SECRETKEY") == std::string::npos);
    CHECK(message.find("hunter2") == std::string::npos);
    CHECK(message.find("alice") == std::string::npos);

    auto bad = client.get("ftp://bob:pw123@host/x?token=QQQ");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("pw123") == std::string::npos);
    CHECK(bad.error().message.find("QQQ") == std::string::npos);
}

TEST_CASE("the query string still reaches the server") {
    TestHttpServer server(ok_json);
    http::Client client;
    auto result = client.get(server.url("/rpc?api-key=abc&x=1"));
    REQUIRE(result.ok());
    CHECK(server.requests().at(0).target() == "/rpc?api-key=abc&x=1");
    CHECK(result->url == server.url("/rpc") + "?[redacted]");
}

TEST_CASE("defaults are safe: TLS verified, time and size bounded") {
    const http::ClientOptions defaults;
    CHECK_FALSE(defaults.insecure_skip_verify);
    CHECK_FALSE(defaults.ca_bundle_path.has_value());
    CHECK(defaults.connect_timeout == 5s);
    CHECK(defaults.timeout == 15s);
    CHECK(defaults.max_response_bytes == 8u * 1024u * 1024u);
    CHECK(defaults.low_speed_time > 0s);
    CHECK_FALSE(defaults.bearer_token.has_value());
}
