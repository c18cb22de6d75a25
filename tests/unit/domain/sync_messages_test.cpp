// The JSON of docs/sync-protocol.md, read and written by gate::device's message types. The
// examples are the document's own (with its "..." placeholders filled in).
#include <doctest/doctest.h>

#include <string>

#include "gate/codec/Base64Url.h"
#include "gate/crypto/Ed25519.h"
#include "gate/crypto/SealedBox.h"
#include "gate/domain/SyncMessages.h"

using namespace gate;
using namespace gate::domain;
using Json = nlohmann::json;

namespace {

const std::string kKey = crypto::KeyPair::generate().public_key().to_base58();

std::string assignment_text() {
    return R"({
      "device_id": 17, "event_id": 1001, "gate": "north-1",
      "checkin_list": {
        "id": 1, "name": "North entrance",
        "tiers": [0, 1, 2],
        "reentry": "entry_after_exit",
        "accept_unknown_tickets": true
      },
      "event": {"id": 1001, "name": "Summer Night", "starts_at": 1767225600000, "ends_at": 1767254400000},
      "server_time": 1767225600123
    })";
}

std::string snapshot_text() {
    return R"({
      "cursor": 5234,
      "server_time": 1767225600123,
      "assignment": )" +
           assignment_text() + R"(,
      "issuer_keys": [{"public_key": ")" +
           kKey + R"(", "event_id": 1001, "retired": false}],
      "tickets": [{"ticket_id": "42", "tier": 2, "generation": 0, "status": "valid"}],
      "inside": [{"ticket_id": "42", "direction": "in", "at": 1767225000000, "gate": "south-2"}]
    })";
}

std::string changes_text() {
    return R"({
      "cursor": 5240, "more": false, "server_time": 1767225600456,
      "changes": [
        {"seq": 5235, "kind": "ticket",     "ticket": {"ticket_id": "43", "tier": 1, "generation": 0, "status": "valid"}},
        {"seq": 5236, "kind": "ticket",     "ticket": {"ticket_id": "42", "tier": 2, "generation": 1, "status": "valid"}},
        {"seq": 5237, "kind": "entry",      "entry": {"ticket_id": "44", "direction": "in", "at": 1767225300000, "gate": "south-2"}},
        {"seq": 5238, "kind": "issuer_key", "issuer_key": {"public_key": ")" +
           kKey + R"(", "event_id": 1001, "retired": true}},
        {"seq": 5240, "kind": "assignment", "assignment": )" +
           assignment_text() + R"(}
      ]
    })";
}

const std::string kNonce = "AAECAwQFBgcICQoLDA0ODw";  // base64url of bytes 0..15

std::string entry_text(const std::string& ticket_id = "\"42\"") {
    return R"({"entries": [{
      "nonce": ")" +
           kNonce + R"(",
      "ticket_id": )" +
           ticket_id + R"(, "event_id": 1001, "generation": 0,
      "gate": "north-1", "direction": "in",
      "verdict": "accepted",
      "reason": "ok",
      "scanned_at": 1767225601000,
      "clock_offset_ms": -120
    }]})";
}

template <class T>
std::string error_of(const std::string& body) {
    auto parsed = parse_message<T>(body);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message;
}

template <class T>
void round_trips(const T& value) {
    auto back = from_json<T>(nlohmann::json(value));
    REQUIRE(back.ok());
    CHECK(*back == value);
    auto reparsed = parse_message<T>(nlohmann::json(value).dump());
    REQUIRE(reparsed.ok());
    CHECK(*reparsed == value);
}

}  // namespace

