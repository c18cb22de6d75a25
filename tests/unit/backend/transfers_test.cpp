// Transfers: direct to a wallet, and by email with a mailed, hashed, expiring claim code.
#include <doctest/doctest.h>

#include <regex>

#include "BackendFixture.h"
#include "gate/db/Database.h"
#include "gate/solana/ProgramAddress.h"

using namespace gate::test;
using gate::backend::Method;

namespace {
struct Sold {
    std::int64_t event_id;
    std::string ticket_id;
    std::string alice, bob, staff;
    std::string old_code;
};

Sold sell(Backend& b) {
    Sold s;
    s.event_id = b.create_event(b.sign_in(b.organizer), b.event_body());
    s.alice = b.sign_in(b.alice);
    s.bob = b.sign_in(b.bob);
    s.staff = b.staff_of(s.event_id);
    s.ticket_id = b.buy(s.alice, s.event_id)["ticket_id"];
    s.old_code = b.code_of(s.alice, s.ticket_id);
    return s;
}

std::string validate(Backend& b, const Sold& s, const std::string& code) {
    return b.call(Method::Post, "/api/v1/validate", json{{"code", code}, {"gate", "main"}}, s.staff)
        .json()["reason"]
        .get<std::string>();
}

std::string field(const std::string& text, const std::string& name) {
    std::smatch m;
    const std::regex re(name + ": ([A-Za-z0-9_-]+)");
    REQUIRE(std::regex_search(text, m, re));
    return m[1];
}
}  // namespace

TEST_CASE("a direct transfer moves the ticket and retires the seller's code") {
    Backend b;
    auto s = sell(b);
    auto moved = b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                        json{{"to_wallet", b.bob.address()}}, s.alice);
    REQUIRE(moved.status == 200);
    CHECK(moved.json()["ticket"]["owner"] == b.bob.address());
    CHECK(moved.json()["ticket"]["generation"] == 1);
    CHECK(b.call(Method::Get, "/api/v1/tickets/my", std::string{}, s.alice)
              .json()["tickets"]
              .empty());
    b.clock->advance(kDay);
    CHECK(validate(b, s, s.old_code) == "ticket.superseded");
    CHECK(validate(b, s, b.code_of(s.bob, s.ticket_id)) == "ok");
    // Alice no longer owns it.
    auto again = b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                        json{{"to_wallet", b.validator.address()}}, s.alice);
    CHECK(again.status == 403);
}

TEST_CASE("transfer requests are validated field by field") {
    Backend b;
    auto s = sell(b);
    auto path = "/api/v1/tickets/" + s.ticket_id + "/transfer";
    CHECK(b.call(Method::Post, path, json{{"to_wallet", "not-a-key"}}, s.alice).status == 400);
    CHECK(b.call(Method::Post, path, json::object(), s.alice).status == 400);
    CHECK(b.call(Method::Post, path, json{{"to_wallet", b.bob.address()}, {"to_email", "a@b.c"}},
                 s.alice)
              .status == 400);
    CHECK(b.call(Method::Post, path, json{{"to_email", "bob@example.com\r\nBcc: x@evil.com"}},
                 s.alice)
              .status == 400);
    CHECK(b.call(Method::Post, path, json{{"to_wallet", b.alice.address()}}, s.alice).status ==
          400);
    CHECK(b.call(Method::Post, "/api/v1/tickets/999/transfer", json{{"to_wallet", b.bob.address()}},
                 s.alice)
              .status == 404);
    CHECK(b.mailer->sent().empty());
}

TEST_CASE("an email transfer mails a secret code that only that email can claim") {
    Backend b;
    auto s = sell(b);
    auto sent = b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                       json{{"to_email", "Bob@Example.com"}}, s.alice);
    REQUIRE(sent.status == 202);
    CHECK(sent.json()["status"] == "pending");
    CHECK_FALSE(sent.json().contains("transfer_id"));  // the row id stays inside
    const auto reference = sent.json()["reference"].get<std::string>();
    CHECK(reference.size() == 22);  // 16 random bytes
    REQUIRE(b.mailer->sent().size() == 1);
    const auto mail = b.mailer->sent()[0];
    CHECK(mail.to == "Bob@Example.com");
    const auto code = field(mail.text, "Claim code");
    CHECK(code.size() == 43);  // 32 random bytes
    CHECK(field(mail.text, "Transfer") == reference);
    CHECK(mail.text.find("https://tickets.example/claim/" + reference + "#code=" + code) !=
          std::string::npos);
    // The sender never sees the code, and the database holds only its hash.
    CHECK(sent.body.find(code) == std::string::npos);
    {
        auto opened = b.open_db();
        auto* db = &opened;
        auto stored = db->query_one<std::string>(
            "SELECT claim_hash FROM transfers WHERE reference = ?", reference);
        REQUIRE(stored.ok());
        CHECK(*stored != code);
        CHECK(stored->size() == 64);
    }
    // While pending, a second transfer is refused.
    CHECK(b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                 json{{"to_wallet", b.bob.address()}}, s.alice)
              .json()["error"]["code"] == "transfer_pending");

    auto claim = [&](const std::string& email, const std::string& c) {
        return b.call(Method::Post, "/api/v1/tickets/claim",
                      json{{"reference", reference}, {"email", email}, {"code", c}}, s.bob);
    };
    CHECK(claim("eve@example.com", code).status == 403);
    CHECK(claim("bob@example.com", code.substr(1) + "A").status == 403);
    auto claimed = claim("bob@example.com", code);
    REQUIRE(claimed.status == 200);
    CHECK(claimed.json()["ticket"]["owner"] == b.bob.address());
    CHECK(claimed.json()["ticket"]["generation"] == 1);
    CHECK(claim("bob@example.com", code).json()["error"]["code"] == "claim_used");
    b.clock->advance(kDay);
    CHECK(validate(b, s, s.old_code) == "ticket.superseded");
}

