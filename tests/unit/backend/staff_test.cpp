// Who may validate an event's tickets: its organizer, and the validators it assigned (to
// every gate or to some). Anyone else is refused and leaves no trace in the event.
#include <doctest/doctest.h>

#include "BackendFixture.h"

using namespace gate::test;
using gate::backend::Method;

namespace {

struct Scene {
    Backend b;
    std::string owner;
    std::int64_t event = 0;
    std::string code;

    Scene() {
        owner = b.sign_in(b.organizer);
        event = b.create_event(owner, b.event_body());
        const auto alice = b.sign_in(b.alice);
        code = b.code_of(alice, b.buy(alice, event)["ticket_id"]);
        b.clock->advance(kDay);  // doors open
    }
    gate::backend::Response validate(const std::string& token, const std::string& gate = "north") {
        return b.call(Method::Post, "/api/v1/validate",
                      json{{"code", code}, {"gate", gate}, {"event_id", event}}, token);
    }
    json stats() {
        return b
            .call(Method::Get, "/api/v1/events/" + std::to_string(event) + "/stats", std::string{},
                  owner)
            .json();
    }
    std::string validators_path() const {
        return "/api/v1/events/" + std::to_string(event) + "/validators";
    }
};

}  // namespace

TEST_CASE("another organizer cannot admit an event's tickets, and leaves no record") {
    Scene s;
    auto refused = s.validate(s.b.sign_in(s.b.other_organizer));
    CHECK(refused.status == 403);
    const auto stats = s.stats();
    CHECK(stats["inside_now"] == 0);
    CHECK(stats["rejected_scans"] == 0);
    // The ticket is untouched: its own organizer admits it.
    CHECK(s.validate(s.owner).json()["reason"] == "ok");
}

TEST_CASE("a validator validates only the events it was assigned to") {
    Scene s;
    const auto staff = s.b.sign_in(s.b.validator);
    CHECK(s.validate(staff).status == 403);
    CHECK(s.stats()["rejected_scans"] == 0);
    auto assigned = s.b.call(Method::Post, s.validators_path(),
                             json{{"wallet", s.b.validator.address()}}, s.owner);
    REQUIRE(assigned.status == 201);
    CHECK(assigned.json()["gates"].empty());
    CHECK(s.validate(staff).json()["reason"] == "ok");
}

TEST_CASE("a validator assigned to some gates validates only there") {
    Scene s;
    const auto staff = s.b.sign_in(s.b.validator);
    REQUIRE(s.b.call(Method::Post, s.validators_path(),
                     json{{"wallet", s.b.validator.address()}, {"gates", {"north"}}}, s.owner)
                .status == 201);
    CHECK(s.validate(staff, "south").status == 403);
    CHECK(s.validate(staff, "north").json()["reason"] == "ok");
}

TEST_CASE("the organizer lists and removes its event's validators") {
    Scene s;
    const auto staff = s.b.sign_in(s.b.validator);
    REQUIRE(s.b.call(Method::Post, s.validators_path(),
                     json{{"wallet", s.b.validator.address()}, {"gates", {"north", "west"}}},
                     s.owner)
                .status == 201);
    auto list = s.b.call(Method::Get, s.validators_path(), std::string{}, s.owner).json();
    REQUIRE(list["validators"].size() == 1);
    CHECK(list["validators"][0]["wallet"] == s.b.validator.address());
    CHECK(list["validators"][0]["gates"] == json{"north", "west"});
    // Another organizer sees nothing and changes nothing.
    const auto other = s.b.sign_in(s.b.other_organizer);
    CHECK(s.b.call(Method::Get, s.validators_path(), std::string{}, other).status == 403);
    const auto one = s.validators_path() + "/" + s.b.validator.address();
    CHECK(s.b.call(Method::Delete, one, std::string{}, other).status == 403);
    CHECK(s.b.call(Method::Delete, one, std::string{}, s.owner).status == 200);
    CHECK(s.b.call(Method::Delete, one, std::string{}, s.owner).status == 404);
    CHECK(s.validate(staff).status == 403);
}

TEST_CASE("assigning a validator checks the wallet and the gate names") {
    Scene s;
    auto bad = s.b.call(Method::Post, s.validators_path(),
                        json{{"wallet", "not-a-key"}, {"gates", {"  ", "ok\x01"}}}, s.owner);
    REQUIRE(bad.status == 400);
    const auto fields = bad.json()["error"]["fields"];
    REQUIRE(fields.size() == 3);
    CHECK(fields[0]["field"] == "wallet");
    CHECK(fields[1]["field"] == "gates[0]");
    CHECK(fields[2]["field"] == "gates[1]");
    CHECK(s.b.call(Method::Get, s.validators_path(), std::string{}, s.owner)
              .json()["validators"]
              .empty());
}
