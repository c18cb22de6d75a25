// Settings from config, health and Prometheus metrics.
#include <doctest/doctest.h>

#include "BackendFixture.h"
#include "gate/config/ConfigError.h"

using namespace gate::test;
using gate::backend::Method;
namespace config = gate::config;

TEST_CASE("settings have embedded defaults and take GATE_* overrides") {
    auto defaults = settings_with({});
    CHECK(defaults.port == 8080);
    CHECK(defaults.max_body_bytes == 1024 * 1024);
    CHECK(defaults.database_url == "ticket-api.db");
    CHECK(defaults.smtp_url.empty());
    auto tuned =
        settings_with({{"GATE_SERVER_PORT", "9000"},
                       {"GATE_SERVER_READ_TIMEOUT", "2s"},
                       {"GATE_AUTH_ORGANIZERS", "a,b"},
                       {"GATE_MAIL_SMTP_URL", "smtp://127.0.0.1:2525"}},
                      R"({"server": {"threads": 6}, "public_base_url": "https://x.example/"})");
    CHECK(tuned.port == 9000);
    CHECK(tuned.read_timeout == std::chrono::seconds{2});
    CHECK(tuned.threads == 6);
    CHECK(tuned.organizers == std::vector<std::string>{"a", "b"});
    CHECK(tuned.public_base_url == "https://x.example");
    CHECK_THROWS_AS(settings_with({{"GATE_MAIL_SMTP_URL", "http://mail"}}), config::ConfigError);
    CHECK_THROWS_AS(settings_with({{"GATE_SERVER_PORT", "70000"}}), config::ConfigError);
}

TEST_CASE("database.url picks the engine; database.path is its older name, not a second one") {
    CHECK(settings_with({{"GATE_DATABASE_URL", "postgresql://db/gate"}}).database_url ==
          "postgresql://db/gate");
    CHECK(settings_with({{"GATE_DATABASE_PATH", "/srv/api.db"}}).database_url == "/srv/api.db");
    CHECK(settings_with({{"GATE_DATABASE_CONNECTIONS", "12"}}).database_connections == 12);
    CHECK_THROWS_WITH_AS(
        settings_with({{"GATE_DATABASE_URL", "a.db"}, {"GATE_DATABASE_PATH", "b.db"}}),
        doctest::Contains("give one"), config::ConfigError);
    CHECK_THROWS_WITH_AS(settings_with({{"GATE_DATABASE_URL", "mysql://db/x"}}),
                         doctest::Contains("unknown scheme"), config::ConfigError);
    // The effective settings show the url without its password.
    auto shown = gate::backend::to_json(
        settings_with({{"GATE_DATABASE_URL", "postgresql://gate:pw@db/gate"}}));
    CHECK(shown["database"]["url"] == "postgresql://gate:***@db/gate");
}

TEST_CASE("health reports the database and what is not configured") {
    Backend b([](gate::backend::Settings&) {}, true);
    auto r = b.call(Method::Get, "/api/v1/health");
    CHECK(r.status == 200);
    CHECK(r.json()["status"] == "ok");
    CHECK(r.json()["checks"]["database"] == "ok");
    CHECK(r.json()["checks"]["mail"] == "not_configured");
    CHECK(r.json()["checks"]["chain"] == "not_configured");
}

TEST_CASE("an unreachable mail server degrades health without failing it") {
    Backend b([](gate::backend::Settings& s) { s.smtp_url = "smtp://127.0.0.1:1"; }, true);
    auto r = b.call(Method::Get, "/api/v1/health");
    CHECK(r.status == 200);
    CHECK(r.json()["status"] == "degraded");
    CHECK(r.json()["checks"]["mail"].get<std::string>().rfind("error", 0) == 0);
}

TEST_CASE("metrics count requests per route and status in Prometheus format") {
    Backend b;
    b.call(Method::Get, "/api/v1/events");
    b.call(Method::Get, "/api/v1/events/12");
    b.call(Method::Get, "/nowhere");
    auto m = b.call(Method::Get, "/metrics");
    CHECK(m.status == 200);
    CHECK(m.content_type.rfind("text/plain", 0) == 0);
    CHECK(
        m.body.find(
            "gate_http_requests_total{method=\"GET\",route=\"/api/v1/events\",status=\"200\"} 1") !=
        std::string::npos);
    CHECK(m.body.find("route=\"/api/v1/events/{id}\",status=\"404\"} 1") != std::string::npos);
    CHECK(m.body.find("route=\"unmatched\",status=\"404\"} 1") != std::string::npos);
    CHECK(m.body.find("# TYPE gate_http_request_duration_seconds histogram") != std::string::npos);
}

TEST_CASE("metrics show the store's commits and the writes they carried") {
    Backend b;
    auto total = [&](const std::string& name) {
        const auto body = b.call(Method::Get, "/metrics").body;
        CHECK(body.find("# TYPE " + name + " counter") != std::string::npos);
        std::string line = "\n";
        line.append(name).append(" ");
        const auto at = body.find(line);
        REQUIRE(at != std::string::npos);
        return std::stoll(body.substr(at + line.size()));
    };
    const auto writes_before = total("gate_store_committed_writes_total");
    const auto commits_before = total("gate_store_commits_total");
    b.sign_in(b.alice);  // a nonce stored, taken, and a session opened: three writes at least
    const auto writes = total("gate_store_committed_writes_total") - writes_before;
    const auto commits = total("gate_store_commits_total") - commits_before;
    CHECK(writes >= 3);
    CHECK(commits >= 1);
    CHECK(commits <= writes);
}
