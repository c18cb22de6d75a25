// The chain check-in queue in the device database (schema v3): which scans queue a
// check-in, and the moves pending -> in_flight -> confirmed / failed / back to pending.
#include <doctest/doctest.h>

#include "DeviceTestData.h"
#include "SyncKey.h"
#include "TempDir.h"
#include "gate/device/DeviceDatabase.h"

using namespace gate;
using namespace gate::device;
using namespace gate::domain;
using gate::test::sample_assignment;
using gate::test::scan_of;

namespace {

const crypto::PublicKey kMint42 = crypto::KeyPair::generate().public_key();
const crypto::PublicKey kMint43 = crypto::KeyPair::generate().public_key();
const crypto::PublicKey kMint44 = crypto::KeyPair::generate().public_key();

struct QueueRig {
    test::TempDir dir;
    DeviceDatabase store = gate::test::pinned(DeviceDatabase::open(dir / "device.db").value());

    QueueRig() {
        Snapshot s;
        s.cursor = 100;
        s.assignment = sample_assignment();
        s.tickets = {{42, 0, 0, TicketStatus::Valid, kMint42},
                     {43, 0, 0, TicketStatus::Valid, kMint43},
                     {44, 0, 0, TicketStatus::Valid, kMint44},
                     {45, 0, 0, TicketStatus::Valid, std::nullopt}};  // not on chain yet
        STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(s)));
    }

    ChainTransaction tx(std::string signature, std::vector<std::uint64_t> tickets) {
        return {std::move(signature), Bytes{1, 2, 3}, "blockhash", 150, 1000, std::move(tickets)};
    }
    CheckinState state(std::uint64_t ticket) {
        return store.chain().checkin(ticket).value()->state;
    }
};

}  // namespace

TEST_CASE("the first accepted entry of a ticket with a mint queues one check-in") {
    QueueRig rig;
    CHECK(rig.store.cache().ticket_state(42)->ticket->mint == kMint42);
    CHECK_FALSE(rig.store.cache().ticket_state(45)->ticket->mint.has_value());

    STORE_OK(rig.store.scans().record_scan(scan_of(42, Verdict::Accepted, 1000)));
    const auto c = rig.store.chain().checkin(42).value();
    REQUIRE(c);
    CHECK(*c == ChainCheckin{42, kMint42, "north-1", 1000, CheckinState::Pending, "", ""});

    SUBCASE("re-entry and exits add nothing") {
        STORE_OK(
            rig.store.scans().record_scan(scan_of(42, Verdict::Accepted, 2000, Direction::Out)));
        STORE_OK(
            rig.store.scans().record_scan(scan_of(42, Verdict::Accepted, 3000, Direction::In)));
        CHECK(rig.store.chain().checkin(42).value()->at == 1000);
        CHECK(rig.store.chain().chain_status()->pending == 1);
    }
    SUBCASE("refused scans and exits queue nothing") {
        STORE_OK(rig.store.scans().record_scan(scan_of(43, Verdict::Rejected, 1000)));
        STORE_OK(
            rig.store.scans().record_scan(scan_of(44, Verdict::Accepted, 1000, Direction::Out)));
        CHECK_FALSE(rig.store.chain().checkin(43).value().has_value());
        CHECK_FALSE(rig.store.chain().checkin(44).value().has_value());
    }
    SUBCASE("a ticket without a mint waits until a change brings it") {
        STORE_OK(rig.store.scans().record_scan(scan_of(45, Verdict::Accepted, 1500)));
        STORE_OK(rig.store.scans().record_scan(scan_of(45, Verdict::Accepted, 2500)));
        CHECK_FALSE(rig.store.chain().checkin(45).value().has_value());
        const auto mint = crypto::KeyPair::generate().public_key();
        ChangesPage page;
        page.cursor = 101;
        page.changes = {{101, TicketRecord{45, 0, 0, TicketStatus::Valid, mint}}};
        STORE_OK(rig.store.cache().apply_changes(gate::test::signed_copy(page)));
        const auto queued = rig.store.chain().checkin(45).value();
        REQUIRE(queued);
        CHECK(queued->mint == mint);
        CHECK(queued->at == 1500);  // the first entry, not the latest
        // The same change again (or a snapshot) queues nothing more.
        STORE_OK(rig.store.cache().apply_changes(gate::test::signed_copy(page)));
        CHECK(rig.store.chain().chain_status()->pending == 2);
    }
    SUBCASE("a snapshot that brings mints queues the entries already made") {
        STORE_OK(rig.store.scans().record_scan(scan_of(45, Verdict::Accepted, 1700)));
        Snapshot s;
        s.cursor = 200;
        s.assignment = sample_assignment();
        s.tickets = {{42, 0, 0, TicketStatus::Valid, kMint42},
                     {45, 0, 0, TicketStatus::Valid, kMint44}};
        STORE_OK(rig.store.cache().apply_snapshot(gate::test::signed_copy(s)));
        CHECK(rig.store.chain().checkin(45).value()->at == 1700);
        CHECK(rig.store.chain().checkin(42).value()->at == 1000);
        CHECK(rig.store.chain().chain_status()->pending == 2);
    }
}

