// The device database on real SQLite files in WAL mode: cache replacement and deltas, the
// scan queue and its sync marks, and two processes sharing the file.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

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

DeviceDatabase open_store(const std::filesystem::path& path) {
    auto store = DeviceDatabase::open(path);
    if (!store) FAIL("open: " << db::to_string(store.error()));
    return test::pinned(std::move(store).value());
}

const crypto::PublicKey kKeyA = crypto::KeyPair::generate().public_key();
const crypto::PublicKey kKeyB = crypto::KeyPair::generate().public_key();

Snapshot sample_snapshot() {
    Snapshot s;
    s.cursor = 100;
    s.server_time = 1767225600000;
    s.assignment = sample_assignment();
    s.issuer_keys = {{kKeyA, 1001, false}};
    s.tickets = {{42, 2, 0, TicketStatus::Valid}, {43, 1, 3, TicketStatus::Revoked}};
    s.inside = {{42, Direction::In, 1767225000000, "south-2"}};
    return s;
}

}  // namespace

TEST_CASE("a new store has its schema, WAL, and an empty sync state") {
    test::TempDir dir;
    auto store = open_store(dir / "scanner.db");
    CHECK(store.connection().query_one<std::string>("PRAGMA journal_mode").value() == "wal");
    CHECK(store.connection().query_one<std::int64_t>("PRAGMA synchronous").value() == 2);  // FULL
    CHECK(store.connection().query_one<std::int64_t>("PRAGMA user_version").value() == 5);
    auto status = store.sync().sync_status();
    REQUIRE(status.ok());
    CHECK(status->cursor == 0);
    CHECK_FALSE(status->online);
    CHECK(status->queue_depth == 0);
    CHECK_FALSE(store.cache().assignment().value().has_value());
    // Opening again (the other process at start-up) migrates nothing and keeps the data.
    STORE_OK(store.sync().set_identity(17, "http://127.0.0.1:1"));
    auto again = open_store(dir / "scanner.db");
    CHECK(again.sync().sync_status()->device_id == 17);
}

TEST_CASE("a snapshot replaces the whole cache and sets the cursor") {
    test::TempDir dir;
    auto store = open_store(dir / "scanner.db");
    STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(sample_snapshot())));
    CHECK(store.cache().assignment().value() == sample_assignment());
    CHECK(store.cache().issuer_keys().value() ==
          std::vector<IssuerKeyRecord>{{kKeyA, 1001, false}});
    auto t42 = store.cache().ticket_state(42).value();
    CHECK(t42.ticket == TicketRecord{42, 2, 0, TicketStatus::Valid, std::nullopt});
    CHECK(t42.last_scan == InsideRecord{42, Direction::In, 1767225000000, "south-2"});
    CHECK(store.cache().ticket_state(43)->ticket->status == TicketStatus::Revoked);
    CHECK(store.sync().sync_status()->cursor == 100);

    Snapshot second = sample_snapshot();
    second.cursor = 200;
    second.issuer_keys = {{kKeyB, 1001, false}};
    second.tickets = {{44, 0, 0, TicketStatus::Valid}};
    second.inside.clear();
    STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(second)));
    CHECK_FALSE(store.cache().ticket_state(42)->ticket.has_value());
    CHECK_FALSE(store.cache().ticket_state(42)->last_scan.has_value());
    CHECK(store.cache().ticket_state(44)->ticket.has_value());
    CHECK(store.cache().issuer_keys().value() ==
          std::vector<IssuerKeyRecord>{{kKeyB, 1001, false}});
    CHECK(store.cache().ticket_count().value() == 1);
    CHECK(store.sync().sync_status()->cursor == 200);
}

