// The record path: a scan is decided against the real device database and committed before
// Gate::scan returns; manual entry (gate-scanner check) goes through the same call.
#include "gate/scanner/Gate.h"

#include <doctest/doctest.h>

#include "ScannerFixture.h"
#include "SyncKey.h"
#include "gate/domain/Reason.h"

using namespace gate;
using domain::Direction;
using domain::Verdict;
using test::kNowMs;

TEST_CASE("an admission is on disk, with every field, when scan returns") {
    test::ScannerFixture f;
    REQUIRE(f.store.sync().record_sync_success(kNowMs, -120).ok());
    auto gate = f.gate();
    const auto outcome = gate.scan(f.code(42));
    REQUIRE(outcome.accepted());
    CHECK(outcome.recorded);
    CHECK(outcome.decision.reason == "ok");

    // Another connection (as gate-syncd would open) sees the committed record.
    auto other = f.open();
    CHECK(other.scans().scan_count(outcome.record.nonce).value() == 1);
    auto pending = other.scans().pending_scans(10).value();
    REQUIRE(pending.size() == 1);
    const auto& r = pending[0];
    CHECK(r.nonce.size() == 22);
    CHECK(r.ticket_id == 42u);
    CHECK(r.event_id == test::kEvent);
    CHECK(r.gate == "north-1");
    CHECK(r.direction == Direction::In);
    CHECK(r.verdict == Verdict::Accepted);
    CHECK(r.scanned_at == kNowMs);
    CHECK(r.clock_offset_ms == -120);
    CHECK(r.proof == f.code(42));  // the backend's proof that this code was presented
    CHECK(other.connection()
              .query_one<std::int64_t>("SELECT device_id FROM scan WHERE nonce = ?", r.nonce)
              .value() == 17);
    CHECK(other.cache().ticket_state(42)->last_scan->direction == Direction::In);
}

TEST_CASE("the second showing of a ticket is refused because the first was recorded") {
    test::ScannerFixture f;
    auto gate = f.gate();
    CHECK(gate.scan(f.code(42)).accepted());
    const auto again = gate.scan(f.code(42));
    CHECK_FALSE(again.accepted());
    CHECK(again.decision.reason == "entry.already_inside");
    CHECK(again.recorded);  // refusals are audited too
    CHECK(gate.counters().accepted == 1);
    CHECK(gate.counters().rejected == 1);
    CHECK(gate.sync_status().queue_depth == 2);
}

TEST_CASE("refused scans are recorded with their reason, unparsable codes without a ticket") {
    test::ScannerFixture f;
    auto gate = f.gate();
    const auto revoked = gate.scan(f.code(43));
    CHECK(revoked.decision.reason == "ticket.revoked");
    const auto junk = gate.scan("WIFI:S:venue;;");
    CHECK(junk.decision.reason == "malformed.prefix");
    auto pending = f.store.scans().pending_scans(10).value();
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].verdict == Verdict::Rejected);
    CHECK(pending[0].reason == "ticket.revoked");
    CHECK(pending[0].ticket_id == 43u);
    CHECK_FALSE(pending[1].ticket_id.has_value());
    CHECK(pending[1].event_id == test::kEvent);
    CHECK(pending[0].proof == f.code(43));  // genuine, though refused
    CHECK_FALSE(pending[1].proof.has_value());
    // A forged code carries no proof: there is nothing genuine to show.
    CHECK_FALSE(gate.scan(ticket::issue({.event_id = test::kEvent, .ticket_id = 44},
                                        crypto::KeyPair::generate()))
                    .accepted());
    CHECK_FALSE(f.store.scans().pending_scans(10).value().back().proof.has_value());
}

