// Devices (docs/sync-protocol.md): setup codes, registration, snapshot, deltas and ingest.
#include <doctest/doctest.h>

#include "BackendFixture.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/Random.h"
#include "gate/db/Database.h"
#include "gate/domain/SyncMessages.h"
#include "gate/ticket/TicketCode.h"

using namespace gate::test;
using gate::backend::Method;
namespace domain = gate::domain;

namespace {

struct Provisioned {
    std::int64_t event_id = 0;
    std::string owner;
    std::string device_token;
    std::int64_t device_id = 0;
    std::shared_ptr<gate::crypto::KeyPair> key;  ///< the device key it registered
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
    p.key = std::make_shared<gate::crypto::KeyPair>(gate::crypto::KeyPair::generate());
    auto r = b.call(Method::Post, "/api/v1/devices/register", register_body(*p.key, token));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    auto registered = domain::from_json<domain::RegisterResponse>(r.json());
    REQUIRE(registered.ok());
    CHECK(registered->assignment.event_id == p.event_id);
    CHECK(registered->assignment.gate == gate);
    p.device_token = registered->device_token;
    p.device_id = registered->device_id;
    return p;
}

/// POST /devices/me/entries with the body as given, signed by `signer` (the device's key
/// unless a test says otherwise; none: no signature header).
gate::backend::Response push(Backend& b, const Provisioned& p, const std::string& body,
                             const gate::crypto::KeyPair* signer) {
    gate::http::Headers headers;
    headers.set("Authorization", "Bearer " + p.device_token);
    headers.set("Content-Type", "application/json");
    if (signer)
        headers.set(std::string(domain::kBatchSignatureHeader),
                    signer->sign(gate::as_bytes(domain::batch_signing_input(body))).to_base58());
    return b.call_with(Method::Post, "/api/v1/devices/me/entries", body, std::move(headers));
}
gate::backend::Response push(Backend& b, const Provisioned& p, const json& body) {
    return push(b, p, body.dump(), p.key.get());
}

domain::EntryRecord entry(std::uint64_t ticket_id, std::uint32_t event_id, std::string gate,
                          std::int64_t at, std::optional<std::string> proof = std::nullopt) {
    domain::EntryRecord e;
    e.proof = std::move(proof);
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
    batch.entries.push_back(entry(tid, static_cast<std::uint32_t>(p.event_id), "north-1",
                                  b.clock->now_ms(),
                                  b.code_of(alice, second["ticket_id"].get<std::string>())));
    auto rejected =
        entry(tid, static_cast<std::uint32_t>(p.event_id), "north-1", b.clock->now_ms());
    rejected.verdict = domain::Verdict::Rejected;
    rejected.reason = "entry.already_inside";
    batch.entries.push_back(rejected);
    auto stored = push(b, p, nlohmann::json(batch));
    REQUIRE_MESSAGE(stored.status == 200, stored.body);
    CHECK(stored.json()["stored"].size() == 2);
    auto twice = push(b, p, nlohmann::json(batch));
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
    const auto ticket = b.buy(alice, p.event_id)["ticket_id"].get<std::string>();
    const auto tid = *domain::ticket_id_from_string(ticket);
    const auto code = b.code_of(alice, ticket);
    const auto ev = static_cast<std::uint32_t>(p.event_id);
    domain::EntryBatch south;
    south.entries.push_back(entry(tid, ev, "south-2", b.clock->now_ms(), code));
    domain::EntryBatch north;
    north.entries.push_back(entry(tid, ev, "north-1", b.clock->now_ms() + 1000, code));
    CHECK(push(b, p, nlohmann::json(south)).status == 200);
    auto r = push(b, p, nlohmann::json(north));
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
    batch.entries[0].verdict = domain::Verdict::Rejected;  // a refused scan needs no proof
    batch.entries[0].reason = "ticket.unknown";
    auto body = nlohmann::json(batch);
    body["entries"].push_back(body["entries"][0]);
    body["entries"][1]["nonce"] = "short";
    auto r = push(b, p, body);
    CHECK(r.status == 400);
    CHECK(r.json()["error"]["message"].get<std::string>().find("entries[1]") != std::string::npos);
    body["entries"].erase(1);
    auto ok = push(b, p, body);
    CHECK(ok.json()["stored"].size() == 1);
}

TEST_CASE("a stolen device token alone pushes nothing: the batch needs the device key") {
    Backend b;
    auto p = provision(b);
    const auto alice = b.sign_in(b.alice);
    const auto ticket = b.buy(alice, p.event_id)["ticket_id"].get<std::string>();
    domain::EntryBatch batch;
    batch.entries.push_back(entry(*domain::ticket_id_from_string(ticket),
                                  static_cast<std::uint32_t>(p.event_id), "north-1",
                                  b.clock->now_ms(), b.code_of(alice, ticket)));
    const std::string body = nlohmann::json(batch).dump();
    const auto thief = gate::crypto::KeyPair::generate();
    for (const auto& [what, answer] : {std::pair{"no signature", push(b, p, body, nullptr)},
                                       std::pair{"another key", push(b, p, body, &thief)}}) {
        CAPTURE(what);
        CHECK(answer.status == 401);
        CHECK(answer.json()["error"]["code"] == "batch_signature_invalid");
    }
    // A signature over another body does not carry over.
    gate::http::Headers headers;
    headers.set("Authorization", "Bearer " + p.device_token);
    headers.set("Content-Type", "application/json");
    headers.set(std::string(domain::kBatchSignatureHeader),
                p.key->sign(gate::as_bytes(domain::batch_signing_input(body))).to_base58());
    auto altered = b.call_with(Method::Post, "/api/v1/devices/me/entries",
                               nlohmann::json(batch).dump(2), std::move(headers));
    CHECK(altered.status == 401);
    auto stats = b.call(Method::Get, "/api/v1/events/" + std::to_string(p.event_id) + "/stats",
                        std::string{}, p.owner)
                     .json();
    CHECK(stats["inside_now"] == 0);
    CHECK(push(b, p, body, p.key.get()).json()["stored"].size() == 1);
}

TEST_CASE("an admission counts only with the scanned code as proof; the others are refused") {
    Backend b;
    auto p = provision(b);
    const auto alice = b.sign_in(b.alice);
    const auto ev = static_cast<std::uint32_t>(p.event_id);
    const auto real = b.buy(alice, p.event_id)["ticket_id"].get<std::string>();
    const auto other = b.buy(alice, p.event_id)["ticket_id"].get<std::string>();
    const auto real_id = *domain::ticket_id_from_string(real);
    const auto real_code = b.code_of(alice, real);
    const auto forged = gate::ticket::issue({.event_id = ev, .ticket_id = real_id},
                                            gate::crypto::KeyPair::generate());
    auto at = [&] { return b.clock->now_ms(); };

    domain::EntryBatch batch;
    batch.entries = {
        entry(real_id, ev, "north-1", at()),                                // no proof
        entry(real_id, ev, "north-1", at(), "not a ticket code"),           // garbage
        entry(real_id, ev, "north-1", at(), forged),                        // forged
        entry(real_id, ev, "north-1", at(), b.code_of(alice, other)),       // another's
        entry(987654321, ev, "north-1", at(), real_code),                   // made-up ticket
        entry(real_id, ev, "north-1", at(), real_code),                     // genuine
        entry(*domain::ticket_id_from_string(other), ev, "north-1", at()),  // refused scan
    };
    batch.entries[6].verdict = domain::Verdict::Rejected;
    batch.entries[6].reason = "entry.already_inside";
    auto r = push(b, p, nlohmann::json(batch));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto answer = domain::from_json<domain::IngestResult>(r.json());
    REQUIRE(answer.ok());
    CHECK(answer->stored ==
          std::vector<std::string>{batch.entries[5].nonce, batch.entries[6].nonce});
    CHECK(answer->refused == std::vector<domain::IngestNote>{
                                 {batch.entries[0].nonce, "proof.missing"},
                                 {batch.entries[1].nonce, "proof.invalid"},
                                 {batch.entries[2].nonce, "proof.invalid"},
                                 {batch.entries[3].nonce, "proof.mismatch"},
                                 {batch.entries[4].nonce, "proof.mismatch"},
                             });
    auto stats = b.call(Method::Get, "/api/v1/events/" + std::to_string(ev) + "/stats",
                        std::string{}, p.owner)
                     .json();
    CHECK(stats["inside_now"] == 1);
    CHECK(stats["rejected_scans"] == 1);
    // A refused entry is not remembered: sent again with its proof it is stored.
    batch.entries[0].proof = real_code;
    domain::EntryBatch again{{batch.entries[0]}};
    CHECK(push(b, p, nlohmann::json(again)).json()["stored"].size() == 1);
}

TEST_CASE("an entry whose time does not fit the device's clock is stored, and flagged") {
    Backend b;
    auto p = provision(b);
    const auto alice = b.sign_in(b.alice);
    const auto ev = static_cast<std::uint32_t>(p.event_id);
    const auto ticket = b.buy(alice, p.event_id)["ticket_id"].get<std::string>();
    const auto code = b.code_of(alice, ticket);
    const auto id = *domain::ticket_id_from_string(ticket);
    const std::int64_t now = b.clock->now_ms();
    const std::int64_t minute = 60'000;

    domain::EntryBatch batch;
    batch.sent_at = now - 2 * minute;  // the device's clock runs two minutes behind
    auto fits = entry(id, ev, "north-1", now - 3 * minute, code);
    fits.clock_offset_ms = 2 * minute;
    auto lies = entry(id, ev, "north-1", now - 60 * minute, code);  // claims an hour ago...
    lies.clock_offset_ms = -58 * minute;                            // ...by a made-up offset
    lies.direction = domain::Direction::Out;
    auto future = entry(id, ev, "north-1", now + 58 * minute, code);
    future.clock_offset_ms = 2 * minute;
    future.direction = domain::Direction::Out;
    batch.entries = {fits, lies, future};
    auto r = push(b, p, nlohmann::json(batch));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto answer = domain::from_json<domain::IngestResult>(r.json());
    REQUIRE(answer.ok());
    CHECK(answer->stored.size() == 3);  // it happened: all stored
    CHECK(answer->flagged == std::vector<domain::IngestNote>{
                                 {lies.nonce, "clock.offset_mismatch"},
                                 {future.nonce, "clock.future"},
                             });
    auto opened = b.open_db();
    auto* db = &opened;
    auto flags = db->query_one<std::int64_t>(
        "SELECT count(*) FROM validations WHERE clock_flag IS NOT NULL");
    REQUIRE(flags.ok());
    CHECK(*flags == 2);
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