TEST_CASE("a snapshot keeps this device's own admissions the backend has not seen") {
    test::TempDir dir;
    auto store = open_store(dir / "scanner.db");
    STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(sample_snapshot())));
    // Ticket 42 went out and came back in here after the snapshot's view of it.
    STORE_OK(
        store.scans().record_scan(scan_of(42, Verdict::Accepted, 1767225700000, Direction::In)));
    STORE_OK(
        store.scans().record_scan(scan_of(44, Verdict::Accepted, 1767225800000, Direction::In)));
    STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(sample_snapshot())));
    CHECK(store.cache().ticket_state(42)->last_scan->at == 1767225700000);
    CHECK(store.cache().ticket_state(42)->last_scan->gate == "north-1");
    REQUIRE(store.cache().ticket_state(44)->last_scan.has_value());
    // A later scan the backend reports wins over an older local one.
    Snapshot newer = sample_snapshot();
    newer.inside = {{44, Direction::Out, 1767225900000, "south-2"}};
    STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(newer)));
    CHECK(store.cache().ticket_state(44)->last_scan->direction == Direction::Out);
}

TEST_CASE("changes apply each kind, move the cursor, and applying twice changes nothing") {
    test::TempDir dir;
    auto store = open_store(dir / "scanner.db");
    STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(sample_snapshot())));
    Assignment moved = sample_assignment();
    moved.gate = "west-3";
    ChangesPage page;
    page.cursor = 110;
    page.changes = {
        {101, TicketRecord{45, 1, 0, TicketStatus::Valid, std::nullopt}},
        {102, TicketRecord{42, 2, 1, TicketStatus::Valid, std::nullopt}},  // a transfer
        {103, InsideRecord{42, Direction::Out, 1767225100000, "south-2"}},
        {104, IssuerKeyRecord{kKeyA, 1001, true}},
        {105, IssuerKeyRecord{kKeyB, 1001, false}},
        {110, moved},
    };
    STORE_OK(store.cache().apply_changes(gate::test::signed_copy(page)));
    auto check_applied = [&] {
        CHECK(store.cache().ticket_state(45)->ticket.has_value());
        CHECK(store.cache().ticket_state(42)->ticket->generation == 1);
        CHECK(store.cache().ticket_state(42)->last_scan->direction == Direction::Out);
        auto keys = store.cache().issuer_keys().value();  // ordered by base58 text
        REQUIRE(keys.size() == 2);
        for (const auto& key : keys)
            CHECK(key == (key.public_key == kKeyA ? IssuerKeyRecord{kKeyA, 1001, true}
                                                  : IssuerKeyRecord{kKeyB, 1001, false}));
        CHECK(store.cache().assignment().value()->gate == "west-3");
        CHECK(store.sync().sync_status()->cursor == 110);
    };
    check_applied();
    STORE_OK(store.cache().apply_changes(gate::test::signed_copy(page)));
    check_applied();

    // A change at or below the cursor is already in: a replayed old page is a no-op.
    ChangesPage stale;
    stale.cursor = 105;
    stale.changes = {{102, TicketRecord{42, 2, 0, TicketStatus::Valid, std::nullopt}}};
    STORE_OK(store.cache().apply_changes(gate::test::signed_copy(stale)));
    CHECK(store.cache().ticket_state(42)->ticket->generation == 1);
    CHECK(store.sync().sync_status()->cursor == 110);

    // An entry seen elsewhere that is older than what we know does not roll state back.
    ChangesPage late;
    late.cursor = 111;
    late.changes = {{111, InsideRecord{42, Direction::In, 1767225050000, "east-1"}}};
    STORE_OK(store.cache().apply_changes(gate::test::signed_copy(late)));
    CHECK(store.cache().ticket_state(42)->last_scan->direction == Direction::Out);
}

