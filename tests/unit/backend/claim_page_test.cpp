// GET /claim/{reference}: the page the claim mail links to. A pending transfer shows a form
// that posts to the claim API; one that is over says why; anything else is a 404 page.
#include <doctest/doctest.h>

#include <regex>

#include "BackendFixture.h"

using namespace gate::test;
using gate::backend::Method;

namespace {

struct Sent {
    std::string alice, reference, code;
};

Sent send(Backend& b, const std::string& event_name) {
    Sent s;
    const auto event_id = b.create_event(b.sign_in(b.organizer), b.event_body(event_name));
    s.alice = b.sign_in(b.alice);
    const auto ticket = b.buy(s.alice, event_id)["ticket_id"].get<std::string>();
    auto sent = b.call(Method::Post, "/api/v1/tickets/" + ticket + "/transfer",
                       json{{"to_email", "bob@example.com"}}, s.alice);
    REQUIRE(sent.status == 202);
    s.reference = sent.json()["reference"].get<std::string>();
    std::smatch m;
    const std::string text = b.mailer->sent().back().text;
    REQUIRE(std::regex_search(text, m, std::regex("Claim code: ([A-Za-z0-9_-]+)")));
    s.code = m[1];
    return s;
}

gate::backend::Response page(Backend& b, const std::string& reference) {
    return b.call(Method::Get, "/claim/" + reference);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the claim page of a pending transfer is a form that posts to the claim API") {
    Backend b;
    auto s = send(b, "Rock & <Roll>");
    // The link in the mail, without its fragment (browsers never send it), is this route.
    const std::string mail = b.mailer->sent().back().text;
    const std::string link = "https://tickets.example/claim/" + s.reference + "#code=" + s.code;
    REQUIRE(contains(mail, link));
    auto r = page(b, s.reference);
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "text/html; charset=utf-8");
    CHECK(contains(r.body, "<form id=\"claim\" method=\"post\" action=\"/api/v1/tickets/claim\""));
    CHECK(contains(r.body, "data-reference=\"" + s.reference + "\""));
    CHECK(contains(r.body, "location.hash"));  // the code is read from the fragment
    // The organizer's text is escaped, and the page never holds the code.
    CHECK(contains(r.body, "Rock &amp; &lt;Roll&gt;"));
    CHECK_FALSE(contains(r.body, "<Roll>"));
    CHECK_FALSE(contains(r.body, s.code));
    const auto csp = r.headers.get("Content-Security-Policy");
    REQUIRE(csp.has_value());
    CHECK(contains(*csp, "default-src 'none'"));
    CHECK(contains(*csp, "script-src 'sha256-"));
    CHECK(r.headers.get("Cache-Control") == std::optional<std::string>("no-store"));
    CHECK(r.headers.get("Referrer-Policy") == std::optional<std::string>("no-referrer"));
    // HEAD works too (link checkers, mail scanners) and changes nothing.
    CHECK(b.call(Method::Head, "/claim/" + s.reference).status == 200);

    // What the form sends is a claim that works.
    auto claimed =
        b.call(Method::Post, "/api/v1/tickets/claim",
               json{{"reference", s.reference}, {"email", "bob@example.com"}, {"code", s.code}},
               b.sign_in(b.bob));
    REQUIRE(claimed.status == 200);
    auto used = page(b, s.reference);
    CHECK(used.status == 409);
    CHECK(used.content_type == "text/html; charset=utf-8");
    CHECK(contains(used.body, "already claimed"));
    CHECK_FALSE(contains(used.body, "<form"));
}

TEST_CASE("the claim page says when a transfer was cancelled or expired, and 404s the rest") {
    Backend b;
    auto s = send(b, "Gone Night");
    REQUIRE(
        b.call(Method::Post, "/api/v1/transfers/" + s.reference + "/cancel", std::string{}, s.alice)
            .status == 200);
    auto cancelled = page(b, s.reference);
    CHECK(cancelled.status == 410);
    CHECK(contains(cancelled.body, "cancelled"));
    CHECK_FALSE(contains(cancelled.body, "<form"));

    const auto ticket = b.call(Method::Get, "/api/v1/tickets/my", std::string{}, s.alice)
                            .json()["tickets"][0]["ticket_id"]
                            .get<std::string>();
    auto again = b.call(Method::Post, "/api/v1/tickets/" + ticket + "/transfer",
                        json{{"to_email", "bob@example.com"}}, s.alice);
    REQUIRE(again.status == 202);
    const auto second = again.json()["reference"].get<std::string>();
    CHECK(page(b, second).status == 200);
    b.clock->advance(b.settings.claim_ttl.count() + 1);
    auto expired = page(b, second);
    CHECK(expired.status == 410);
    CHECK(contains(expired.body, "expired"));

    for (const std::string& bad : {std::string("AAAAAAAAAAAAAAAAAAAAAA"), std::string("1"),
                                   std::string("%3Cscript%3E"), std::string(300, 'A')}) {
        CAPTURE(bad.substr(0, 30));
        auto r = page(b, bad);
        CHECK(r.status == 404);
        CHECK(r.content_type == "text/html; charset=utf-8");
        CHECK_FALSE(contains(r.body, "<script>"));
    }
}