TEST_CASE("a claim code expires") {
    Backend b;
    auto s = sell(b);
    auto sent = b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                       json{{"to_email", "bob@example.com"}}, s.alice);
    REQUIRE(sent.status == 202);
    const auto reference = sent.json()["reference"].get<std::string>();
    const auto code = field(b.mailer->sent().back().text, "Claim code");
    b.clock->advance(b.settings.claim_ttl.count() + 1);
    auto expired =
        b.call(Method::Post, "/api/v1/tickets/claim",
               json{{"reference", reference}, {"email", "bob@example.com"}, {"code", code}},
               b.sign_in(b.bob));
    CHECK(expired.status == 410);
    CHECK(expired.json()["error"]["code"] == "claim_expired");
    // The ticket stayed with its sender, free to be sent again.
    s.alice = b.sign_in(b.alice);
    CHECK(b.call(Method::Get, "/api/v1/tickets/my", std::string{}, s.alice)
              .json()["tickets"][0]["transfer_pending"] == false);
    CHECK(b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                 json{{"to_email", "bob@example.com"}}, s.alice)
              .status == 202);
}

TEST_CASE("when the mail cannot be sent, no transfer is left behind") {
    Backend b;
    auto s = sell(b);
    b.mailer->failing = true;
    auto r = b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                    json{{"to_email", "bob@example.com"}}, s.alice);
    CHECK(r.status == 502);
    CHECK(r.json()["error"]["code"] == "mail_failed");
    b.mailer->failing = false;
    auto retry = b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                        json{{"to_email", "bob@example.com"}}, s.alice);
    CHECK(retry.status == 202);
}

TEST_CASE("a ticket used on a single-entry list cannot change hands") {
    Backend b;
    auto s = sell(b);
    const auto ticket_path = "/api/v1/tickets/" + s.ticket_id;
    auto mine = [&] {
        return b.call(Method::Get, "/api/v1/tickets/my", std::string{}, s.alice)
            .json()["tickets"][0];
    };
    CHECK(mine()["used"] == false);
    CHECK(mine()["inside"] == false);
    b.clock->advance(kDay);
    REQUIRE(validate(b, s, s.old_code) == "ok");
    CHECK(mine()["used"] == true);
    CHECK(mine()["inside"] == true);
    auto sold_on = b.call(Method::Post, ticket_path + "/transfer",
                          json{{"to_wallet", b.bob.address()}}, s.alice);
    CHECK(sold_on.status == 409);
    CHECK(sold_on.json()["error"]["code"] == "ticket_used");
    CHECK(mine()["owner"] == b.alice.address());
    // Leaving does not make it new again.
    auto out = b.call(Method::Post, "/api/v1/validate",
                      json{{"code", s.old_code}, {"gate", "main"}, {"direction", "out"}}, s.staff);
    REQUIRE(out.json()["reason"] == "ok");
    CHECK(mine()["inside"] == false);
    CHECK(b.call(Method::Post, ticket_path + "/transfer", json{{"to_wallet", b.bob.address()}},
                 s.alice)
              .status == 409);
}

TEST_CASE("admission on a multi-entry list leaves a ticket transferable") {
    Backend b;
    auto s = sell(b);
    const auto owner = b.sign_in(b.organizer);
    const auto list =
        b.call(Method::Post, "/api/v1/events/" + std::to_string(s.event_id) + "/checkin-lists",
               json{{"name", "Day pass"}, {"reentry", "multi"}}, owner)
            .json()["id"];
    b.clock->advance(kDay);
    auto in =
        b.call(Method::Post, "/api/v1/validate",
               json{{"code", s.old_code}, {"gate", "main"}, {"checkin_list_id", list}}, s.staff);
    REQUIRE(in.json()["reason"] == "ok");
    CHECK(b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                 json{{"to_wallet", b.bob.address()}}, s.alice)
              .status == 200);
}

TEST_CASE("transfers to an address that cannot hold a ticket are refused") {
    Backend b;
    auto s = sell(b);
    const auto path = "/api/v1/tickets/" + s.ticket_id + "/transfer";
    // A wallet's associated token account is a program-derived address: off the curve.
    const auto wallet = gate::crypto::PublicKey::from_base58(b.bob.address()).value();
    const auto mint = gate::crypto::KeyPair::generate().public_key();
    const auto pda = gate::solana::associated_token_address(wallet, mint);
    for (const std::string& address :
         {std::string("11111111111111111111111111111111"), pda.to_base58()}) {
        CAPTURE(address);
        auto r = b.call(Method::Post, path, json{{"to_wallet", address}}, s.alice);
        CHECK(r.status == 400);
    }
}