TEST_CASE("a recorded scan is durable, unique by nonce, and admissions update inside state") {
    test::TempDir dir;
    const auto path = dir / "scanner.db";
    auto accepted = scan_of(42);
    auto rejected = scan_of(43, Verdict::Rejected);
    rejected.ticket_id.reset();
    rejected.reason = "malformed.prefix";
    {
        auto store = open_store(path);
        STORE_OK(store.sync().set_identity(17, "http://backend"));
        STORE_OK(store.scans().record_scan(accepted));
        STORE_OK(store.scans().record_scan(rejected));
        auto again = store.scans().record_scan(accepted);
        REQUIRE_FALSE(again.ok());
        CHECK(again.error().code == db::ErrorCode::Constraint);
        // A duplicate admission of another ticket leaves no trace at all.
        auto clash = scan_of(99);
        clash.nonce = accepted.nonce;
        CHECK_FALSE(store.scans().record_scan(clash).ok());
        CHECK_FALSE(store.cache().ticket_state(99)->last_scan.has_value());
    }
    auto store = open_store(path);
    CHECK(store.scans().scan_count(accepted.nonce).value() == 1);
    CHECK(store.scans().scan_count(rejected.nonce).value() == 1);
    CHECK(store.cache().ticket_state(42)->last_scan->direction == Direction::In);
    CHECK(store.connection()
              .query_one<std::int64_t>("SELECT device_id FROM scan WHERE nonce = ?", accepted.nonce)
              .value() == 17);
    auto stats = store.scans().stats().value();
    CHECK(stats.accepted == 1);
    CHECK(stats.rejected == 1);
    CHECK(stats.pending == 2);
    CHECK(stats.inside_now == 1);
    CHECK(stats.by_reason.size() == 2);
}

TEST_CASE("pending scans come oldest first in batches until marked synced") {
    test::TempDir dir;
    auto store = open_store(dir / "scanner.db");
    std::vector<std::string> nonces;
    for (std::uint64_t t = 1; t <= 5; ++t) {
        auto scan = scan_of(t, t % 2 ? Verdict::Accepted : Verdict::Rejected,
                            1767225601000 + static_cast<std::int64_t>(t));
        nonces.push_back(scan.nonce);
        STORE_OK(store.scans().record_scan(scan));
    }
    auto first = store.scans().pending_scans(3).value();
    REQUIRE(first.size() == 3);
    CHECK(first[0].nonce == nonces[0]);
    CHECK(first[1].verdict == Verdict::Rejected);
    CHECK(first[2].ticket_id == 3u);
    CHECK(store.sync().sync_status()->queue_depth == 5);

    std::vector<std::string> synced = {nonces[0], nonces[1], nonces[2], "unknown-nonce"};
    CHECK(store.scans().mark_synced(synced).value() == 3);
    CHECK(store.scans().mark_synced(synced).value() == 0);
    auto rest = store.scans().pending_scans(10).value();
    REQUIRE(rest.size() == 2);
    CHECK(rest[0].nonce == nonces[3]);
    CHECK(store.sync().sync_status()->queue_depth == 2);
}

TEST_CASE("sync status records success, failure and identity") {
    test::TempDir dir;
    auto store = open_store(dir / "scanner.db");
    STORE_OK(store.sync().set_identity(17, "https://api.example"));
    STORE_OK(store.sync().record_sync_success(1000, -120));
    auto ok = store.sync().sync_status().value();
    CHECK(ok.online);
    CHECK(ok.last_sync_at == 1000);
    CHECK(ok.clock_offset_ms == -120);
    CHECK(ok.backend_url == "https://api.example");
    STORE_OK(store.sync().record_sync_failure(2000, "network: connection refused"));
    auto down = store.sync().sync_status().value();
    CHECK_FALSE(down.online);
    CHECK(down.last_sync_at == 1000);
    CHECK(down.last_attempt_at == 2000);
    CHECK(down.last_error == "network: connection refused");
    CHECK(down.clock_offset_ms == -120);
}

