// Devices (docs/sync-protocol.md): setup codes, registration, snapshot, deltas and ingest.
#include <doctest/doctest.h>

#include "BackendFixture.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/Random.h"
#include "gate/domain/SyncMessages.h"

using namespace gate::test;
using gate::backend::Method;
namespace domain = gate::domain;

namespace {

struct Provisioned {
    std::int64_t event_id = 0;
    std::string owner;
    std::string device_token;
    std::int64_t device_id = 0;
};

std::string setup_token(Backend& b, const std::string& owner, std::int64_t event_id,
                        const std::string& gate) {
    auto r = b.call(Method::Post, "/api/v1/devices/setup-codes",
                    json{{"event_id", event_id}, {"gate", gate}}, owner);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    auto code = domain::parse_setup_code(r.json()["setup_code"].get<std::string>());
    REQUIRE(code.ok());
    CHECK(code->url == "https://tickets.example");
    return code->token;
}

json register_body(const gate::crypto::KeyPair& key, const std::string& token,
                   const std::string& name = "north-1-a") {
    domain::RegisterRequest request{
        token, key.public_key(), name,
        key.sign(gate::as_bytes(domain::register_signing_input(token)))};
    return nlohmann::json(request);
}

Provisioned provision(Backend& b, const std::string& gate = "north-1") {
    Provisioned p;
    p.owner = b.sign_in(b.organizer);
    p.event_id = b.create_event(p.owner, b.event_body());
    const auto token = setup_token(b, p.owner, p.event_id, gate);
    const auto key = gate::crypto::KeyPair::generate();
    auto r = b.call(Method::Post, "/api/v1/devices/register", register_body(key, token));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    auto registered = domain::from_json<domain::RegisterResponse>(r.json());
    REQUIRE(registered.ok());
    CHECK(registered->assignment.event_id == p.event_id);
    CHECK(registered->assignment.gate == gate);
    p.device_token = registered->device_token;
    p.device_id = registered->device_id;
    return p;
}

domain::EntryRecord entry(std::uint64_t ticket_id, std::uint32_t event_id, std::string gate,
                          std::int64_t at) {
    domain::EntryRecord e;
    e.nonce = gate::codec::base64url_encode(gate::crypto::random_array<16>());
    e.ticket_id = ticket_id;
    e.event_id = event_id;
    e.gate = std::move(gate);
    e.reason = "ok";
    e.scanned_at = at;
    return e;
}

}  // namespace

TEST_CASE("a device registers with a one-time setup token and proof of its key") {
    Backend b;
    const auto owner = b.sign_in(b.organizer);
    const auto event_id = b.create_event(owner, b.event_body());
    const auto token = setup_token(b, owner, event_id, "north-1");
    const auto key = gate::crypto::KeyPair::generate();
    SUBCASE("a signature by another key is refused and leaves the token usable") {
        auto forged = register_body(key, token);
        forged["signature"] =
            gate::crypto::KeyPair::generate().sign(gate::as_bytes(token)).to_base58();
        auto r = b.call(Method::Post, "/api/v1/devices/register", forged);
        CHECK(r.status == 400);
        CHECK(r.json()["error"]["code"] == "signature_invalid");
        CHECK(b.call(Method::Post, "/api/v1/devices/register", register_body(key, token)).status ==
              201);
    }
    SUBCASE("the token works once") {
        CHECK(b.call(Method::Post, "/api/v1/devices/register", register_body(key, token)).status ==
              201);
        auto other = gate::crypto::KeyPair::generate();
        auto again =
            b.call(Method::Post, "/api/v1/devices/register", register_body(other, token, "second"));
        CHECK(again.status == 401);
        CHECK(again.json()["error"]["code"] == "setup_token_invalid");
    }
    SUBCASE("an expired token is refused") {
        b.clock->advance(kDay + 1);
        CHECK(b.call(Method::Post, "/api/v1/devices/register", register_body(key, token)).status ==
              401);
    }
    SUBCASE("only the event's organizer makes setup codes") {
        auto r = b.call(Method::Post, "/api/v1/devices/setup-codes",
                        json{{"event_id", event_id}, {"gate", "x"}}, b.sign_in(b.other_organizer));
        CHECK(r.status == 403);
    }
}

