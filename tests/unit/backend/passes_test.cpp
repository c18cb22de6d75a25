// Passes for rotating codes through the API: issued to the holder only, bound to a key made
// on the holder's device, superseding older passes, and decided online like any code
// (docs/ticket-code.md, "Format version 2").
#include <doctest/doctest.h>

#include "BackendFixture.h"
#include "gate/ticket/RotatingCode.h"

using namespace gate::test;
using gate::backend::Method;

namespace {

struct Sold {
    std::int64_t event_id = 0;
    std::string ticket_id;
    std::string alice;
    std::string staff;
};

Sold sell(Backend& b, const json& extra = json::object()) {
    auto body = b.event_body();
    body.update(extra);
    Sold s;
    s.event_id = b.create_event(b.sign_in(b.organizer), body);
    s.alice = b.sign_in(b.alice);
    s.ticket_id = b.buy(s.alice, s.event_id)["ticket_id"].get<std::string>();
    s.staff = b.staff_of(s.event_id);
    return s;
}

gate::backend::Response ask_pass(Backend& b, const Sold& s, const json& body,
                                 const std::string& token = {}) {
    return b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/pass", body,
                  token.empty() ? s.alice : token);
}

gate::ticket::PassBytes pass_of(Backend& b, const Sold& s, const gate::crypto::KeyPair& phone) {
    auto issued = ask_pass(b, s, json{{"holder_key", phone.public_key().to_base58()}});
    REQUIRE_MESSAGE(issued.status == 201, issued.body);
    auto pass = gate::ticket::pass_from_text(issued.json()["pass"].get<std::string>());
    REQUIRE(pass.has_value());
    return *pass;
}

/// The code the phone shows at `at_ms`.
std::string shown(const gate::ticket::PassBytes& pass, const gate::crypto::KeyPair& phone,
                  std::int64_t at_ms) {
    return gate::ticket::rotating_code(pass, gate::ticket::step_at(at_ms), phone);
}

std::string validate(Backend& b, const Sold& s, const std::string& code) {
    auto r = b.call(Method::Post, "/api/v1/validate",
                    json{{"code", code}, {"gate", "main"}, {"event_id", s.event_id}}, s.staff);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json()["reason"].get<std::string>();
}

}  // namespace

TEST_CASE("the holder gets a pass, and the phone's rotating code is admitted once") {
    Backend b;
    auto s = sell(b);
    const auto phone = gate::crypto::KeyPair::generate();
    auto issued = ask_pass(b, s, json{{"holder_key", phone.public_key().to_base58()}});
    REQUIRE(issued.status == 201);
    CHECK(issued.headers.get("Cache-Control") == "no-store");
    const auto answer = issued.json();
    CHECK(answer["ticket_id"] == s.ticket_id);
    CHECK(answer["binding"] == 1);
    CHECK(answer["holder_key"] == phone.public_key().to_base58());
    CHECK(answer["step_seconds"] == 5);
    CHECK(answer["server_time"] == b.clock->now_ms());
    // Valid for tickets.pass_ttl (72 h by default).
    CHECK(answer["expires_at"] == (b.clock->now_ms() + 72 * kHour) / 1000);

    auto pass = gate::ticket::pass_from_text(answer["pass"].get<std::string>());
    REQUIRE(pass.has_value());
    b.clock->advance(kDay);  // doors open
    const std::string code = shown(*pass, phone, b.clock->now_ms());
    auto parsed = gate::ticket::parse(code);
    REQUIRE(parsed.ok());
    CHECK(std::to_string(parsed->claims.ticket_id) == s.ticket_id);
    CHECK(parsed->rotation->binding == 1);
    CHECK(validate(b, s, code) == "ok");
    // The next step is another code, but the same ticket: already inside.
    b.clock->advance(5000);
    CHECK(validate(b, s, shown(*pass, phone, b.clock->now_ms())) == "entry.already_inside");
    // A screenshot of the admitted code, replayed half a minute later, is stale.
    b.clock->advance(25000);
    CHECK(validate(b, s, code) == "code.stale");

    auto mine = b.call(Method::Get, "/api/v1/tickets/my", std::string{}, s.alice).json();
    CHECK(mine["tickets"][0]["binding"] == 1);
    CHECK(mine["tickets"][0]["pass_url"] ==
          "https://tickets.example/api/v1/tickets/" + s.ticket_id + "/pass");
}

