#include <doctest/doctest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "OpenForTest.h"
#include "TempDir.h"
#include "gate/db/Database.h"

using namespace gate::db;
using gate::db::test::open_for_test;
using gate::test::TempDir;

// These tests fork: the child writes through its own connection and dies without any
// cleanup, as the scanner would on kill -9 or power-button reset. The parent only opens
// the file after the child is gone (SQLite connections must not cross fork()).

namespace {

constexpr int kCommittedBatches = 10;
constexpr int kRowsPerBatch = 5;

// Returns only on failure; the caller then exits with a distinct code.
bool write_batch(Database& db, std::int64_t batch, int rows, bool commit) {
    auto tx = db.begin(TransactionKind::Immediate);
    if (!tx.ok()) return false;
    for (int row = 0; row < rows; ++row)
        if (!db.execute("INSERT INTO entry(batch, row) VALUES (?, ?)", batch, row).ok())
            return false;
    if (!commit) return true;
    return tx->commit().ok();
}

[[noreturn]] void child_commits_then_dies(const std::filesystem::path& path, bool sigkill) {
    auto db = Database::open(path);
    if (!db.ok()) _exit(10);
    for (int batch = 1; batch <= kCommittedBatches; ++batch)
        if (!write_batch(*db, batch, kRowsPerBatch, true)) _exit(11);
    // The last transaction is mid-flight when the process dies.
    auto tx = db->begin(TransactionKind::Immediate);
    if (!tx.ok()) _exit(12);
    for (int row = 0; row < 50; ++row)
        if (!db->execute("INSERT INTO entry(batch, row) VALUES (?, ?)", -1, row).ok()) _exit(13);
    if (sigkill) raise(SIGKILL);
    _exit(0);
}

void create_schema(const std::filesystem::path& path) {
    auto db = open_for_test(path);
    GATE_DB_OK(
        db.exec("CREATE TABLE entry(batch INTEGER NOT NULL, row INTEGER NOT NULL,"
                " PRIMARY KEY (batch, row))"));
}

void check_intact(Database& db) {
    CHECK(db.query_one<std::string>("PRAGMA integrity_check").value_or("?") == "ok");
    // No batch is partly there: every transaction is all or nothing.
    CHECK(db.query_one<int>("SELECT count(*) FROM (SELECT batch FROM entry GROUP BY batch"
                            " HAVING count(*) != ?)",
                            kRowsPerBatch)
              .value_or(-1) == 0);
}

}  // namespace

TEST_CASE("a process killed mid-transaction leaves exactly the committed rows") {
    TempDir dir;
    const auto path = dir.file("crash.db");
    create_schema(path);

    bool sigkill = true;
    SUBCASE("kill -9") {
        sigkill = true;
    }
    SUBCASE("_exit without commit or close") {
        sigkill = false;
    }

    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) child_commits_then_dies(path, sigkill);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    if (sigkill) {
        REQUIRE(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);
    } else {
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }

    auto db = open_for_test(path);
    CHECK(db.query_one<int>("SELECT count(*) FROM entry").value_or(-1) ==
          kCommittedBatches * kRowsPerBatch);
    CHECK(db.query_one<int>("SELECT count(*) FROM entry WHERE batch = -1").value_or(-1) == 0);
    check_intact(db);
    // And the file takes new writes after recovery.
    GATE_DB_OK(db.execute("INSERT INTO entry(batch, row) VALUES (?, ?)", 1000, 0));
}

TEST_CASE("kill -9 at an arbitrary moment loses no reported commit and splits no transaction") {
    TempDir dir;
    const auto path = dir.file("crash.db");
    create_schema(path);
    int report[2];
    REQUIRE(pipe(report) == 0);

    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(report[0]);
        auto db = Database::open(path);
        if (!db.ok()) _exit(10);
        // Commit batches forever, telling the parent after each commit returned: a
        // reported batch is one the scanner would have shown green for.
        for (std::int64_t batch = 1;; ++batch) {
            if (!write_batch(*db, batch, kRowsPerBatch, true)) _exit(11);
            if (write(report[1], &batch, sizeof batch) != sizeof batch) _exit(12);
        }
    }
    close(report[1]);
    constexpr std::int64_t kReportsBeforeKill = 25;
    std::int64_t last_reported = 0;
    while (last_reported < kReportsBeforeKill) {
        std::int64_t batch = 0;
        REQUIRE(read(report[0], &batch, sizeof batch) == sizeof batch);
        last_reported = batch;
    }
    REQUIRE(kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    close(report[0]);
    CHECK(WIFSIGNALED(status));

    auto db = open_for_test(path);
    check_intact(db);
    const auto batches = db.query_one<std::int64_t, std::int64_t>(
        "SELECT count(DISTINCT batch), coalesce(max(batch), 0) FROM entry");
    REQUIRE(batches.ok());
    const auto [distinct, highest] = *batches;
    CHECK(highest >= last_reported);
    CHECK(distinct == highest);  // batches 1..highest, none missing
}
