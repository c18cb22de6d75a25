// Claiming an email transfer against someone who wants it to fail (issue "Nobody gets in who
// shouldn't", hole 4): the transfer is named by an unguessable reference, wrong guesses are
// counted and rate-limited but never cancel or expire it for its real recipient, and only
// its sender can withdraw it.
#include <doctest/doctest.h>

#include <regex>

#include "BackendFixture.h"
#include "gate/db/Database.h"

using namespace gate::test;
using gate::backend::Method;

namespace {

struct Pending {
    std::string ticket_id;
    std::string alice;  ///< the sender's token
    std::string reference;
    std::string code;  ///< from the mail
};

Pending send_to_bob(Backend& b) {
    Pending p;
    const auto event_id = b.create_event(b.sign_in(b.organizer), b.event_body());
    p.alice = b.sign_in(b.alice);
    p.ticket_id = b.buy(p.alice, event_id)["ticket_id"];
    auto sent = b.call(Method::Post, "/api/v1/tickets/" + p.ticket_id + "/transfer",
                       json{{"to_email", "bob@example.com"}}, p.alice);
    REQUIRE_MESSAGE(sent.status == 202, sent.body);
    p.reference = sent.json()["reference"].get<std::string>();
    std::smatch m;
    const std::string text = b.mailer->sent().back().text;
    REQUIRE(std::regex_search(text, m, std::regex("Claim code: ([A-Za-z0-9_-]+)")));
    p.code = m[1];
    return p;
}

gate::backend::Response claim(Backend& b, const std::string& token, const json& body) {
    return b.call(Method::Post, "/api/v1/tickets/claim", body, token);
}

json claim_body(const std::string& reference, const std::string& code,
                const std::string& email = "bob@example.com") {
    return {{"reference", reference}, {"email", email}, {"code", code}};
}

std::string stored_status(Backend& b, const std::string& reference) {
    auto opened = b.open_db();
    auto* db = &opened;
    auto status =
        db->query_one<std::string>("SELECT status FROM transfers WHERE reference = ?", reference);
    REQUIRE(status.ok());
    return *status;
}

std::string owner_of(Backend& b, const std::string& token) {
    auto mine = b.call(Method::Get, "/api/v1/tickets/my", std::string{}, token).json()["tickets"];
    return mine.empty() ? std::string{} : mine[0]["owner"].get<std::string>();
}

}  // namespace

TEST_CASE("wrong claims never cancel or expire a transfer for its real recipient") {
    Backend b([](gate::backend::Settings& s) {
        s.claim_limit = {1000, 1000};
        s.claim_address_limit = {1000, 1000};
    });
    auto p = send_to_bob(b);
    // Mallory knows the reference and Bob's address, and guesses codes, many times over.
    Wallet mallory;
    const auto attacker = b.sign_in(mallory);
    for (int i = 0; i < 50; ++i) {
        auto wrong = claim(b, attacker, claim_body(p.reference, "guess" + std::to_string(i)));
        REQUIRE(wrong.status == 403);
        CHECK(wrong.json()["error"]["code"] == "claim_invalid");
    }
    CHECK(stored_status(b, p.reference) == "pending");
    {
        auto opened = b.open_db();
        auto* db = &opened;
        CHECK(db->query_one<std::int64_t>("SELECT failed_claims FROM transfers WHERE reference = ?",
                                          p.reference)
                  .value() == 50);
    }
    // Bob still claims it with the code from his mail.
    auto claimed = claim(b, b.sign_in(b.bob), claim_body(p.reference, p.code));
    REQUIRE_MESSAGE(claimed.status == 200, claimed.body);
    CHECK(claimed.json()["ticket"]["owner"] == b.bob.address());
}

TEST_CASE("a transfer is claimed by its unguessable reference, never by a number") {
    Backend b([](gate::backend::Settings& s) { s.claim_limit = {1000, 1000}; });
    auto p = send_to_bob(b);
    const auto bob = b.sign_in(b.bob);
    // The old handle, a small sequential id, is no longer a field of the claim.
    auto by_id =
        claim(b, bob, json{{"transfer_id", 1}, {"email", "bob@example.com"}, {"code", p.code}});
    CHECK(by_id.status == 400);
    bool named = false;
    const auto refused = by_id.json();
    for (const auto& f : refused["error"]["fields"])
        named = named || (f["field"] == "transfer_id" && f["code"] == "unknown");
    CHECK_MESSAGE(named, by_id.body);
    // Malformed references are named as such; none reaches the store.
    for (const std::string& bad :
         {std::string("1"), std::string(21, 'A'), std::string(23, 'A'),
          std::string("AAAAAAAAAAAAAAAAAAAA/A"), std::string("AAAAAAAAAAAAAAAAAAAA A"),
          std::string("'; DROP TABLE transfers"), std::string(100000, 'A')}) {
        CAPTURE(bad.substr(0, 30));
        auto r = claim(b, bob, claim_body(bad, p.code));
        CHECK(r.status == 400);
        CHECK(r.json()["error"]["fields"][0]["field"] == "reference");
    }
    // A well-formed reference that names nothing is refused like a wrong code.
    auto unknown = claim(b, bob, claim_body("AAAAAAAAAAAAAAAAAAAAAA", p.code));
    CHECK(unknown.status == 403);
    CHECK(unknown.json()["error"]["code"] == "claim_invalid");
    // Odd input: missing, wrong types, an oversized code.
    CHECK(claim(b, bob, json{{"reference", p.reference}}).status == 400);
    CHECK(claim(b, bob, json{{"reference", 7}, {"email", "bob@example.com"}, {"code", p.code}})
              .status == 400);
    CHECK(claim(b, bob, claim_body(p.reference, std::string(101, 'A'))).status == 400);
    // Nothing moved, and the transfer still waits for Bob.
    CHECK(owner_of(b, p.alice) == b.alice.address());
    CHECK(stored_status(b, p.reference) == "pending");
    // References of two transfers share nothing a guesser could step through.
    const auto event_id = b.create_event(b.sign_in(b.organizer), b.event_body("Second"));
    const auto second = b.buy(p.alice, event_id)["ticket_id"].get<std::string>();
    auto next = b.call(Method::Post, "/api/v1/tickets/" + second + "/transfer",
                       json{{"to_email", "carol@example.com"}}, p.alice);
    REQUIRE(next.status == 202);
    const auto other = next.json()["reference"].get<std::string>();
    CHECK(other.size() == 22);
    CHECK(other != p.reference);
    CHECK(claim(b, bob, claim_body(p.reference, p.code)).status == 200);
}