TEST_CASE("an exit lane records 'out', and re-entry rules then see the holder outside") {
    test::ScannerFixture f(domain::Reentry::EntryAfterExit);
    auto entry = f.gate(Direction::In);
    auto exit = f.gate(Direction::Out);
    CHECK(exit.scan(f.code(42)).decision.reason == "entry.not_inside");
    CHECK(entry.scan(f.code(42)).accepted());
    CHECK(entry.scan(f.code(42)).decision.reason == "entry.already_inside");
    const auto out = exit.scan(f.code(42));
    CHECK(out.accepted());
    CHECK(out.record.direction == Direction::Out);
    CHECK(entry.scan(f.code(42)).accepted());
}

TEST_CASE("changes written by the sync daemon's connection apply to the very next scan") {
    test::ScannerFixture f;
    auto gate = f.gate();
    auto daemon = f.open();
    domain::ChangesPage page;
    page.cursor = 5;
    page.changes = {{2, domain::TicketRecord{42, 2, 0, domain::TicketStatus::Revoked}}};
    REQUIRE(daemon.cache().apply_changes(gate::test::signed_copy(page)).ok());
    CHECK(gate.scan(f.code(42)).decision.reason == "ticket.revoked");

    // Key rotation: a new key arrives, the old one is retired.
    auto next_key = crypto::KeyPair::generate();
    page.cursor = 7;
    page.changes = {{6, domain::IssuerKeyRecord{next_key.public_key(), test::kEvent, false}},
                    {7, domain::IssuerKeyRecord{f.issuer.public_key(), test::kEvent, true}}};
    REQUIRE(daemon.cache().apply_changes(gate::test::signed_copy(page)).ok());
    CHECK(gate.scan(f.code(50)).decision.reason == "signature.key_retired");
    f.issuer = std::move(next_key);
    CHECK(gate.scan(f.code(51)).accepted());

    REQUIRE(daemon.sync().record_sync_success(kNowMs, 250).ok());
    CHECK(gate.sync_status().online);
    CHECK(gate.scan(f.code(52)).record.clock_offset_ms == 250);
}

TEST_CASE("the clock offset moves 'now' for validity windows") {
    test::ScannerFixture f;
    // The device clock is 2 h behind the server: the code is not valid yet by the device's
    // own clock, but the last known offset corrects it.
    const gate::ManualClock behind(kNowMs - 7'200'000);
    auto lagging = scanner::Gate(f.store, {Direction::In, 0}, behind);
    CHECK(lagging.scan(f.code(42)).decision.reason == "time.not_yet_valid");
    REQUIRE(f.store.sync().record_sync_success(kNowMs, 7'200'000).ok());
    CHECK(lagging.scan(f.code(42)).accepted());
}

TEST_CASE("a device without an assignment refuses and records nothing") {
    test::TempDir dir;
    auto store = device::DeviceDatabase::open(dir / "empty.db").value();
    scanner::Gate gate(store);
    const auto outcome = gate.scan("TK1:whatever");
    CHECK(outcome.decision.reason == "device.not_provisioned");
    CHECK_FALSE(outcome.recorded);
    CHECK(store.scans().stats()->pending == 0);
}

TEST_CASE("when the commit cannot happen the verdict is not green") {
    test::ScannerFixture f;
    auto impatient = f.open({.busy_timeout = std::chrono::milliseconds{50}});
    scanner::Gate gate(impatient, {}, f.clock);
    REQUIRE(gate.assignment().has_value());  // cache loaded before the lock is taken

    auto holder = f.open();
    auto lock = holder.connection().begin(db::TransactionKind::Immediate);
    REQUIRE(lock.ok());
    const auto outcome = gate.scan(f.code(42));
    CHECK_FALSE(outcome.accepted());
    CHECK_FALSE(outcome.recorded);
    CHECK(outcome.decision.reason == "device.record_failed");
    CHECK(outcome.error.find("busy") != std::string::npos);
    REQUIRE(lock->rollback().ok());

    // The holder shows the ticket again and is admitted: nothing half-recorded was left.
    const auto retry = gate.scan(f.code(42));
    CHECK(retry.accepted());
    CHECK(f.store.scans().stats()->accepted == 1);
}
