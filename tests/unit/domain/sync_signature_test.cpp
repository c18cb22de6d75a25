// The device-sync signatures: the exact bytes signed (the vectors of docs/sync-protocol.md,
// "Signed records"), and that changing any field, or using a signature for another record
// or another kind of record, fails verification.
#include <doctest/doctest.h>

#include <array>

#include "gate/domain/SyncSignature.h"

using namespace gate;
using namespace gate::domain;

namespace {

const crypto::KeyPair& sync_key() {
    static const crypto::KeyPair key = crypto::KeyPair::from_seed(std::array<std::uint8_t, 32>{1});
    return key;
}

Assignment sample_assignment() {
    Assignment a;
    a.device_id = 17;
    a.event_id = 1001;
    a.gate = "north-1";
    a.checkin_list = {1, "North", {0, 1}, Reentry::Single, false};
    a.event = {1001, "Summer Night", 1767225600000, 1767254400000};
    a.server_time = 1767225600123;
    return a;
}

}  // namespace

TEST_CASE("the signed text of each record is fixed, field by field") {
    const auto mint = crypto::KeyPair::from_seed(std::array<std::uint8_t, 32>{2}).public_key();
    CHECK(signing_input(TicketRecord{42, 2, 3, TicketStatus::Revoked}) ==
          "gate-sync-ticket-v1:42:2:3:revoked:");
    // The vector of docs/sync-protocol.md: Ed25519 is deterministic.
    CHECK(sync_key().public_key().to_base58() == "EvFUfisEScFuZSqDXagC17m3bpP32B74dseMHtzQ5TNb");
    TicketRecord vector{42, 2, 3, TicketStatus::Revoked};
    sign_record(vector, sync_key());
    CHECK(
        vector.sync_signature->to_base58() ==
        "3k6vnh9SqbKyvmaK1DtTViqQb3gJt54hEVBKHqxc5tPFF5ckK5xFfCRirrKa4QRN7v2V9Qx413yXD4SUM3EDXjEc");
    CHECK(signing_input(TicketRecord{18446744073709551615u, 0, 0, TicketStatus::Valid, mint}) ==
          "gate-sync-ticket-v1:18446744073709551615:0:0:valid:" + mint.to_base58());
    // A pass binding is signed only when there is one, so older rows keep their signatures.
    TicketRecord bound{42, 2, 3, TicketStatus::Valid, mint};
    bound.binding = 7;
    CHECK(signing_input(bound) == "gate-sync-ticket-v1:42:2:3:valid:" + mint.to_base58() + ":b7");
    CHECK(signing_input(IssuerKeyRecord{mint, 1001, true}) ==
          "gate-sync-issuer-key-v1:1001:" + mint.to_base58() + ":retired");
    CHECK(signing_input(IssuerKeyRecord{mint, 7, false}) ==
          "gate-sync-issuer-key-v1:7:" + mint.to_base58() + ":active");
    const std::string assignment = signing_input(sample_assignment());
    CHECK(
        assignment ==
        R"(gate-sync-assignment-v1:{"checkin_list":{"accept_unknown_tickets":false,"id":1,)"
        R"("name":"North","reentry":"single","tiers":[0,1]},"device_id":17,"event":)"
        R"({"code_policy":"static_allowed","ends_at":1767254400000,"id":1001,"name":"Summer Night",)"
        R"("starts_at":1767225600000,"status":"active"},"event_id":1001,"gate":"north-1",)"
        R"("server_time":1767225600123})");
    // The signature itself is never part of what is signed.
    Assignment signed_one = sample_assignment();
    sign_record(signed_one, sync_key());
    CHECK(signing_input(signed_one) == assignment);
}