TEST_CASE("a new pass supersedes the older phone's at the gate, and gates learn it") {
    Backend b;
    auto s = sell(b);
    const auto old_phone = gate::crypto::KeyPair::generate();
    const auto new_phone = gate::crypto::KeyPair::generate();
    const auto old_pass = pass_of(b, s, old_phone);
    const auto new_pass = pass_of(b, s, new_phone);
    b.clock->advance(kDay);
    const auto now = b.clock->now_ms();
    CHECK(validate(b, s, shown(old_pass, old_phone, now)) == "pass.superseded");
    // The old pass shown with the new phone's key is no pass at all.
    CHECK(validate(b, s, shown(old_pass, new_phone, now)) == "signature.holder_invalid");
    CHECK(validate(b, s, shown(new_pass, new_phone, now)) == "ok");

    // Devices get the binding in their cache: in the snapshot and as a ticket change.
    auto cache = b.app->store().snapshot(s.event_id);
    REQUIRE(cache.ok());
    REQUIRE(cache->tickets.size() == 1);
    CHECK(cache->tickets[0].binding == 2);
    auto changes = b.app->store().changes(s.event_id, 0, 100);
    REQUIRE(changes.ok());
    REQUIRE(changes->has_value());
    int ticket_changes = 0;
    for (const auto& change : (*changes)->changes)
        if (const auto* row = std::get_if<gate::domain::TicketRecord>(&change.payload)) {
            ++ticket_changes;
            CHECK(row->binding == 2);  // a change carries the row as it is now
        }
    CHECK(ticket_changes >= 2);  // the sale, then each pass
}

TEST_CASE("a transfer supersedes the seller's pass") {
    Backend b;
    auto s = sell(b);
    const auto phone = gate::crypto::KeyPair::generate();
    const auto pass = pass_of(b, s, phone);
    auto moved = b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/transfer",
                        json{{"to_wallet", b.bob.address()}}, s.alice);
    REQUIRE(moved.status == 200);
    // Only the new holder gets passes now.
    CHECK(ask_pass(b, s, json{{"holder_key", phone.public_key().to_base58()}}).status == 404);
    b.clock->advance(kDay);
    CHECK(validate(b, s, shown(pass, phone, b.clock->now_ms())) == "ticket.superseded");
    const auto bob_phone = gate::crypto::KeyPair::generate();
    const auto bob = b.sign_in(b.bob);
    auto issued = ask_pass(b, s, json{{"holder_key", bob_phone.public_key().to_base58()}}, bob);
    REQUIRE(issued.status == 201);
    CHECK(issued.json()["generation"] == 1);
    auto bob_pass = gate::ticket::pass_from_text(issued.json()["pass"].get<std::string>());
    CHECK(validate(b, s, shown(*bob_pass, bob_phone, b.clock->now_ms())) == "ok");
}

TEST_CASE("pass requests are checked: who asks, and the key they send") {
    Backend b;
    auto s = sell(b);
    const auto phone = gate::crypto::KeyPair::generate();
    const json good{{"holder_key", phone.public_key().to_base58()}};
    // Someone else's ticket, or none, reads as not found.
    CHECK(ask_pass(b, s, good, b.sign_in(b.bob)).status == 404);
    CHECK(b.call(Method::Post, "/api/v1/tickets/999999/pass", good, s.alice).status == 404);
    CHECK(b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/pass", good).status == 401);

    auto field_problem = [&](const json& body) {
        auto r = ask_pass(b, s, body);
        CHECK(r.status == 400);
        const json answer = r.json();
        if (!answer.contains("error")) return std::string("no error");
        const json& e = answer["error"];
        if (e["code"] != "validation_failed") return e["code"].get<std::string>();
        return e["fields"][0]["field"].get<std::string>() + ":" +
               e["fields"][0]["code"].get<std::string>();
    };
    CHECK(field_problem(json::object()) == "holder_key:missing");
    CHECK(field_problem(json{{"holder_key", 42}}) == "holder_key:wrong_type");
    CHECK(field_problem(json{{"holder_key", "not base58 0OIl"}}) == "holder_key:invalid");
    CHECK(field_problem(json{{"holder_key", "3ogUn1GNXoASaRbxPNeVJnVv5rG4EPBt"}}) ==
          "holder_key:invalid");  // base58, but not 32 bytes
    // The neutral point: every signature would "verify" under a small-order key.
    std::array<std::uint8_t, 32> identity{};
    identity[0] = 1;
    CHECK(field_problem(
              json{{"holder_key", gate::crypto::PublicKey::from_bytes(identity)->to_base58()}}) ==
          "holder_key:invalid");
    CHECK(field_problem(json{{"holder_key", phone.public_key().to_base58()}, {"device", "x"}}) ==
          "device:unknown");
    CHECK(ask_pass(b, s, json::array()).status == 400);
    auto broken = b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/pass",
                         std::string("{\"holder_key\": "), s.alice);
    CHECK(broken.status == 400);
    CHECK(broken.json()["error"]["code"] == "malformed_json");
    // None of these made a binding.
    CHECK(ask_pass(b, s, good).json()["binding"] == 1);
}