TEST_CASE("snapshot, then deltas by cursor, then idempotent ingest") {
    Backend b;
    auto p = provision(b);
    const auto alice = b.sign_in(b.alice);
    const auto first = b.buy(alice, p.event_id);
    auto snap_r = b.call(Method::Get, "/api/v1/devices/me/snapshot", std::string{}, p.device_token);
    REQUIRE(snap_r.status == 200);
    auto snap = domain::from_json<domain::Snapshot>(snap_r.json());
    REQUIRE(snap.ok());
    REQUIRE(snap->tickets.size() == 1);
    CHECK(domain::ticket_id_to_string(snap->tickets[0].ticket_id) == first["ticket_id"]);
    REQUIRE(snap->issuer_keys.size() == 1);
    CHECK(snap->assignment.checkin_list.name == "All tickets");

    const auto second = b.buy(alice, p.event_id);
    b.call(Method::Post, "/api/v1/tickets/" + first["ticket_id"].get<std::string>() + "/transfer",
           json{{"to_wallet", b.bob.address()}}, alice);
    auto changes_r =
        b.call(Method::Get, "/api/v1/devices/me/changes?after=" + std::to_string(snap->cursor),
               std::string{}, p.device_token);
    REQUIRE(changes_r.status == 200);
    auto changes = domain::from_json<domain::ChangesPage>(changes_r.json());
    REQUIRE(changes.ok());
    REQUIRE(changes->changes.size() == 2);
    const auto& added = std::get<domain::TicketRecord>(changes->changes[0].payload);
    CHECK(domain::ticket_id_to_string(added.ticket_id) == second["ticket_id"]);
    const auto& bumped = std::get<domain::TicketRecord>(changes->changes[1].payload);
    CHECK(bumped.generation == 1);
    CHECK_FALSE(changes->more);
    auto none =
        b.call(Method::Get, "/api/v1/devices/me/changes?after=" + std::to_string(changes->cursor),
               std::string{}, p.device_token);
    CHECK(none.json()["changes"].empty());

    domain::EntryBatch batch;
    const auto tid = *domain::ticket_id_from_string(second["ticket_id"].get<std::string>());
    batch.entries.push_back(
        entry(tid, static_cast<std::uint32_t>(p.event_id), "north-1", b.clock->now_ms()));
    auto rejected =
        entry(tid, static_cast<std::uint32_t>(p.event_id), "north-1", b.clock->now_ms());
    rejected.verdict = domain::Verdict::Rejected;
    rejected.reason = "entry.already_inside";
    batch.entries.push_back(rejected);
    auto stored =
        b.call(Method::Post, "/api/v1/devices/me/entries", nlohmann::json(batch), p.device_token);
    REQUIRE_MESSAGE(stored.status == 200, stored.body);
    CHECK(stored.json()["stored"].size() == 2);
    auto twice =
        b.call(Method::Post, "/api/v1/devices/me/entries", nlohmann::json(batch), p.device_token);
    CHECK(twice.json()["stored"].empty());
    CHECK(twice.json()["duplicates"].size() == 2);
    auto stats = b.call(Method::Get, "/api/v1/events/" + std::to_string(p.event_id) + "/stats",
                        std::string{}, p.owner)
                     .json();
    CHECK(stats["inside_now"] == 1);
    CHECK(stats["rejected_scans"] == 1);
}

TEST_CASE("a late entry from another gate is stored and flagged as a conflict") {
    Backend b;
    auto p = provision(b);
    const auto alice = b.sign_in(b.alice);
    const auto tid =
        *domain::ticket_id_from_string(b.buy(alice, p.event_id)["ticket_id"].get<std::string>());
    const auto ev = static_cast<std::uint32_t>(p.event_id);
    domain::EntryBatch south;
    south.entries.push_back(entry(tid, ev, "south-2", b.clock->now_ms()));
    domain::EntryBatch north;
    north.entries.push_back(entry(tid, ev, "north-1", b.clock->now_ms() + 1000));
    CHECK(b.call(Method::Post, "/api/v1/devices/me/entries", nlohmann::json(south), p.device_token)
              .status == 200);
    auto r =
        b.call(Method::Post, "/api/v1/devices/me/entries", nlohmann::json(north), p.device_token);
    REQUIRE(r.status == 200);
    CHECK(r.json()["stored"].size() == 1);
    REQUIRE(r.json()["conflicts"].size() == 1);
    CHECK(r.json()["conflicts"][0]["other_gate"] == "south-2");
    auto stats = b.call(Method::Get, "/api/v1/events/" + std::to_string(p.event_id) + "/stats",
                        std::string{}, p.owner)
                     .json();
    CHECK(stats["conflicts"] == 1);
}

TEST_CASE("a malformed batch stores nothing and names the field") {
    Backend b;
    auto p = provision(b);
    domain::EntryBatch batch;
    batch.entries.push_back(entry(1, static_cast<std::uint32_t>(p.event_id), "north-1", 1));
    auto body = nlohmann::json(batch);
    body["entries"].push_back(body["entries"][0]);
    body["entries"][1]["nonce"] = "short";
    auto r = b.call(Method::Post, "/api/v1/devices/me/entries", body, p.device_token);
    CHECK(r.status == 400);
    CHECK(r.json()["error"]["message"].get<std::string>().find("entries[1]") != std::string::npos);
    body["entries"].erase(1);
    auto ok = b.call(Method::Post, "/api/v1/devices/me/entries", body, p.device_token);
    CHECK(ok.json()["stored"].size() == 1);
}

TEST_CASE("an old cursor expires with 410 and a revoked device is shut out") {
    Backend b;
    auto p = provision(b);
    b.buy(b.sign_in(b.alice), p.event_id);
    b.clock->advance(b.settings.change_retention.count() + 1);
    b.app->maintain();
    auto expired =
        b.call(Method::Get, "/api/v1/devices/me/changes?after=0", std::string{}, p.device_token);
    CHECK(expired.status == 410);
    CHECK(expired.json()["error"]["code"] == "cursor_expired");
    auto snap = domain::from_json<domain::Snapshot>(
        b.call(Method::Get, "/api/v1/devices/me/snapshot", std::string{}, p.device_token).json());
    REQUIRE(snap.ok());
    CHECK(b.call(Method::Get, "/api/v1/devices/me/changes?after=" + std::to_string(snap->cursor),
                 std::string{}, p.device_token)
              .status == 200);

    auto revoked =
        b.call(Method::Post, "/api/v1/devices/" + std::to_string(p.device_id) + "/revoke",
               std::string{}, b.sign_in(b.organizer));
    CHECK(revoked.status == 200);
    auto shut = b.call(Method::Get, "/api/v1/devices/me/assignment", std::string{}, p.device_token);
    CHECK(shut.status == 401);
    CHECK(shut.json()["error"]["code"] == "device_token_revoked");
}
