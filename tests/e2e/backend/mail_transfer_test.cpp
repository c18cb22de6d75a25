// The email transfer flow against a real SMTP listener (aiosmtpd) started by the test: the
// mail's link opens the claim page on the real server, and the claim it describes works.
#include <doctest/doctest.h>

#include <regex>

#include "LoopbackServer.h"

using namespace gate::test;

TEST_CASE("an email transfer is mailed through SMTP and claimed by the recipient") {
    TempDir mail_dir;
    const auto smtp_port = free_port();
    ChildProcess smtpd({"/usr/bin/python3", "-u", "-m", "aiosmtpd", "-n", "-l",
                        "127.0.0.1:" + std::to_string(smtp_port)},
                       {}, mail_dir / "smtpd.log");
    REQUIRE_MESSAGE(wait_for_port(smtp_port, std::chrono::seconds{10}), smtpd.output());

    // The server's public address is its loopback one, so the mailed link can be followed.
    const auto api_port = free_port();
    LoopbackServer api(
        [&](gate::backend::Settings& s) {
            s.smtp_url = "smtp://127.0.0.1:" + std::to_string(smtp_port);
            s.mail_from = "tickets@gate.test";
            s.port = api_port;
            s.public_base_url = "http://127.0.0.1:" + std::to_string(api_port);
        },
        true);
    auto& b = api.backend;
    CHECK(api.get("/api/v1/health").json().value()["checks"]["mail"] == "ok");
    const auto event_id =
        api.post("/api/v1/events", b.event_body("Mail Night"), api.sign_in(b.organizer))
            .json()
            .value()["id"]
            .get<std::int64_t>();
    const auto alice = api.sign_in(b.alice);
    const auto ticket_id =
        api.post("/api/v1/tickets/mint",
                 json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "test"}}, alice)
            .json()
            .value()["ticket"]["ticket_id"]
            .get<std::string>();
    const auto old_code = api.get("/api/v1/tickets/" + ticket_id + "/code", alice)
                              .json()
                              .value()["code"]
                              .get<std::string>();

    auto sent = api.post("/api/v1/tickets/" + ticket_id + "/transfer",
                         json{{"to_email", "bob@example.com"}}, alice);
    REQUIRE_MESSAGE(sent.status == 202, sent.body);
    const auto reference = sent.json().value()["reference"].get<std::string>();

    REQUIRE_MESSAGE(smtpd.wait_for_output("Claim code: ", std::chrono::seconds{10}),
                    smtpd.output());
    const std::string mail = smtpd.output();
    CHECK(mail.find("bob@example.com") != std::string::npos);
    CHECK(mail.find("Mail Night") != std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(mail, m, std::regex("Claim code: ([A-Za-z0-9_-]+)")));
    const std::string claim_code = m[1];
    CHECK(sent.body.find(claim_code) == std::string::npos);

    // Follow the link exactly as the mail has it; like a browser, keep the fragment local.
    REQUIRE(std::regex_search(mail, m, std::regex("Claim it with your wallet: (\\S+)")));
    const std::string link = m[1];
    CHECK(link == api.url("/claim/" + reference + "#code=" + claim_code));
    CHECK(mail.find("Or in the ticket app: " + api.url("/holder/#claim=" + reference + "&code=" +
                                                       claim_code)) != std::string::npos);
    const auto follow = [&] {
        gate::http::Request open;
        open.method = gate::http::Method::Get;
        open.url = link.substr(0, link.find('#'));
        auto page = api.client.send(open);
        REQUIRE_MESSAGE(page.ok(), gate::http::to_string(page.error()));
        return std::move(page).value();
    };
    const auto page = follow();
    CHECK(page.status == 200);
    CHECK(page.headers.get("Content-Type") ==
          std::optional<std::string>("text/html; charset=utf-8"));
    CHECK(page.body.find("Mail Night") != std::string::npos);
    CHECK(page.body.find("action=\"/api/v1/tickets/claim\"") != std::string::npos);
    CHECK(page.body.find("data-reference=\"" + reference + "\"") != std::string::npos);

    const auto bob = api.sign_in(b.bob);
    auto wrong = api.post(
        "/api/v1/tickets/claim",
        json{{"reference", reference}, {"email", "eve@example.com"}, {"code", claim_code}}, bob);
    CHECK(wrong.status == 403);
    // What the page's form posts: the reference, the address the mail went to, the code.
    auto claimed = api.post(
        "/api/v1/tickets/claim",
        json{{"reference", reference}, {"email", "bob@example.com"}, {"code", claim_code}}, bob);
    REQUIRE(claimed.status == 200);
    CHECK(claimed.json().value()["ticket"]["owner"] == b.bob.address());
    CHECK(follow().status == 409);  // the link now says the ticket was claimed

    b.clock->advance(kDay);
    api.post("/api/v1/events/" + std::to_string(event_id) + "/validators",
             json{{"wallet", b.validator.address()}}, api.sign_in(b.organizer));
    const auto staff = api.sign_in(b.validator);
    CHECK(api.post("/api/v1/validate", json{{"code", old_code}, {"gate", "main"}}, staff)
              .json()
              .value()["reason"] == "ticket.superseded");
    const auto new_code = api.get("/api/v1/tickets/" + ticket_id + "/code", bob)
                              .json()
                              .value()["code"]
                              .get<std::string>();
    CHECK(api.post("/api/v1/validate", json{{"code", new_code}, {"gate", "main"}}, staff)
              .json()
              .value()["reason"] == "ok");
}
