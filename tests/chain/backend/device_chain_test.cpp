// What a gate device learns about the chain: its assignment carries the RPC url and the
// event validator's key sealed to the device's own key, and its snapshot and changes
// carry each ticket's mint once the NFT is issued.
#include <doctest/doctest.h>

#include "ChainBackend.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/SealedBox.h"
#include "gate/domain/SyncMessages.h"

using namespace gate;
using namespace gate::test;

namespace {

struct RegisteredDevice {
    crypto::KeyPair key = crypto::KeyPair::generate();
    std::string token;
    domain::Assignment assignment;
};

RegisteredDevice register_device(ChainApi& f) {
    RegisteredDevice d;
    auto setup = f.api.post("/api/v1/devices/setup-codes",
                            json{{"event_id", f.event_id}, {"gate", "north-1"}}, f.organizer);
    REQUIRE(setup.status == 201);
    auto code = domain::parse_setup_code(setup.json().value()["setup_code"].get<std::string>());
    REQUIRE(code.ok());
    domain::RegisterRequest request{
        code->token, d.key.public_key(), "north-1-a",
        d.key.sign(as_bytes(domain::register_signing_input(code->token)))};
    auto r = f.api.post("/api/v1/devices/register", nlohmann::json(request));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    auto registered = domain::parse_message<domain::RegisterResponse>(r.body);
    REQUIRE(registered.ok());
    d.token = registered->device_token;
    d.assignment = registered->assignment;
    return d;
}

}  // namespace

TEST_CASE("a device's assignment carries the validator key sealed to the device") {
    ChainApi f;
    const auto d = register_device(f);
    REQUIRE(d.assignment.chain);
    CHECK(d.assignment.chain->rpc_url == f.chain.url());

    const auto sealed = codec::base64url_decode(d.assignment.chain->validator_key_sealed);
    REQUIRE(sealed.ok());
    auto opened = crypto::open_sealed(d.key, *sealed);
    REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error()));
    auto validator = crypto::KeyPair::from_secret(*opened);
    REQUIRE(validator.ok());
    CHECK(validator->public_key() == d.assignment.chain->validator);
    // It is the event's validator: the key the reconciler hands metadata authority to.
    CHECK(d.assignment.chain->validator.to_base58() == f.event_keys().validator);

    // Another key cannot open it.
    CHECK_FALSE(crypto::open_sealed(crypto::KeyPair::generate(), *sealed).ok());

    // GET /devices/me/assignment says the same.
    auto again = domain::parse_message<domain::Assignment>(
        f.api.get("/api/v1/devices/me/assignment", d.token).body);
    REQUIRE(again.ok());
    REQUIRE(again->chain);
    CHECK(again->chain->validator == d.assignment.chain->validator);

    SUBCASE("chain.device_rpc_url overrides the url devices are told") {
        LoopbackServer other([&](backend::Settings& s) {
            use_chain(s, f.chain.url());
            s.chain_device_rpc_url = "http://gate-rpc.example:8899";
        });
        const auto organizer = other.sign_in(other.backend.organizer);
        auto event = other.post("/api/v1/events", other.backend.event_body(), organizer);
        REQUIRE(event.status == 201);
        auto setup =
            other.post("/api/v1/devices/setup-codes",
                       json{{"event_id", event.json().value()["id"]}, {"gate", "g"}}, organizer);
        auto code = domain::parse_setup_code(setup.json().value()["setup_code"].get<std::string>());
        REQUIRE(code.ok());
        const auto key = crypto::KeyPair::generate();
        domain::RegisterRequest request{
            code->token, key.public_key(), "g-1",
            key.sign(as_bytes(domain::register_signing_input(code->token)))};
        auto registered = domain::parse_message<domain::RegisterResponse>(
            other.post("/api/v1/devices/register", nlohmann::json(request)).body);
        REQUIRE(registered.ok());
        REQUIRE(registered->assignment.chain);
        CHECK(registered->assignment.chain->rpc_url == "http://gate-rpc.example:8899");
    }
}

TEST_CASE("the snapshot and the changes carry a ticket's mint once its NFT is issued") {
    ChainApi f;
    const auto d = register_device(f);
    const auto id = f.buy(f.alice)["ticket_id"].get<std::string>();

    auto before = domain::parse_message<domain::Snapshot>(
        f.api.get("/api/v1/devices/me/snapshot", d.token).body);
    REQUIRE(before.ok());
    REQUIRE(before->tickets.size() == 1);
    CHECK_FALSE(before->tickets[0].mint);  // not on chain yet
    REQUIRE(before->assignment.chain);

    f.drain();
    const auto mint = f.mine(f.alice, id)["chain"]["mint"].get<std::string>();

    // A ticket change announces the issue, so a device in sync learns the mint.
    auto delta = domain::parse_message<domain::ChangesPage>(
        f.api.get("/api/v1/devices/me/changes?after=" + std::to_string(before->cursor), d.token)
            .body);
    REQUIRE(delta.ok());
    REQUIRE(delta->changes.size() == 1);
    const auto& record = std::get<domain::TicketRecord>(delta->changes[0].payload);
    CHECK(domain::ticket_id_to_string(record.ticket_id) == id);
    REQUIRE(record.mint);
    CHECK(record.mint->to_base58() == mint);

    auto after = domain::parse_message<domain::Snapshot>(
        f.api.get("/api/v1/devices/me/snapshot", d.token).body);
    REQUIRE(after.ok());
    REQUIRE(after->tickets.size() == 1);
    REQUIRE(after->tickets[0].mint);
    CHECK(after->tickets[0].mint->to_base58() == mint);
}
