// Online validation through the API: domain::decide() on the stored ticket, recorded
// atomically (the rules themselves: tests/unit/domain and the decision table).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "BackendFixture.h"

using namespace gate::test;
using gate::backend::Method;

TEST_CASE("a validator admits a ticket once, and the second scan is already inside") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    auto body = b.event_body();
    const auto id = b.create_event(owner, body);
    const auto alice = b.sign_in(b.alice);
    const auto ticket = b.buy(alice, id);
    const auto code = b.code_of(alice, ticket["ticket_id"]);
    const auto staff = b.staff_of(id);
    b.clock->advance(kDay);  // doors open
    auto first = b.call(Method::Post, "/api/v1/validate",
                        json{{"code", code}, {"gate", "main"}, {"event_id", id}}, staff);
    REQUIRE(first.status == 200);
    CHECK(first.json()["verdict"] == "accepted");
    CHECK(first.json()["reason"] == "ok");
    CHECK(first.json()["ticket_id"] == ticket["ticket_id"]);
    auto second =
        b.call(Method::Post, "/api/v1/validate", json{{"code", code}, {"gate", "side"}}, staff);
    CHECK(second.json()["verdict"] == "rejected");
    CHECK(second.json()["reason"] == "entry.already_inside");
    auto stats =
        b.call(Method::Get, "/api/v1/events/" + std::to_string(id) + "/stats", std::string{}, owner)
            .json();
    CHECK(stats["sold"] == 1);
    CHECK(stats["inside_now"] == 1);
    CHECK(stats["gates"][0]["gate"] == "main");
    CHECK(stats["rejected_scans"] == 1);
    SUBCASE("at another event's gate the code is not signed by a key of that event") {
        // As on a device of that event, which holds only its own event's issuer keys.
        const auto other = b.create_event(owner, b.event_body());
        auto wrong = b.call(Method::Post, "/api/v1/validate",
                            json{{"code", code}, {"gate", "main"}, {"event_id", other}}, owner);
        CHECK(wrong.json()["reason"] == "signature.unknown_key");
    }
}

TEST_CASE("forged, edited and foreign codes are rejected with their reason") {
    Backend b;
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto code = b.code_of(alice, b.buy(alice, id)["ticket_id"]);
    const auto staff = b.staff_of(id);
    auto reason = [&](const std::string& text) {
        auto r = b.call(Method::Post, "/api/v1/validate",
                        json{{"code", text}, {"gate", "main"}, {"event_id", id}}, staff);
        REQUIRE(r.status == 200);
        CHECK(r.json()["verdict"] == "rejected");
        return r.json()["reason"].get<std::string>();
    };
    CHECK(reason("") == "malformed.empty");
    CHECK(reason("HELLO") == "malformed.prefix");
    // A ticket of the same event signed by a key the event never had.
    gate::ticket::TicketClaims claims;
    claims.event_id = static_cast<std::uint32_t>(id);
    claims.ticket_id = 1;
    CHECK(reason(gate::ticket::issue(claims, gate::crypto::KeyPair::generate())) ==
          "signature.unknown_key");
    std::string edited = code;
    edited[10] = edited[10] == 'A' ? 'B' : 'A';
    const auto r = reason(edited);
    CHECK((r == "signature.invalid" || r.rfind("malformed.", 0) == 0 ||
           r == "signature.unknown_key"));
}

TEST_CASE("only staff validate") {
    Backend b;
    const auto alice = b.sign_in(b.alice);
    auto r =
        b.call(Method::Post, "/api/v1/validate", json{{"code", "TK1:X"}, {"gate", "main"}}, alice);
    CHECK(r.status == 403);
    CHECK(b.call(Method::Post, "/api/v1/validate", json{{"code", "TK1:X"}, {"gate", "main"}})
              .status == 401);
}

TEST_CASE("two gates validating one ticket at once admit it once") {
    Backend b([](gate::backend::Settings& s) { s.threads = 4; });
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto code = b.code_of(alice, b.buy(alice, id)["ticket_id"]);
    const auto staff = b.staff_of(id);
    b.clock->advance(kDay);
    std::atomic<int> accepted{0};
    std::vector<std::thread> gates;
    for (int g = 0; g < 4; ++g)
        gates.emplace_back([&, g] {
            auto r = b.call(Method::Post, "/api/v1/validate",
                            json{{"code", code}, {"gate", "g" + std::to_string(g)}}, staff);
            if (r.json()["verdict"] == "accepted") ++accepted;
        });
    for (auto& t : gates)
        t.join();
    CHECK(accepted == 1);
}

TEST_CASE("the organizer revokes or freezes a ticket and validation follows") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const auto id = b.create_event(owner, b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto tid = b.buy(alice, id)["ticket_id"].get<std::string>();
    const auto code = b.code_of(alice, tid);
    const auto staff = b.staff_of(id);
    b.clock->advance(kDay);
    auto reason = [&] {
        return b
            .call(Method::Post, "/api/v1/validate", json{{"code", code}, {"gate", "main"}}, staff)
            .json()["reason"]
            .get<std::string>();
    };
    const auto path = "/api/v1/tickets/" + tid + "/status";
    CHECK(b.call(Method::Post, path, json{{"status", "frozen"}}, b.sign_in(b.other_organizer))
              .status == 403);
    CHECK(b.call(Method::Post, path, json{{"status", "gone"}}, owner).status == 400);
    CHECK(b.call(Method::Post, path, json{{"status", "frozen"}}, owner).json()["status"] ==
          "frozen");
    CHECK(reason() == "ticket.frozen");
    CHECK(b.call(Method::Post, path, json{{"status", "revoked"}}, owner).status == 200);
    CHECK(reason() == "ticket.revoked");
    CHECK(b.call(Method::Post, path, json{{"status", "valid"}}, owner).status == 409);
}
