// What an operator sets up at the edge of the API: trusted proxies (per-client limits behind
// a load balancer), CORS for the web origins that may call it, who may read /metrics, and
// where rate-limit buckets live. Settings are checked as they are read.
#include <doctest/doctest.h>

#include "BackendFixture.h"
#include "gate/config/ConfigError.h"

using namespace gate::test;
using gate::backend::Method;
namespace config = gate::config;

namespace {

gate::backend::AddressRange range(const char* text) {
    return gate::backend::AddressRange::parse(text).value();
}

gate::backend::Response nonce_via(Backend& b, const std::string& peer,
                                  const std::string& forwarded) {
    gate::http::Headers headers{{"Content-Type", "application/json"}};
    if (!forwarded.empty()) headers.add("X-Forwarded-For", forwarded);
    b.remote = peer;
    return b.call_with(Method::Post, "/api/v1/auth/nonce",
                       json{{"wallet", b.alice.address()}}.dump(), std::move(headers));
}

}  // namespace

TEST_CASE("edge settings are read, checked and shown") {
    auto s = settings_with({{"GATE_SERVER_TRUSTED_PROXIES", "10.0.0.0/8,2001:db8::/32"},
                            {"GATE_SERVER_CORS_ORIGINS", "https://tickets.example/,*"},
                            {"GATE_METRICS_ALLOW", "127.0.0.1"},
                            {"GATE_METRICS_TOKEN", "s3cret-scrape"},
                            {"GATE_LIMITS_STORE", "database"}});
    REQUIRE(s.trusted_proxies.size() == 2);
    CHECK(s.trusted_proxies[0].contains("10.1.1.1"));
    CHECK(s.cors_origins == std::vector<std::string>{"https://tickets.example", "*"});
    CHECK(s.metrics_token == "s3cret-scrape");
    CHECK(s.rate_limit_store == gate::backend::RateLimitStore::Database);
    auto shown = gate::backend::to_json(s);
    CHECK(shown["server"]["trusted_proxies"] == json::array({"10.0.0.0/8", "2001:db8::/32"}));
    CHECK(shown["metrics"]["allow"] == json::array({"127.0.0.1/32"}));
    CHECK(shown["limits"]["store"] == "database");
    CHECK(shown.dump().find("s3cret") == std::string::npos);  // the token is a secret
    CHECK(settings_with({}).rate_limit_store == gate::backend::RateLimitStore::Auto);

    CHECK_THROWS_WITH_AS(settings_with({{"GATE_SERVER_TRUSTED_PROXIES", "10.0.0.0/40"}}),
                         doctest::Contains("server.trusted_proxies"), config::ConfigError);
    CHECK_THROWS_WITH_AS(settings_with({{"GATE_METRICS_ALLOW", "localhost"}}),
                         doctest::Contains("not an IP address"), config::ConfigError);
    for (const char* bad :
         {"tickets.example", "https://tickets.example/app", "ftp://x.example", "https://"}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH_AS(settings_with({{"GATE_SERVER_CORS_ORIGINS", bad}}),
                             doctest::Contains("server.cors_origins"), config::ConfigError);
    }
    CHECK_THROWS_WITH_AS(settings_with({{"GATE_LIMITS_STORE", "redis"}}),
                         doctest::Contains("auto, memory or database"), config::ConfigError);
}

TEST_CASE("behind a trusted proxy, limits count per real client, not per proxy") {
    Backend b([](gate::backend::Settings& s) {
        s.sign_in_limit = {2, 2};
        s.trusted_proxies = {range("10.0.0.0/8")};
    });
    // Two clients behind one balancer each get their own two sign-ins.
    for (const char* client : {"203.0.113.1", "203.0.113.2"}) {
        CAPTURE(client);
        CHECK(nonce_via(b, "10.0.0.2", client).status == 201);
        CHECK(nonce_via(b, "10.0.0.2", std::string("9.9.9.9, ") + client).status == 201);
        CHECK(nonce_via(b, "10.0.0.2", client).status == 429);
    }
    // A client that talks to the API directly cannot claim to be someone else.
    CHECK(nonce_via(b, "198.51.100.7", "203.0.113.50").status == 201);
    CHECK(nonce_via(b, "198.51.100.7", "203.0.113.51").status == 201);
    CHECK(nonce_via(b, "198.51.100.7", "203.0.113.52").status == 429);
}

TEST_CASE("without trusted proxies, X-Forwarded-For is ignored") {
    Backend b([](gate::backend::Settings& s) { s.sign_in_limit = {1, 1}; });
    CHECK(nonce_via(b, "10.0.0.2", "203.0.113.1").status == 201);
    CHECK(nonce_via(b, "10.0.0.2", "203.0.113.2").status == 429);
}

