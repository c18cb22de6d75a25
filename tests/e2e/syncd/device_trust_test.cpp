// Trust between a real provisioned device and the real ticket-api (docs/security.md, "Thief
// of a handheld or of its files"). Down: ticket-api signs what a device trusts with its
// device-sync key, gate-scanner provision pins that key from the setup code, and plain SQL
// edits of the device database do not make gate-scanner admit anyone it should not. Up:
// pushed batches must be signed by the device key and admissions must carry the scanned
// code, so copied device files fabricate no entries, while real offline entries count.
#include <doctest/doctest.h>

#include "SyncdHarness.h"
#include "gate/config/SecretFile.h"
#include "gate/crypto/KeyFile.h"
#include "gate/crypto/Random.h"
#include "gate/domain/SyncMessages.h"
#include "gate/ticket/TicketCode.h"

using namespace gate;
using namespace gate::test;

namespace {

void edit(Device& device, const std::string& sql) {
    auto store = device.store();
    auto done = store.connection().exec(sql);
    REQUIRE_MESSAGE(done.ok(), db::to_string(done.error()));
}

}  // namespace

TEST_CASE("a device database edited without the backend's key admits nobody it should not") {
    World w;
    const auto revoked = w.buy();
    const auto revoked_code = w.code(revoked);
    const auto valid = w.buy();
    const auto valid_code = w.code(valid);
    w.api.post("/api/v1/tickets/" + revoked + "/status", json{{"status", "revoked"}},
               w.organizer_token, 200);
    Device gate("north-1-a");
    const auto setup = w.api.setup_code(w.organizer_token, w.event_id, "north-1");
    gate.provision(setup);

    // The pin is the key named in the setup code.
    REQUIRE(gate.store().sync_key() == domain::parse_setup_code(setup).value().sync_key);
    CHECK(gate.check(revoked_code).reason == "ticket.revoked");

    SUBCASE("un-revoking a ticket") {
        edit(gate, "UPDATE ticket SET status = 'valid' WHERE ticket_id = " + revoked);
        const auto verdict = gate.check(revoked_code);
        CHECK(verdict.verdict == "rejected");
        CHECK(verdict.reason == "device.cache_tampered");
        CHECK(gate.check(valid_code).reason == "ok");  // untouched rows still decide
    }
    SUBCASE("copying another row's signature onto it") {
        edit(gate,
             "UPDATE ticket SET status = 'valid', sig = (SELECT sig FROM ticket WHERE "
             "ticket_id = " +
                 valid + ") WHERE ticket_id = " + revoked);
        CHECK(gate.check(revoked_code).reason == "device.cache_tampered");
    }
    SUBCASE("adding an issuer key of the attacker's own") {
        const auto forger = crypto::KeyPair::generate();
        edit(gate, "INSERT INTO issuer_key (public_key, event_id, retired) VALUES ('" +
                       forger.public_key().to_base58() + "', " + std::to_string(w.event_id) +
                       ", 0)");
        const auto forged = ticket::issue(
            {.event_id = static_cast<std::uint32_t>(w.event_id), .ticket_id = 999999}, forger);
        const auto verdict = gate.check(forged);
        CHECK(verdict.verdict == "rejected");
        CHECK(verdict.reason == "device.cache_tampered");
        CHECK(gate.check(valid_code).reason == "device.cache_tampered");  // loud, not silent
        // gate-syncd notices and replaces the cache with a signed snapshot.
        std::string out;
        REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
        CHECK(gate.check(valid_code).reason == "ok");
        CHECK(gate.check(forged).reason == "signature.unknown_key");
    }
    SUBCASE("moving the device to another gate's check-in list") {
        edit(gate, "UPDATE assignment SET body = replace(body, '\"north-1\"', '\"vip\"')");
        CHECK(gate.check(valid_code).reason == "device.cache_tampered");
    }
    SUBCASE("a sync with the backend heals the cache") {
        edit(gate, "UPDATE ticket SET status = 'valid' WHERE ticket_id = " + revoked +
                       "; UPDATE sync_state SET cursor = 0");
        std::string out;
        REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
        CHECK(gate.check(revoked_code).reason == "ticket.revoked");
    }
}