TEST_CASE("check-ins move pending -> in_flight -> confirmed, never into two transactions") {
    QueueRig rig;
    for (std::uint64_t t : {42ULL, 43ULL, 44ULL})
        STORE_OK(rig.store.scans().record_scan(
            scan_of(t, Verdict::Accepted, 1000 + static_cast<std::int64_t>(t))));
    auto pending = rig.store.chain().pending_checkins(10).value();
    REQUIRE(pending.size() == 3);
    CHECK(pending[0].ticket_id == 42);  // oldest first
    CHECK(rig.store.chain().pending_checkins(2)->size() == 2);

    STORE_OK(rig.store.chain().begin_chain_transaction(rig.tx("sigA", {42, 43})));
    CHECK(rig.state(42) == CheckinState::InFlight);
    CHECK(rig.store.chain().checkin(42).value()->signature == "sigA");
    CHECK(rig.store.chain().pending_checkins(10)->size() == 1);
    auto in_flight = rig.store.chain().in_flight_transactions().value();
    REQUIRE(in_flight.size() == 1);
    CHECK(in_flight[0].ticket_ids == std::vector<std::uint64_t>{42, 43});
    CHECK(in_flight[0].body == Bytes{1, 2, 3});
    CHECK(in_flight[0].last_valid_block_height == 150);

    // A second transaction claiming 43 again is refused whole.
    auto twice = rig.store.chain().begin_chain_transaction(rig.tx("sigB", {44, 43}));
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.error().code == db::ErrorCode::Constraint);
    CHECK(rig.state(44) == CheckinState::Pending);
    CHECK(rig.store.chain().in_flight_transactions()->size() == 1);

    auto status = rig.store.chain().chain_status().value();
    CHECK(status.pending == 1);
    CHECK(status.in_flight == 2);
    CHECK(status.transactions_in_flight == 1);  // both check-ins ride in sigA
    CHECK(status.queue_depth() == 3);

    SUBCASE("landed: confirmed") {
        STORE_OK(rig.store.chain().settle_landed("sigA", 5000));
        CHECK(rig.state(42) == CheckinState::Confirmed);
        CHECK(rig.state(43) == CheckinState::Confirmed);
        CHECK(rig.store.chain().chain_status()->confirmed == 2);
        CHECK(rig.store.chain().chain_status()->transactions_in_flight == 0);
        CHECK(rig.store.chain().in_flight_transactions()->empty());
        // Settling again changes nothing.
        STORE_OK(rig.store.chain().settle_dropped("sigA", 6000));
        CHECK(rig.state(42) == CheckinState::Confirmed);
    }
    SUBCASE("dropped: back to pending, free for a new transaction") {
        STORE_OK(rig.store.chain().settle_dropped("sigA", 5000));
        CHECK(rig.state(42) == CheckinState::Pending);
        CHECK(rig.store.chain().checkin(42).value()->signature.empty());
        STORE_OK(rig.store.chain().begin_chain_transaction(rig.tx("sigC", {42, 43, 44})));
        CHECK(rig.store.chain().chain_status()->in_flight == 3);
    }
    SUBCASE("failed: the culprit is kept with the reason, the others go back") {
        STORE_OK(rig.store.chain().settle_failed("sigA", 43, "IncorrectUpdateAuthority", 5000));
        CHECK(rig.state(42) == CheckinState::Pending);
        const auto failed = rig.store.chain().checkin(43).value();
        CHECK(failed->state == CheckinState::Failed);
        CHECK(failed->error == "IncorrectUpdateAuthority");
        CHECK(rig.store.chain().chain_status()->failed == 1);
        CHECK(rig.store.chain().retry_failed_checkins().value() == 1);
        CHECK(rig.state(43) == CheckinState::Pending);
        CHECK(rig.store.chain().checkin(43).value()->error.empty());
    }
}

TEST_CASE("a check-in that can never be sent is set aside, and chain status records rounds") {
    QueueRig rig;
    STORE_OK(rig.store.scans().record_scan(scan_of(42, Verdict::Accepted, 1000)));
    STORE_OK(rig.store.chain().fail_checkin(42, "does not fit in one transaction"));
    CHECK(rig.state(42) == CheckinState::Failed);

    STORE_OK(rig.store.chain().record_chain_failure(7000, "chain RPC unreachable"));
    auto status = rig.store.chain().chain_status().value();
    CHECK(status.last_error == "chain RPC unreachable");
    CHECK(status.last_attempt_at == 7000);
    CHECK_FALSE(status.last_success_at.has_value());
    STORE_OK(rig.store.chain().record_chain_success(8000));
    status = rig.store.chain().chain_status().value();
    CHECK(status.last_error.empty());
    CHECK(status.last_success_at == 8000);
}