TEST_CASE("CORS: allowed origins get a preflight and their answers, others get neither") {
    Backend b([](gate::backend::Settings& s) {
        s.cors_origins = {"https://tickets.example", "https://box-office.example"};
    });
    auto preflight =
        b.call_with(Method::Options, "/api/v1/events", "",
                    {{"Origin", "https://tickets.example"},
                     {"Access-Control-Request-Method", "POST"},
                     {"Access-Control-Request-Headers", "authorization, content-type"}});
    CHECK(preflight.status == 204);
    CHECK(preflight.body.empty());
    CHECK(preflight.headers.get("Access-Control-Allow-Origin") == "https://tickets.example");
    CHECK(preflight.headers.get("Access-Control-Allow-Methods")->find("POST") != std::string::npos);
    CHECK(preflight.headers.get("Access-Control-Allow-Headers")->find("Authorization") !=
          std::string::npos);
    CHECK(preflight.headers.get("Vary") == "Origin");

    auto listed =
        b.call_with(Method::Get, "/api/v1/events", "", {{"Origin", "https://box-office.example"}});
    CHECK(listed.status == 200);
    CHECK(listed.headers.get("Access-Control-Allow-Origin") == "https://box-office.example");
    CHECK(listed.headers.get("Access-Control-Expose-Headers")->find("Retry-After") !=
          std::string::npos);
    // Errors carry the headers too, or the page could not read why it failed.
    auto missing = b.call_with(Method::Get, "/api/v1/events/999999", "",
                               {{"Origin", "https://tickets.example"}});
    CHECK(missing.status == 404);
    CHECK(missing.headers.get("Access-Control-Allow-Origin") == "https://tickets.example");

    auto foreign = b.call_with(
        Method::Options, "/api/v1/events", "",
        {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    CHECK(foreign.status == 403);
    CHECK(foreign.json()["error"]["code"] == "cors_origin_not_allowed");
    CHECK_FALSE(foreign.headers.contains("Access-Control-Allow-Origin"));
    auto read =
        b.call_with(Method::Get, "/api/v1/events", "", {{"Origin", "https://evil.example"}});
    CHECK(read.status == 200);
    CHECK_FALSE(read.headers.contains("Access-Control-Allow-Origin"));
    // An origin is compared whole: a look-alike prefix is another origin.
    auto lookalike = b.call_with(Method::Get, "/api/v1/events", "",
                                 {{"Origin", "https://tickets.example.evil.example"}});
    CHECK_FALSE(lookalike.headers.contains("Access-Control-Allow-Origin"));
    // OPTIONS that is no preflight is a method the route does not have.
    CHECK(b.call_with(Method::Options, "/api/v1/events", "", {}).status == 405);
}

TEST_CASE("CORS is off until origins are configured") {
    Backend b;
    auto preflight = b.call_with(
        Method::Options, "/api/v1/events", "",
        {{"Origin", "https://tickets.example"}, {"Access-Control-Request-Method", "GET"}});
    CHECK(preflight.status == 403);
    auto listed =
        b.call_with(Method::Get, "/api/v1/events", "", {{"Origin", "https://tickets.example"}});
    CHECK_FALSE(listed.headers.contains("Access-Control-Allow-Origin"));
}

TEST_CASE("a wildcard origin lets any page call the API") {
    Backend b([](gate::backend::Settings& s) { s.cors_origins = {"*"}; });
    auto listed =
        b.call_with(Method::Get, "/api/v1/events", "", {{"Origin", "https://any.example"}});
    CHECK(listed.headers.get("Access-Control-Allow-Origin") == "https://any.example");
}

TEST_CASE("/metrics can be kept to an address range or a token") {
    Backend b([](gate::backend::Settings& s) {
        s.metrics_allow = {range("10.9.0.0/16")};
        s.metrics_token = "scrape-token-1";
    });
    b.remote = "10.9.4.4";
    CHECK(b.call(Method::Get, "/metrics").status == 200);
    b.remote = "198.51.100.7";
    auto refused = b.call(Method::Get, "/metrics");
    CHECK(refused.status == 403);
    CHECK(refused.json()["error"]["code"] == "forbidden");
    CHECK(b.call(Method::Get, "/metrics", std::string{}, "scrape-token-2").status == 403);
    CHECK(b.call(Method::Get, "/metrics", std::string{}, "scrape-token-1").status == 200);
    // Health stays open: load balancers probe it from anywhere.
    CHECK(b.call(Method::Get, "/api/v1/health").status == 200);
}

TEST_CASE("/metrics is open when neither an address range nor a token is set") {
    Backend b;
    b.remote = "198.51.100.7";
    CHECK(b.call(Method::Get, "/metrics").status == 200);
}