namespace {

// What a thief holding copies of the device's files could push, over real HTTP.
http::Response push_as(World& w, const std::string& token, const domain::EntryBatch& batch,
                       const crypto::KeyPair* key) {
    http::Request r;
    r.method = http::Method::Post;
    r.url = w.api.base() + "/api/v1/devices/me/entries";
    r.body = nlohmann::json(batch).dump();
    r.headers.set("Content-Type", "application/json");
    r.headers.set("Authorization", "Bearer " + token);
    if (key)
        r.headers.set(std::string(domain::kBatchSignatureHeader),
                      key->sign(as_bytes(domain::batch_signing_input(r.body))).to_base58());
    http::Client client;
    auto answer = client.send(r);
    if (!answer.ok()) FAIL(http::to_string(answer.error()));
    return std::move(answer).value();
}

domain::EntryRecord admission(const std::string& ticket, std::int64_t event_id) {
    domain::EntryRecord e;
    e.nonce = crypto::random_token(16);
    e.ticket_id = domain::ticket_id_from_string(ticket);
    e.event_id = static_cast<std::uint32_t>(event_id);
    e.gate = "north-1";
    e.reason = "ok";
    e.scanned_at = wall_now_ms();
    return e;
}

}  // namespace

TEST_CASE("copied device files fabricate no entries; real offline entries still count") {
    World w;
    const auto real = w.buy();
    const auto real_code = w.code(real);
    const auto never_scanned = w.buy();
    Device gate("north-1-a");
    gate.provision(w.api.setup_code(w.organizer_token, w.event_id, "north-1"));
    const auto token = config::read_secret_text(gate.dir() / "device.token");

    // The token file alone: nothing is taken.
    domain::EntryBatch fake{{admission(never_scanned, w.event_id)}};
    auto unsigned_push = push_as(w, token, fake, nullptr);
    CHECK(unsigned_push.status == 401);
    CHECK(unsigned_push.body.find("batch_signature_invalid") != std::string::npos);

    // Token and key (the whole device copied): an admission without the scanned code, of a
    // ticket that exists and one that does not, is refused; so is a forged code.
    const auto key = crypto::load_keypair(gate.dir() / "key.json").value();
    auto forged = admission(never_scanned, w.event_id);
    forged.proof = ticket::issue(
        {.event_id = static_cast<std::uint32_t>(w.event_id), .ticket_id = forged.ticket_id.value()},
        crypto::KeyPair::generate());
    fake.entries.push_back(admission("987654321", w.event_id));
    fake.entries.push_back(forged);
    auto refused = push_as(w, token, fake, &key);
    REQUIRE_MESSAGE(refused.status == 200, refused.body);
    const auto answer = domain::parse_message<domain::IngestResult>(refused.body).value();
    CHECK(answer.stored.empty());
    REQUIRE(answer.refused.size() == 3);
    CHECK(answer.refused[0].reason == "proof.missing");
    CHECK(answer.refused[2].reason == "proof.invalid");
    CHECK(w.api.stats(w.organizer_token, w.event_id)["inside_now"] == 0);
    // The fabricated entries blocked nobody: the real holder gets in online.
    CHECK(w.api.post("/api/v1/validate",
                     json{{"code", w.code(never_scanned)}, {"gate", "box-office"}},
                     w.organizer_token, 200)["verdict"] == "accepted");

    // The real gate: a scan offline, one from a device whose clock jumped an hour ahead
    // after its last sync, and one admission without a code (an edited queue).
    CHECK(gate.check(real_code).reason == "ok");
    {
        auto store = gate.store();
        auto skewed = admission(real, w.event_id);
        skewed.direction = domain::Direction::Out;
        skewed.scanned_at = wall_now_ms() + 3'600'000;
        skewed.proof = real_code;
        REQUIRE(store.scans().record_scan(skewed).ok());
        REQUIRE(store.scans().record_scan(admission(never_scanned, w.event_id)).ok());
    }
    std::string out;
    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
    CHECK(gate.queue_depth() == 0);
    const auto stats = w.api.stats(w.organizer_token, w.event_id);
    CHECK(stats["gates"].size() == 2);  // north-1 (the device) and the box office
    CHECK(stats["clock_flagged"] == 1);
    auto store = gate.store();
    CHECK(store.scans().refused_count().value() == 1);
    CHECK(store.connection().query_one<std::string>("SELECT reason FROM scan_refused").value() ==
          "proof.missing");
}