TEST_CASE("the documented assignment reads field by field") {
    auto parsed = parse_message<Assignment>(assignment_text());
    REQUIRE(parsed.ok());
    CHECK(parsed->device_id == 17);
    CHECK(parsed->event_id == 1001);
    CHECK(parsed->gate == "north-1");
    CHECK(parsed->checkin_list.id == 1);
    CHECK(parsed->checkin_list.name == "North entrance");
    CHECK(parsed->checkin_list.tiers == std::vector<std::uint8_t>{0, 1, 2});
    CHECK(parsed->checkin_list.reentry == Reentry::EntryAfterExit);
    CHECK(parsed->checkin_list.accept_unknown_tickets);
    CHECK(parsed->event.name == "Summer Night");
    CHECK(parsed->event.starts_at == 1767225600000);
    CHECK(parsed->server_time == 1767225600123);
    round_trips(*parsed);
}

TEST_CASE("the documented snapshot reads with keys, tickets and inside state") {
    auto parsed = parse_message<Snapshot>(snapshot_text());
    REQUIRE(parsed.ok());
    CHECK(parsed->cursor == 5234);
    CHECK(parsed->assignment.gate == "north-1");
    REQUIRE(parsed->issuer_keys.size() == 1);
    CHECK(parsed->issuer_keys[0].public_key.to_base58() == kKey);
    CHECK_FALSE(parsed->issuer_keys[0].retired);
    REQUIRE(parsed->tickets.size() == 1);
    CHECK(parsed->tickets[0] == TicketRecord{42, 2, 0, TicketStatus::Valid, std::nullopt});
    REQUIRE(parsed->inside.size() == 1);
    CHECK(parsed->inside[0] == InsideRecord{42, Direction::In, 1767225000000, "south-2"});
    round_trips(*parsed);
}

TEST_CASE("the documented changes page reads every kind of change in order") {
    auto parsed = parse_message<ChangesPage>(changes_text());
    REQUIRE(parsed.ok());
    CHECK(parsed->cursor == 5240);
    CHECK_FALSE(parsed->more);
    REQUIRE(parsed->changes.size() == 5);
    CHECK(parsed->changes[0].kind() == ChangeKind::Ticket);
    CHECK(std::get<TicketRecord>(parsed->changes[1].payload).generation == 1);
    CHECK(parsed->changes[2].kind() == ChangeKind::Entry);
    CHECK(std::get<InsideRecord>(parsed->changes[2].payload).ticket_id == 44);
    CHECK(parsed->changes[3].kind() == ChangeKind::IssuerKey);
    CHECK(std::get<IssuerKeyRecord>(parsed->changes[3].payload).retired);
    CHECK(parsed->changes[4].kind() == ChangeKind::Assignment);
    CHECK(std::get<Assignment>(parsed->changes[4].payload).device_id == 17);
    round_trips(*parsed);
}

TEST_CASE("the documented entry batch reads, and a rejected scan may have no ticket id") {
    auto parsed = parse_message<EntryBatch>(entry_text());
    REQUIRE(parsed.ok());
    REQUIRE(parsed->entries.size() == 1);
    const auto& e = parsed->entries[0];
    CHECK(e.nonce == kNonce);
    CHECK(e.ticket_id == 42u);
    CHECK(e.verdict == Verdict::Accepted);
    CHECK(e.clock_offset_ms == -120);
    round_trips(*parsed);

    std::string rejected = entry_text("null");
    rejected.replace(rejected.find("\"accepted\""), 10, "\"rejected\"");
    auto unparsed = parse_message<EntryBatch>(rejected);
    REQUIRE(unparsed.ok());
    CHECK_FALSE(unparsed->entries[0].ticket_id.has_value());
    CHECK(nlohmann::json(*unparsed)["entries"][0]["ticket_id"].is_null());
    round_trips(*unparsed);

    CHECK(error_of<EntryBatch>(entry_text("null")) ==
          "entries[0].ticket_id: an accepted entry needs a ticket id");
}