TEST_CASE("scanner and sync daemon write one file from two processes without failures") {
    test::TempDir dir;
    const auto path = dir / "scanner.db";
    {
        auto store = open_store(path);
        STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(sample_snapshot())));
    }
    constexpr int kScans = 150;
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The "scanner": records scans as fast as it can.
        auto opened = DeviceDatabase::open(path);
        if (!opened) _exit(10);
        for (int i = 0; i < kScans; ++i)
            if (!opened->scans().record_scan(scan_of(static_cast<std::uint64_t>(1000 + i))))
                _exit(11);
        _exit(0);
    }
    // The "daemon": applies pages and marks scans synced meanwhile.
    auto store = open_store(path);
    bool all_ok = true;
    for (int page = 0; page < 60; ++page) {
        ChangesPage p;
        p.cursor = 101 + page;
        p.changes = {{101 + page, TicketRecord{static_cast<std::uint64_t>(5000 + page), 0, 0,
                                               TicketStatus::Valid, std::nullopt}}};
        all_ok = all_ok && store.cache().apply_changes(gate::test::signed_copy(p)).ok();
        auto pending = store.scans().pending_scans(20);
        all_ok = all_ok && pending.ok();
        if (pending.ok()) {
            std::vector<std::string> nonces;
            for (const auto& s : *pending)
                nonces.push_back(s.nonce);
            all_ok = all_ok && store.scans().mark_synced(nonces).ok();
        }
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(all_ok);
    CHECK(store.scans().stats()->accepted == kScans);
    CHECK(store.sync().sync_status()->cursor == 160);
    CHECK(store.connection().query_one<std::string>("PRAGMA integrity_check").value() == "ok");
}

TEST_CASE("decide_and_record decides on the state read inside its own write transaction") {
    test::TempDir dir;
    auto store = open_store(dir / "scanner.db");
    STORE_OK(store.cache().apply_snapshot(gate::test::signed_copy(sample_snapshot())));
    std::optional<TicketState> seen;
    auto admit = [&](const TicketState& state) {
        seen = state;
        auto scan =
            scan_of(42, state.last_scan ? Verdict::Rejected : Verdict::Accepted, 1767225700000);
        return scan;
    };
    // Ticket 42 is inside from the snapshot: the decider sees it and refuses.
    auto first = store.scans().decide_and_record(42, admit);
    REQUIRE(first.ok());
    REQUIRE(seen);
    CHECK(seen->ticket == TicketRecord{42, 2, 0, TicketStatus::Valid, std::nullopt});
    CHECK(seen->last_scan->gate == "south-2");
    CHECK(first->verdict == Verdict::Rejected);
    CHECK(store.scans().scan_count(first->nonce).value() == 1);
    // No ticket: the decider gets an empty state, and the scan is still recorded.
    auto unparsed = store.scans().decide_and_record(std::nullopt, [&](const TicketState& state) {
        CHECK_FALSE(state.ticket.has_value());
        CHECK_FALSE(state.last_scan.has_value());
        auto scan = scan_of(0, Verdict::Rejected);
        scan.ticket_id.reset();
        return scan;
    });
    REQUIRE(unparsed.ok());
    CHECK(store.scans().scan_count(unparsed->nonce).value() == 1);

    // While another connection holds the write lock, nothing is read, decided or recorded.
    auto impatient =
        DeviceDatabase::open(dir / "scanner.db", {.busy_timeout = std::chrono::milliseconds{20}})
            .value();
    auto holder = open_store(dir / "scanner.db");
    auto lock = holder.connection().begin(db::TransactionKind::Immediate);
    REQUIRE(lock.ok());
    bool decided = false;
    auto blocked = impatient.scans().decide_and_record(44, [&](const TicketState&) {
        decided = true;
        return scan_of(44);
    });
    REQUIRE_FALSE(blocked.ok());
    CHECK(blocked.error().code == db::ErrorCode::Busy);
    CHECK_FALSE(decided);
}

