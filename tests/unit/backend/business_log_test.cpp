// The log says what happened in business terms, one structured line per fact (a sale, a
// transfer offered, claimed, cancelled, a status change), and never a secret: no claim
// code, no recipient address, no bearer token.
#include <doctest/doctest.h>

#include <regex>

#include "BackendFixture.h"
#include "gate/log/MemorySink.h"

using namespace gate::test;

namespace {

// The one line whose message is `msg`, parsed.
json line_of(const gate::log::MemorySink& sink, const std::string& msg) {
    std::vector<json> found;
    for (const auto& line : sink.lines()) {
        auto parsed = json::parse(line, nullptr, false);
        if (!parsed.is_discarded() && parsed["msg"] == msg) found.push_back(parsed);
    }
    REQUIRE_MESSAGE(found.size() == 1, msg);
    return found.front();
}

}  // namespace

TEST_CASE("sales, transfers and status changes are logged, one line each, without secrets") {
    auto sink = std::make_shared<gate::log::MemorySink>();
    Backend b({}, false, sink);
    const auto org = b.sign_in(b.organizer);
    const auto event_id = b.create_event(org, b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto first = b.buy(alice, event_id);
    const auto sale = line_of(*sink, "sale");
    CHECK(sale["fields"]["event_id"] == event_id);
    CHECK(sale["fields"]["buyer"] == b.alice.address());
    CHECK(sale["fields"]["quantity"] == 1);
    CHECK(sale["fields"]["amount_cents"] == 5000);

    // A direct transfer, then an email transfer that Bob claims.
    const std::string ticket_id = first["ticket_id"];
    REQUIRE(b.call(Method::Post, "/api/v1/tickets/" + ticket_id + "/transfer",
                   json{{"to_wallet", b.bob.address()}}, alice)
                .status == 200);
    const auto moved = line_of(*sink, "ticket transferred");
    CHECK(moved["fields"]["from"] == b.alice.address());
    CHECK(moved["fields"]["to"] == b.bob.address());

    const std::string second = b.buy(alice, event_id)["ticket_id"];
    auto sent = b.call(Method::Post, "/api/v1/tickets/" + second + "/transfer",
                       json{{"to_email", "carol@example.com"}}, alice);
    REQUIRE(sent.status == 202);
    std::smatch m;
    const std::string mail = b.mailer->sent().back().text;
    REQUIRE(std::regex_search(mail, m, std::regex("Claim code: ([A-Za-z0-9_-]+)")));
    const std::string code = m[1];
    const auto offered = line_of(*sink, "transfer offered by email");
    CHECK(offered["fields"]["from"] == b.alice.address());
    const auto bob = b.sign_in(b.bob);
    REQUIRE(b.call(Method::Post, "/api/v1/tickets/claim",
                   json{{"reference", sent.json()["reference"]},
                        {"email", "carol@example.com"},
                        {"code", code}},
                   bob)
                .status == 200);
    CHECK(line_of(*sink, "transfer claimed")["fields"]["to"] == b.bob.address());

    // The organizer revokes the claimed ticket.
    REQUIRE(b.call(Method::Post, "/api/v1/tickets/" + second + "/status",
                   json{{"status", "revoked"}}, org)
                .status == 200);
    const auto revoked = line_of(*sink, "ticket status changed");
    CHECK(revoked["fields"]["status"] == "revoked");
    CHECK(revoked["fields"]["by"] == b.organizer.address());

    for (const auto& line : sink->lines()) {
        CAPTURE(line);
        CHECK(line.find("carol@example.com") == std::string::npos);
        CHECK(line.find(code) == std::string::npos);
        CHECK(line.find(alice) == std::string::npos);
        CHECK(line.find(org) == std::string::npos);
    }
}