TEST_CASE("the documented ingest answer reads stored, duplicates and conflicts") {
    const std::string body = R"({"stored": [")" + kNonce +
                             R"("], "duplicates": [], "conflicts": [{"nonce": ")" + kNonce +
                             R"(", "ticket_id": "42", "other_gate": "south-2"}]})";
    auto parsed = parse_message<IngestResult>(body);
    REQUIRE(parsed.ok());
    CHECK(parsed->stored == std::vector<std::string>{kNonce});
    CHECK(parsed->duplicates.empty());
    REQUIRE(parsed->conflicts.size() == 1);
    CHECK(parsed->conflicts[0].other_gate == "south-2");
    round_trips(*parsed);
}

TEST_CASE("ticket ids travel as canonical decimal strings, all 64 bits of them") {
    TicketRecord big{18446744073709551615ull, 0, 3, TicketStatus::Revoked};
    CHECK(nlohmann::json(big)["ticket_id"] == "18446744073709551615");
    round_trips(big);

    CHECK(ticket_id_from_string("0") == 0u);
    CHECK_FALSE(ticket_id_from_string("").has_value());
    CHECK_FALSE(ticket_id_from_string("042").has_value());
    CHECK_FALSE(ticket_id_from_string("+42").has_value());
    CHECK_FALSE(ticket_id_from_string("-1").has_value());
    CHECK_FALSE(ticket_id_from_string("4 2").has_value());
    CHECK_FALSE(ticket_id_from_string("18446744073709551616").has_value());

    CHECK(
        error_of<TicketRecord>(
            R"({"ticket_id": 42, "tier": 0, "generation": 0, "status": "valid"})") ==
        "ticket_id: expected a ticket id as a decimal string (no sign, no leading zeros, 64 bits), "
        "got an integer");
    CHECK(error_of<TicketRecord>(
              R"({"ticket_id": "x", "tier": 0, "generation": 0, "status": "valid"})")
              .starts_with("ticket_id: expected a ticket id"));
}

TEST_CASE("a bad field is named with its path, and nothing is thrown") {
    SUBCASE("missing") {
        CHECK(error_of<Snapshot>(R"({"cursor": 1, "server_time": 2})") ==
              "assignment: is required");
    }
    SUBCASE("deep in an array") {
        std::string body = snapshot_text();
        body.replace(body.find("\"tier\": 2"), 9, "\"tier\": 300");
        CHECK(error_of<Snapshot>(body) == "tickets[0].tier: expected an integer from 0 to 255");
    }
    SUBCASE("wrong type") {
        std::string body = changes_text();
        body.replace(body.find("\"more\": false"), 13, "\"more\": 0");
        CHECK(error_of<ChangesPage>(body) == "more: expected true or false, got an integer");
    }
    SUBCASE("a float where an integer belongs") {
        std::string body = changes_text();
        body.replace(body.find("\"seq\": 5235"), 11, "\"seq\": 5235.5");
        CHECK(error_of<ChangesPage>(body) ==
              "changes[0].seq: expected an integer, got a fractional number");
    }
    SUBCASE("an unknown enum value") {
        std::string body = assignment_text();
        body.replace(body.find("\"entry_after_exit\""), 18, "\"twice\"");
        CHECK(error_of<Assignment>(body) ==
              "checkin_list.reentry: expected one of single, multi, entry_after_exit");
    }
    SUBCASE("an unknown change kind") {
        CHECK(
            error_of<ChangesPage>(
                R"({"cursor": 9, "more": false, "server_time": 1, "changes": [{"seq": 9, "kind": "party"}]})") ==
            "changes[0].kind: expected one of ticket, entry, issuer_key, assignment");
    }
    SUBCASE("changes out of order or beyond the cursor") {
        CHECK(error_of<ChangesPage>(
                  R"({"cursor": 9, "more": false, "server_time": 1, "changes": [
                      {"seq": 5, "kind": "entry", "entry": {"ticket_id": "1", "direction": "in", "at": 1, "gate": "g"}},
                      {"seq": 5, "kind": "entry", "entry": {"ticket_id": "1", "direction": "out", "at": 2, "gate": "g"}}]})") ==
              "changes[1].seq: not above the previous change's seq");
        CHECK(error_of<ChangesPage>(
                  R"({"cursor": 4, "more": false, "server_time": 1, "changes": [
                      {"seq": 5, "kind": "entry", "entry": {"ticket_id": "1", "direction": "in", "at": 1, "gate": "g"}}]})") ==
              "changes[0].seq: above the page's cursor");
    }
    SUBCASE("a bad key") {
        std::string body = snapshot_text();
        body.replace(body.find(kKey), kKey.size(), "not-base58!");
        CHECK(error_of<Snapshot>(body) ==
              "issuer_keys[0].public_key: expected a base58 Ed25519 public key (32 bytes)");
    }
    SUBCASE("a bad nonce") {
        std::string body = entry_text();
        body.replace(body.find(kNonce), kNonce.size(), "short");
        CHECK(error_of<EntryBatch>(body) ==
              "entries[0].nonce: expected a nonce: base64url of 16 bytes (22 characters)");
    }
    SUBCASE("the assignment's event must be its event") {
        std::string body = assignment_text();
        body.replace(body.find("\"id\": 1001"), 10, "\"id\": 1002");
        CHECK(error_of<Assignment>(body) == "event.id: does not match event_id");
    }
    SUBCASE("not JSON, not an object") {
        CHECK(error_of<Snapshot>("{\"cursor\": ")
                  .starts_with("body: not valid JSON: line 1, column 12"));
        CHECK(error_of<Snapshot>("[]") == "body: expected an object, got an array");
    }
}