TEST_CASE("claims are rate-limited per claimant and per client address") {
    Backend b([](gate::backend::Settings& s) {
        s.claim_limit = {3, 3};
        s.claim_address_limit = {5, 5};
    });
    auto p = send_to_bob(b);
    Wallet mallory, trudy;
    const auto m = b.sign_in(mallory);
    const auto t = b.sign_in(trudy);
    // Per claimant: Mallory's fourth try in a minute is refused, from any address.
    for (int i = 0; i < 3; ++i)
        CHECK(claim(b, m, claim_body(p.reference, "guess" + std::to_string(i))).status == 403);
    b.remote = "192.0.2.7";
    auto limited = claim(b, m, claim_body(p.reference, "guess3"));
    CHECK(limited.status == 429);
    CHECK(limited.json()["error"]["code"] == "rate_limited");
    CHECK(limited.headers.get("Retry-After").has_value());
    // Per address: 127.0.0.1 has spent 3 of 5; another wallet from there gets 2 more.
    b.remote = "127.0.0.1";
    CHECK(claim(b, t, claim_body(p.reference, "guess4")).status == 403);
    CHECK(claim(b, t, claim_body(p.reference, "guess5")).status == 403);
    CHECK(claim(b, t, claim_body(p.reference, "guess6")).status == 429);
    // Being limited changed nothing for Bob, claiming from elsewhere.
    CHECK(stored_status(b, p.reference) == "pending");
    b.remote = "198.51.100.20";
    auto claimed = claim(b, b.sign_in(b.bob), claim_body(p.reference, p.code));
    CHECK_MESSAGE(claimed.status == 200, claimed.body);
    // The buckets refill: a minute later Mallory may try again (and is simply wrong).
    b.clock->advance(60 * 1000);
    b.remote = "127.0.0.1";
    CHECK(claim(b, m, claim_body(p.reference, "guess7")).json()["error"]["code"] == "claim_used");
}

TEST_CASE("the sender can cancel a pending transfer, and nobody else can") {
    Backend b;
    auto p = send_to_bob(b);
    const auto cancel = [&](const std::string& reference, const std::string& token) {
        return b.call(Method::Post, "/api/v1/transfers/" + reference + "/cancel", std::string{},
                      token);
    };
    const auto bob = b.sign_in(b.bob);
    // The recipient, another user and the event's organizer cannot withdraw it.
    for (const auto& token : {bob, b.sign_in(b.organizer)}) {
        auto refused = cancel(p.reference, token);
        CHECK(refused.status == 403);
        CHECK(refused.json()["error"]["code"] == "forbidden");
    }
    CHECK(cancel("AAAAAAAAAAAAAAAAAAAAAA", p.alice).status == 404);
    CHECK(cancel("not-a-reference", p.alice).status == 404);
    CHECK(cancel(p.reference, "").status == 401);
    CHECK(stored_status(b, p.reference) == "pending");

    auto cancelled = cancel(p.reference, p.alice);
    REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
    CHECK(cancelled.json()["status"] == "cancelled");
    CHECK(cancelled.json()["reference"] == p.reference);
    CHECK(cancelled.json()["ticket_id"] == p.ticket_id);
    CHECK(stored_status(b, p.reference) == "cancelled");
    // Bob's code is dead; a second cancel says it is over.
    auto late = claim(b, bob, claim_body(p.reference, p.code));
    CHECK(late.status == 410);
    CHECK(late.json()["error"]["code"] == "claim_cancelled");
    auto again = cancel(p.reference, p.alice);
    CHECK(again.status == 409);
    CHECK(again.json()["error"]["code"] == "transfer_cancelled");
    CHECK(owner_of(b, p.alice) == b.alice.address());

    // The ticket is free again: sent anew and claimed, that transfer cannot be cancelled.
    auto resent = b.call(Method::Post, "/api/v1/tickets/" + p.ticket_id + "/transfer",
                         json{{"to_email", "bob@example.com"}}, p.alice);
    REQUIRE(resent.status == 202);
    const auto second = resent.json()["reference"].get<std::string>();
    const std::string text = b.mailer->sent().back().text;
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex("Claim code: ([A-Za-z0-9_-]+)")));
    REQUIRE(claim(b, bob, claim_body(second, m[1])).status == 200);
    auto claimed = cancel(second, p.alice);
    CHECK(claimed.status == 409);
    CHECK(claimed.json()["error"]["code"] == "transfer_claimed");
}

TEST_CASE("an expired transfer cannot be cancelled, and says so") {
    Backend b;
    auto p = send_to_bob(b);
    b.clock->advance(b.settings.claim_ttl.count() + 1);
    const auto alice = b.sign_in(b.alice);
    auto r =
        b.call(Method::Post, "/api/v1/transfers/" + p.reference + "/cancel", std::string{}, alice);
    CHECK(r.status == 410);
    CHECK(r.json()["error"]["code"] == "transfer_expired");
}
