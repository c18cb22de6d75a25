// Secret-looking fields are written as "***" in every format.
#include "gate/log/Redaction.h"

#include <doctest/doctest.h>

#include <string>

#include "LogTestSupport.h"

using namespace gate::log;
using gate::log::test::CapturedLogger;

TEST_CASE("secret key names are recognised by substring, ignoring case and separators") {
    for (std::string_view key :
         {"token", "device_token", "Authorization", "X-Authorization", "secret", "client_secret",
          "password", "DB_PASSWORD", "passwd", "private_key", "privateKey", "PRIVATE-KEY",
          "claim_code", "claimCode", "api_key", "session_cookie", "credentials", "passphrase"}) {
        CAPTURE(key);
        CHECK(is_secret_key(key));
    }
    for (std::string_view key : {"ticket_id", "gate", "event", "wallet", "public_key", "code",
                                 "claim", "pass", "tok", ""}) {
        CAPTURE(key);
        CHECK_FALSE(is_secret_key(key));
    }
}

TEST_CASE("secret fields are written as *** in JSON, whatever their type") {
    CapturedLogger captured;
    captured.logger.info("device registered", {{"device_token", "dt_live_abc123"},
                                               {"Authorization", "Bearer xyz"},
                                               {"claim_code", 123456},
                                               {"device_id", "dev-7"}});
    auto line = captured.sink->lines().at(0);
    CHECK(line.find("dt_live_abc123") == std::string::npos);
    CHECK(line.find("xyz") == std::string::npos);
    CHECK(line.find("123456") == std::string::npos);
    auto fields = nlohmann::json::parse(line)["fields"];
    CHECK(fields["device_token"] == "***");
    CHECK(fields["Authorization"] == "***");
    CHECK(fields["claim_code"] == "***");
    CHECK(fields["device_id"] == "dev-7");
}

TEST_CASE("secret fields are written as *** in text") {
    CapturedLogger captured(Level::Trace, Format::Text);
    captured.logger.info("login", {{"password", "hunter2"}, {"user", "ops"}});
    auto line = captured.sink->lines().at(0);
    CHECK(line.find("hunter2") == std::string::npos);
    CHECK(line.ends_with(" password=*** user=ops"));
}