TEST_CASE("a batch of more than 500 entries is refused as a whole") {
    EntryBatch batch;
    EntryRecord record{kNonce, 1, 1001, 0, "north-1", Direction::In, Verdict::Accepted, "ok", 5, 0};
    batch.entries.assign(kMaxEntriesPerBatch, record);
    CHECK(from_json<EntryBatch>(nlohmann::json(batch)).ok());
    batch.entries.push_back(record);
    auto parsed = from_json<EntryBatch>(nlohmann::json(batch));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().field == "entries");
    CHECK(parsed.error().message == "entries: expected at most 500 elements, got 501 elements");
}

TEST_CASE("unknown fields are ignored so a newer peer can add some") {
    Json body = Json::parse(assignment_text());
    body["colour"] = "blue";
    body["checkin_list"]["zones"] = Json::array({"vip"});
    CHECK(from_json<Assignment>(body).ok());
}

TEST_CASE("setup codes carry the backend url and one-time token") {
    const SetupCode code{"https://api.example", "tok-123",
                         crypto::KeyPair::from_seed(std::array<std::uint8_t, 32>{7}).public_key()};
    const std::string text = format_setup_code(code);
    CHECK(text.starts_with("GATESETUP1:"));
    auto back = parse_setup_code(text + "\n");
    REQUIRE(back.ok());
    CHECK(*back == code);

    CHECK(parse_setup_code("GATESETUP2:abc").error().message ==
          "setup code: does not start with GATESETUP1:");
    CHECK(parse_setup_code("GATESETUP1:***").error().message ==
          "setup code: not base64url after GATESETUP1:");
    CHECK(parse_setup_code(format_setup_code({"ftp://x", "t", code.sync_key})).error().message ==
          "setup code: url: expected an http:// or https:// URL");
    const std::string no_token =
        "GATESETUP1:" + codec::base64url_encode(as_bytes(R"({"url": "http://x"})"));
    CHECK(parse_setup_code(no_token).error().message == "setup code: token: is required");
    // A code from before pinned sync keys is refused: the device would trust nothing.
    const std::string no_key =
        "GATESETUP1:" + codec::base64url_encode(as_bytes(R"({"url": "http://x", "token": "t"})"));
    CHECK(parse_setup_code(no_key).error().message == "setup code: sync_key: is required");
}

TEST_CASE("registration request and answer round-trip, and the signature covers the token") {
    const auto device = crypto::KeyPair::generate();
    const std::string token = "one-time";
    RegisterRequest request{token, device.public_key(), "north-1-a",
                            device.sign(as_bytes(register_signing_input(token)))};
    CHECK(register_signing_input(token) == "gate-device-register:one-time");
    round_trips(request);
    CHECK(crypto::verify(request.public_key, as_bytes("gate-device-register:one-time"),
                         request.signature));

    auto assignment = parse_message<Assignment>(assignment_text());
    REQUIRE(assignment.ok());
    round_trips(RegisterResponse{17, "device-token", *assignment});
}

TEST_CASE("error bodies read code and message") {
    auto parsed = parse_message<ApiError>(
        R"({"error": {"code": "cursor_expired", "message": "take a new snapshot"}})");
    REQUIRE(parsed.ok());
    CHECK(parsed->code == "cursor_expired");
    CHECK(parsed->message == "take a new snapshot");
    round_trips(*parsed);
    CHECK(parse_message<ApiError>(R"({"error": {"code": "x"}})").ok());
    CHECK(error_of<ApiError>(R"({"oops": 1})") == "error: is required");
}

TEST_CASE("the chain block of an assignment and a ticket's mint are optional and round-trip") {
    const auto device = crypto::KeyPair::generate();
    const auto validator = crypto::KeyPair::generate();
    const auto mint = crypto::KeyPair::generate().public_key();
    const auto sealed = codec::base64url_encode(crypto::seal_for(
        device.public_key(), ByteView{validator.secret().data(), validator.secret().size()}));

    Json with_chain = Json::parse(assignment_text());
    with_chain["chain"] = {{"rpc_url", "http://127.0.0.1:8899"},
                           {"validator", validator.public_key().to_base58()},
                           {"validator_key_sealed", sealed}};
    auto parsed = from_json<Assignment>(with_chain);
    REQUIRE_MESSAGE(parsed.ok(), (parsed ? "" : parsed.error().message));
    REQUIRE(parsed->chain);
    CHECK(parsed->chain->validator == validator.public_key());
    // The device opens the validator's secret with its own key.
    auto opened = crypto::open_sealed(
        device, codec::base64url_decode(parsed->chain->validator_key_sealed).value());
    REQUIRE(opened);
    CHECK(crypto::KeyPair::from_secret(*opened).value().public_key() == validator.public_key());
    round_trips(*parsed);
    CHECK_FALSE(parse_message<Assignment>(assignment_text()).value().chain);
    CHECK_FALSE(
        nlohmann::json(parse_message<Assignment>(assignment_text()).value()).contains("chain"));

    Json ticket = {{"ticket_id", "42"}, {"tier", 2}, {"generation", 0}, {"status", "valid"}};
    CHECK_FALSE(from_json<TicketRecord>(ticket).value().mint);
    ticket["mint"] = mint.to_base58();
    auto with_mint = from_json<TicketRecord>(ticket);
    REQUIRE(with_mint.ok());
    CHECK(with_mint->mint == mint);
    round_trips(*with_mint);
}

TEST_CASE("a bad chain block or mint is named with its path") {
    Json a = Json::parse(assignment_text());
    a["chain"] = {{"rpc_url", "ftp://x"}, {"validator", kKey}, {"validator_key_sealed", "AAAA"}};
    CHECK(error_of<Assignment>(a.dump()).find("chain.rpc_url") == 0);
    a["chain"]["rpc_url"] = "http://127.0.0.1:8899";
    CHECK(error_of<Assignment>(a.dump()).find("chain.validator_key_sealed") == 0);
    a["chain"].erase("validator");
    CHECK(error_of<Assignment>(a.dump()).find("chain.validator") == 0);

    Json ticket = {{"ticket_id", "42"},
                   {"tier", 2},
                   {"generation", 0},
                   {"status", "valid"},
                   {"mint", "not-base58-0OIl"}};
    CHECK(error_of<TicketRecord>(ticket.dump()).find("mint") == 0);
}
