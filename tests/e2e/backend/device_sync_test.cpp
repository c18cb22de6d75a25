// Device provisioning over HTTP: setup code, registration, snapshot, delta, and entry
// ingest that stores a batch once however often it is sent.
#include <doctest/doctest.h>

#include "LoopbackServer.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/Random.h"
#include "gate/domain/SyncMessages.h"

using namespace gate::test;
namespace domain = gate::domain;

TEST_CASE("provision a device, sync snapshot and delta, ingest a batch twice") {
    LoopbackServer api;
    auto& b = api.backend;
    const auto organizer = api.sign_in(b.organizer);
    const auto event_id = api.post("/api/v1/events", b.event_body("Gate Test"), organizer)
                              .json()
                              .value()["id"]
                              .get<std::int64_t>();
    const auto alice = api.sign_in(b.alice);
    auto buy = [&] {
        return api
            .post("/api/v1/tickets/mint",
                  json{{"event_id", event_id}, {"tier", 0}, {"payment_method", "test"}}, alice)
            .json()
            .value()["ticket"]["ticket_id"]
            .get<std::string>();
    };
    const auto first = buy();

    auto setup = api.post("/api/v1/devices/setup-codes",
                          json{{"event_id", event_id}, {"gate", "north-1"}}, organizer);
    REQUIRE(setup.status == 201);
    auto code = domain::parse_setup_code(setup.json().value()["setup_code"].get<std::string>());
    REQUIRE(code.ok());
    const auto key = gate::crypto::KeyPair::generate();
    domain::RegisterRequest request{
        code->token, key.public_key(), "north-1-a",
        key.sign(gate::as_bytes(domain::register_signing_input(code->token)))};
    auto registered_r = api.post("/api/v1/devices/register", nlohmann::json(request));
    REQUIRE(registered_r.status == 201);
    auto registered = domain::parse_message<domain::RegisterResponse>(registered_r.body);
    REQUIRE(registered.ok());
    const auto token = registered->device_token;
    CHECK(api.post("/api/v1/devices/register", nlohmann::json(request)).status == 401);

    auto assignment = domain::parse_message<domain::Assignment>(
        api.get("/api/v1/devices/me/assignment", token).body);
    REQUIRE(assignment.ok());
    CHECK(assignment->gate == "north-1");
    CHECK(assignment->event.name == "Gate Test");

    auto snapshot =
        domain::parse_message<domain::Snapshot>(api.get("/api/v1/devices/me/snapshot", token).body);
    REQUIRE(snapshot.ok());
    REQUIRE(snapshot->tickets.size() == 1);
    CHECK(domain::ticket_id_to_string(snapshot->tickets[0].ticket_id) == first);
    REQUIRE(snapshot->issuer_keys.size() == 1);

    const auto second = buy();
    auto delta = domain::parse_message<domain::ChangesPage>(
        api.get("/api/v1/devices/me/changes?after=" + std::to_string(snapshot->cursor), token)
            .body);
    REQUIRE(delta.ok());
    REQUIRE(delta->changes.size() == 1);
    CHECK(domain::ticket_id_to_string(
              std::get<domain::TicketRecord>(delta->changes[0].payload).ticket_id) == second);
    CHECK(delta->cursor > snapshot->cursor);

    // Pushes as gate-syncd does: the device key signs the exact body.
    auto push = [&](const domain::EntryBatch& entries) {
        gate::http::Request r;
        r.method = gate::http::Method::Post;
        r.url = api.url("/api/v1/devices/me/entries");
        r.body = nlohmann::json(entries).dump();
        r.headers.set("Content-Type", "application/json");
        r.headers.set("Authorization", "Bearer " + token);
        r.headers.set(std::string(domain::kBatchSignatureHeader),
                      key.sign(gate::as_bytes(domain::batch_signing_input(r.body))).to_base58());
        auto answer = api.client.send(r);
        REQUIRE(answer.ok());
        return std::move(answer).value();
    };
    domain::EntryBatch batch;
    for (const auto& id : {first, second}) {
        domain::EntryRecord e;
        e.nonce = gate::codec::base64url_encode(gate::crypto::random_array<16>());
        e.ticket_id = domain::ticket_id_from_string(id);
        e.event_id = static_cast<std::uint32_t>(event_id);
        e.gate = "north-1";
        e.reason = "ok";
        e.scanned_at = b.clock->now_ms();
        e.proof = api.get("/api/v1/tickets/" + id + "/code", alice).json().value()["code"];
        batch.entries.push_back(e);
    }
    // The token alone is not enough.
    auto unsigned_push = api.post("/api/v1/devices/me/entries", nlohmann::json(batch), token);
    CHECK(unsigned_push.status == 401);
    auto once = domain::parse_message<domain::IngestResult>(push(batch).body);
    REQUIRE(once.ok());
    CHECK(once->stored.size() == 2);
    CHECK(once->duplicates.empty());
    auto twice = domain::parse_message<domain::IngestResult>(push(batch).body);
    REQUIRE(twice.ok());
    CHECK(twice->stored.empty());
    CHECK(twice->duplicates.size() == 2);

    auto stats =
        api.get("/api/v1/events/" + std::to_string(event_id) + "/stats", organizer).json().value();
    CHECK(stats["inside_now"] == 2);
    CHECK(stats["gates"][0]["entries"] == 2);
    // The entries reach other devices as deltas.
    auto entries = domain::parse_message<domain::ChangesPage>(
        api.get("/api/v1/devices/me/changes?after=" + std::to_string(delta->cursor), token).body);
    REQUIRE(entries.ok());
    CHECK(entries->changes.size() == 2);
    CHECK(entries->changes[0].kind() == domain::ChangeKind::Entry);
}
