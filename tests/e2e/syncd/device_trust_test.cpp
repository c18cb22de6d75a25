// Trust anchors on a real provisioned device (docs/security.md, "Device database"): the
// real ticket-api signs what a device trusts with its device-sync key, gate-scanner
// provision pins that key from the setup code, and edits made to the device database with
// plain SQL (no key) do not make gate-scanner admit anyone it should not.
#include <doctest/doctest.h>

#include "SyncdHarness.h"
#include "gate/domain/SyncMessages.h"
#include "gate/ticket/TicketCode.h"

using namespace gate;
using namespace gate::test;

namespace {

struct World {
    TempDir dir;
    BackendProcess api{dir};
    Wallet buyer;
    std::string organizer_token, buyer_token;
    std::int64_t event_id = 0;

    World() {
        api.start();
        organizer_token = api.sign_in(api.organizer);
        buyer_token = api.sign_in(buyer);
        event_id = api.create_event(organizer_token);
    }
    std::string buy() { return api.buy(buyer_token, event_id); }
    std::string code(const std::string& ticket) { return api.code_of(buyer_token, ticket); }
};

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