TEST_CASE("only records signed by the pinned sync key are stored, and edits are caught on read") {
    test::TempDir dir;
    const auto path = dir / "scanner.db";
    {
        // Before provisioning pins a key, nothing is trusted.
        auto bare = DeviceDatabase::open(path).value();
        CHECK_FALSE(bare.sync_key().has_value());
        auto refused = bare.cache().apply_snapshot(test::signed_copy(sample_snapshot()));
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == db::ErrorCode::Misuse);
    }
    auto store = open_store(path);  // pins the tests' key
    CHECK(std::filesystem::exists(DeviceDatabase::sync_key_file(path)));

    // Unsigned, or signed by another key: refused whole, nothing stored.
    auto unsigned_one = store.cache().apply_snapshot(sample_snapshot());
    REQUIRE_FALSE(unsigned_one.ok());
    CHECK(unsigned_one.error().code == db::ErrorCode::Corrupt);
    CHECK(unsigned_one.error().message.find("assignment.sig") != std::string::npos);
    Snapshot foreign = sample_snapshot();
    sign_records(foreign, crypto::KeyPair::generate());
    REQUIRE_FALSE(store.cache().apply_snapshot(foreign).ok());
    Snapshot one_bad = test::signed_copy(sample_snapshot());
    one_bad.tickets[1].status = TicketStatus::Valid;
    auto partly = store.cache().apply_snapshot(one_bad);
    REQUIRE_FALSE(partly.ok());
    CHECK(partly.error().message.find("tickets[1].sig") != std::string::npos);
    CHECK(store.cache().ticket_count().value() == 0);
    CHECK_FALSE(store.cache().assignment().value().has_value());
    ChangesPage page;
    page.cursor = 1;
    page.changes = {{1, TicketRecord{43, 1, 3, TicketStatus::Valid}}};
    REQUIRE_FALSE(store.cache().apply_changes(page).ok());
    REQUIRE_FALSE(store.cache().set_assignment(sample_assignment()).ok());

    // Signed: stored, and read back without the signatures.
    STORE_OK(store.cache().apply_snapshot(test::signed_copy(sample_snapshot())));
    CHECK(store.cache().assignment().value() == sample_assignment());
    CHECK_FALSE(store.cache().ticket_state(43)->tampered);
    CHECK_FALSE(store.cache().ticket_state(43)->ticket->sync_signature.has_value());

    // Plain SQL edits, as anyone who can write the file could make them.
    auto& db = store.connection();
    STORE_OK(db.exec("UPDATE ticket SET status = 'valid' WHERE ticket_id = 43"));
    CHECK(store.cache().ticket_state(43)->tampered);
    CHECK_FALSE(store.cache().ticket_state(42)->tampered);
    STORE_OK(db.exec("UPDATE ticket SET sig = NULL WHERE ticket_id = 42"));
    CHECK(store.cache().ticket_state(42)->tampered);

    STORE_OK(
        db.execute("INSERT INTO issuer_key (public_key, event_id, retired) VALUES (?, 1001, 0)",
                   kKeyB.to_base58()));
    auto keys = store.cache().issuer_keys();
    REQUIRE_FALSE(keys.ok());
    CHECK(keys.error().code == db::ErrorCode::Corrupt);
    CHECK(keys.error().message.find(kKeyB.to_base58()) != std::string::npos);
    STORE_OK(db.exec("DELETE FROM issuer_key WHERE sig IS NULL"));
    CHECK(store.cache().issuer_keys().ok());
    STORE_OK(db.exec("UPDATE issuer_key SET retired = 1"));
    CHECK_FALSE(store.cache().issuer_keys().ok());

    STORE_OK(db.exec("UPDATE assignment SET body = replace(body, 'north-1', 'vip')"));
    auto moved = store.cache().assignment();
    REQUIRE_FALSE(moved.ok());
    CHECK(moved.error().code == db::ErrorCode::Corrupt);

    // A pin file that is not a key is an error at open, never "no pin".
    {
        std::filesystem::permissions(DeviceDatabase::sync_key_file(path),
                                     std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::add);
        std::ofstream(DeviceDatabase::sync_key_file(path)) << "not a key\n";
    }
    auto broken = DeviceDatabase::open(path);
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.error().message.find("sync-key") != std::string::npos);
}