TEST_CASE("a signed record verifies; any edit, another key or no signature does not") {
    TicketRecord ticket{42, 2, 0, TicketStatus::Revoked};
    CHECK_FALSE(verify_record(ticket, sync_key().public_key()));  // unsigned
    sign_record(ticket, sync_key());
    REQUIRE(verify_record(ticket, sync_key().public_key()));
    CHECK_FALSE(verify_record(ticket, crypto::KeyPair::generate().public_key()));

    auto edited = ticket;
    edited.status = TicketStatus::Valid;  // un-revoked
    CHECK_FALSE(verify_record(edited, sync_key().public_key()));
    edited = ticket;
    edited.generation = 1;
    CHECK_FALSE(verify_record(edited, sync_key().public_key()));
    edited = ticket;
    edited.ticket_id = 43;  // the signature of another ticket's row
    CHECK_FALSE(verify_record(edited, sync_key().public_key()));
    edited = ticket;
    edited.mint = sync_key().public_key();
    CHECK_FALSE(verify_record(edited, sync_key().public_key()));
    ticket.binding = 3;
    sign_record(ticket, sync_key());
    REQUIRE(verify_record(ticket, sync_key().public_key()));
    edited = ticket;
    edited.binding = 2;  // an older phone's pass made current again
    CHECK_FALSE(verify_record(edited, sync_key().public_key()));

    IssuerKeyRecord key{crypto::KeyPair::generate().public_key(), 1001, true};
    sign_record(key, sync_key());
    REQUIRE(verify_record(key, sync_key().public_key()));
    auto revived = key;
    revived.retired = false;
    CHECK_FALSE(verify_record(revived, sync_key().public_key()));
    auto moved = key;
    moved.event_id = 1002;
    CHECK_FALSE(verify_record(moved, sync_key().public_key()));

    Assignment assignment = sample_assignment();
    sign_record(assignment, sync_key());
    REQUIRE(verify_record(assignment, sync_key().public_key()));
    auto other_gate = assignment;
    other_gate.gate = "vip";
    CHECK_FALSE(verify_record(other_gate, sync_key().public_key()));
    auto laxer = assignment;
    laxer.checkin_list.accept_unknown_tickets = true;
    CHECK_FALSE(verify_record(laxer, sync_key().public_key()));
    auto other_device = assignment;
    other_device.device_id = 18;
    CHECK_FALSE(verify_record(other_device, sync_key().public_key()));

    // A signature over one kind of record never verifies as another.
    IssuerKeyRecord borrowed{crypto::KeyPair::generate().public_key(), 1001, false,
                             ticket.sync_signature};
    CHECK_FALSE(verify_record(borrowed, sync_key().public_key()));
}

TEST_CASE("a whole snapshot or page is checked, naming the first record that fails") {
    Snapshot snapshot;
    snapshot.assignment = sample_assignment();
    snapshot.issuer_keys = {{crypto::KeyPair::generate().public_key(), 1001, false}};
    snapshot.tickets = {{42, 0, 0, TicketStatus::Valid}, {43, 0, 0, TicketStatus::Revoked}};
    snapshot.inside = {{42, Direction::In, 1767225600000, "south"}};
    CHECK(unverified_record(snapshot, sync_key().public_key())->field == "assignment.sig");
    sign_records(snapshot, sync_key());
    CHECK_FALSE(unverified_record(snapshot, sync_key().public_key()).has_value());
    snapshot.tickets[1].status = TicketStatus::Valid;
    const auto bad = unverified_record(snapshot, sync_key().public_key());
    REQUIRE(bad.has_value());
    CHECK(bad->field == "tickets[1].sig");
    CHECK(bad->message == "tickets[1].sig: not signed by this device's pinned backend sync key");

    ChangesPage page;
    page.cursor = 4;
    page.changes = {{1, InsideRecord{42, Direction::Out, 1767225700000, "south"}},
                    {2, TicketRecord{44, 0, 0, TicketStatus::Valid}},
                    {3, IssuerKeyRecord{crypto::KeyPair::generate().public_key(), 1001, false}},
                    {4, sample_assignment()}};
    CHECK(unverified_record(page, sync_key().public_key())->field == "changes[1].ticket.sig");
    sign_records(page, sync_key());
    CHECK_FALSE(unverified_record(page, sync_key().public_key()).has_value());
    std::get<Assignment>(page.changes[3].payload).gate = "vip";
    CHECK(unverified_record(page, sync_key().public_key())->field == "changes[3].assignment.sig");

    // The signatures travel as "sig" and come back from the wire intact.
    sign_records(page, sync_key());
    auto back = from_json<ChangesPage>(nlohmann::json(page));
    REQUIRE(back.ok());
    CHECK(*back == page);
    CHECK_FALSE(unverified_record(*back, sync_key().public_key()).has_value());
}