TEST_CASE("no pass for a revoked ticket or a cancelled event; a frozen one keeps getting one") {
    Backend b;
    auto s = sell(b);
    const json good{{"holder_key", gate::crypto::KeyPair::generate().public_key().to_base58()}};
    const auto owner = b.sign_in(b.organizer);
    auto status = [&](const std::string& to) {
        return b.call(Method::Post, "/api/v1/tickets/" + s.ticket_id + "/status",
                      json{{"status", to}}, owner);
    };
    REQUIRE(status("frozen").status == 200);
    CHECK(ask_pass(b, s, good).status == 201);
    REQUIRE(status("revoked").status == 200);
    auto revoked = ask_pass(b, s, good);
    CHECK(revoked.status == 409);
    CHECK(revoked.json()["error"]["code"] == "ticket_revoked");

    auto t = sell(b);
    REQUIRE(b.call(Method::Put, "/api/v1/events/" + std::to_string(t.event_id),
                   json{{"status", "cancelled"}}, owner)
                .status == 200);
    auto cancelled = ask_pass(b, t, good);
    CHECK(cancelled.status == 409);
    CHECK(cancelled.json()["error"]["code"] == "event_cancelled");
}

TEST_CASE("an event that requires rotating codes refuses static ones at the gate") {
    Backend b;
    auto s = sell(b, json{{"code_policy", "rotating_required"}});
    const auto owner = b.sign_in(b.organizer);
    const auto event = "/api/v1/events/" + std::to_string(s.event_id);
    CHECK(b.call(Method::Get, event).json()["code_policy"] == "rotating_required");
    const auto phone = gate::crypto::KeyPair::generate();
    const auto pass = pass_of(b, s, phone);
    const auto static_code = b.code_of(s.alice, s.ticket_id);
    b.clock->advance(kDay);
    CHECK(validate(b, s, static_code) == "code.rotating_required");

    // The organizer lets printed codes in again; devices hear of it as an assignment change.
    auto before = b.app->store().changes(s.event_id, 0, 1000);
    REQUIRE(before.ok());
    const auto cursor = (*before)->cursor;
    auto relaxed = b.call(Method::Put, event, json{{"code_policy", "static_allowed"}}, owner);
    REQUIRE(relaxed.status == 200);
    CHECK(relaxed.json()["code_policy"] == "static_allowed");
    auto after = b.app->store().changes(s.event_id, cursor, 1000);
    REQUIRE(after.ok());
    REQUIRE((*after)->changes.size() == 1);
    CHECK(std::holds_alternative<gate::domain::Assignment>((*after)->changes[0].payload));
    CHECK(validate(b, s, static_code) == "ok");
    CHECK(validate(b, s, shown(pass, phone, b.clock->now_ms())) == "entry.already_inside");

    CHECK(b.call(Method::Put, event, json{{"code_policy", "sometimes"}}, owner).status == 400);
    auto body = b.event_body();
    body["code_policy"] = "never";
    CHECK(b.call(Method::Post, "/api/v1/events", body, owner).status == 400);
    // Events made without one admit static codes.
    CHECK(b.call(Method::Get,
                 "/api/v1/events/" + std::to_string(b.create_event(owner, b.event_body())))
              .json()["code_policy"] == "static_allowed");
}

TEST_CASE("passes are rate-limited per holder") {
    Backend b([](gate::backend::Settings& s) { s.pass_limit = {3, 3}; });
    auto s = sell(b);
    const json good{{"holder_key", gate::crypto::KeyPair::generate().public_key().to_base58()}};
    for (int i = 0; i < 3; ++i)
        CHECK(ask_pass(b, s, good).status == 201);
    auto limited = ask_pass(b, s, good);
    CHECK(limited.status == 429);
    CHECK(limited.json()["error"]["code"] == "rate_limited");
}
