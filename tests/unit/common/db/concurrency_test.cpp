#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "OpenForTest.h"
#include "TempDir.h"
#include "gate/db/Database.h"

using namespace gate::db;
using gate::db::test::open_for_test;
using gate::test::TempDir;

namespace {

void create_entries(const std::filesystem::path& path) {
    auto db = open_for_test(path);
    GATE_DB_OK(db.exec("CREATE TABLE entry(nonce TEXT PRIMARY KEY)"));
}

int count_entries(Database& db) {
    return db.query_one<int>("SELECT count(*) FROM entry").value_or(-1);
}

// A second connection in its own thread that takes the write lock, tells the test, and
// holds the lock until told to let go (after an optional short pause). No asserts in here:
// the outcome is reported through `committed`.
class LockHolder {
  public:
    LockHolder(std::filesystem::path path, std::chrono::milliseconds pause_before_commit)
        : thread_([this, path = std::move(path), pause_before_commit] {
              auto db = Database::open(path);
              if (!db.ok()) return locked_.set_value(false);
              auto tx = db->begin(TransactionKind::Immediate);
              if (!tx.ok() || !db->execute("INSERT INTO entry VALUES (?)", "holder").ok())
                  return locked_.set_value(false);
              locked_.set_value(true);
              release_.get_future().wait();
              std::this_thread::sleep_for(pause_before_commit);
              committed_ = tx->commit().ok();
          }) {}
    LockHolder(const LockHolder&) = delete;
    LockHolder& operator=(const LockHolder&) = delete;
    ~LockHolder() { finish(); }

    bool wait_until_locked() { return locked_future_.get(); }
    void release() {
        if (!released_) release_.set_value();
        released_ = true;
    }
    bool finish() {
        release();
        if (thread_.joinable()) thread_.join();
        return committed_;
    }

  private:
    std::promise<bool> locked_;
    std::future<bool> locked_future_ = locked_.get_future();
    std::promise<void> release_;
    bool released_ = false;
    bool committed_ = false;
    std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace

TEST_CASE("a second connection reads committed data and never uncommitted data") {
    TempDir dir;
    const auto path = dir.file("shared.db");
    create_entries(path);
    auto writer = open_for_test(path);
    auto reader = open_for_test(path);

    auto tx = writer.begin();
    REQUIRE(tx.ok());
    GATE_DB_OK(writer.execute("INSERT INTO entry VALUES (?)", "n1"));
    // WAL: the reader is not blocked by the open write transaction, and does not see it.
    CHECK(count_entries(reader) == 0);
    GATE_DB_OK(tx->commit());
    CHECK(count_entries(reader) == 1);
}

TEST_CASE("a writer waits out another writer's brief transaction instead of failing") {
    TempDir dir;
    const auto path = dir.file("shared.db");
    create_entries(path);
    LockHolder holder(path, std::chrono::milliseconds(100));
    REQUIRE(holder.wait_until_locked());

    OpenOptions options;
    options.busy_timeout = std::chrono::seconds(30);
    auto second = open_for_test(path, options);
    holder.release();
    auto tx = second.begin(TransactionKind::Immediate);  // blocks until the holder commits
    if (!tx.ok()) FAIL(to_string(tx.error()));
    CHECK(count_entries(second) == 1);  // the holder's entry, committed before we got the lock
    GATE_DB_OK(second.execute("INSERT INTO entry VALUES (?)", "second"));
    GATE_DB_OK(tx->commit());
    CHECK(holder.finish());
    CHECK(count_entries(second) == 2);
}

TEST_CASE("without a busy timeout a competing writer gets Busy, then succeeds once free") {
    TempDir dir;
    const auto path = dir.file("shared.db");
    create_entries(path);
    LockHolder holder(path, std::chrono::milliseconds(0));
    REQUIRE(holder.wait_until_locked());

    OpenOptions options;
    options.busy_timeout = std::chrono::milliseconds(0);
    auto impatient = open_for_test(path, options);
    {
        auto tx = impatient.begin(TransactionKind::Immediate);
        REQUIRE_FALSE(tx.ok());
        CHECK(tx.error().code == ErrorCode::Busy);
        CHECK(tx.error().message.find("locked") != std::string::npos);
    }
    CHECK_FALSE(impatient.in_transaction());
    CHECK(holder.finish());

    auto tx = impatient.begin(TransactionKind::Immediate);
    REQUIRE(tx.ok());
    GATE_DB_OK(impatient.execute("INSERT INTO entry VALUES (?)", "impatient"));
    GATE_DB_OK(tx->commit());
    CHECK(count_entries(impatient) == 2);
}
