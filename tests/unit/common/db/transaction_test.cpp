#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "OpenForTest.h"
#include "TempDir.h"
#include "gate/db/Database.h"

using namespace gate::db;
using gate::db::test::open_for_test;
using gate::test::TempDir;

namespace {

Database entries_db(const std::filesystem::path& path) {
    auto db = open_for_test(path);
    GATE_DB_OK(db.exec("CREATE TABLE IF NOT EXISTS entry(nonce TEXT PRIMARY KEY)"));
    return db;
}

int count_entries(Database& db) {
    return db.query_one<int>("SELECT count(*) FROM entry").value_or(-1);
}

}  // namespace

TEST_CASE("a transaction that is not committed rolls back at scope exit") {
    TempDir dir;
    auto db = entries_db(dir.file("tx.db"));
    {
        auto tx = db.begin(TransactionKind::Immediate);
        REQUIRE(tx.ok());
        CHECK(db.in_transaction());
        GATE_DB_OK(db.execute("INSERT INTO entry VALUES (?)", "a"));
        CHECK(count_entries(db) == 1);  // visible inside
    }
    CHECK_FALSE(db.in_transaction());
    CHECK(count_entries(db) == 0);
}

TEST_CASE("a committed transaction persists across reopen") {
    TempDir dir;
    const auto path = dir.file("tx.db");
    {
        auto db = entries_db(path);
        auto tx = db.begin();
        REQUIRE(tx.ok());
        GATE_DB_OK(db.execute("INSERT INTO entry VALUES (?)", "a"));
        GATE_DB_OK(db.execute("INSERT INTO entry VALUES (?)", "b"));
        GATE_DB_OK(tx->commit());
        CHECK_FALSE(tx->active());
    }
    auto reopened = entries_db(path);
    CHECK(count_entries(reopened) == 2);
}

TEST_CASE("rollback discards now, and a finished transaction cannot commit") {
    auto db = entries_db(":memory:");
    auto tx = db.begin(TransactionKind::Deferred);
    REQUIRE(tx.ok());
    GATE_DB_OK(db.execute("INSERT INTO entry VALUES (?)", "a"));
    GATE_DB_OK(tx->rollback());
    CHECK(count_entries(db) == 0);
    auto again = tx->commit();
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == ErrorCode::Misuse);
}

TEST_CASE("begin inside an open transaction is Misuse and leaves the outer one intact") {
    auto db = entries_db(":memory:");
    auto outer = db.begin();
    REQUIRE(outer.ok());
    GATE_DB_OK(db.execute("INSERT INTO entry VALUES (?)", "outer"));
    {
        auto inner = db.begin(TransactionKind::Exclusive);
        REQUIRE_FALSE(inner.ok());
        CHECK(inner.error().code == ErrorCode::Misuse);
    }
    CHECK(db.in_transaction());
    GATE_DB_OK(outer->commit());
    CHECK(count_entries(db) == 1);
}

TEST_CASE("a failed statement inside a transaction undoes only itself") {
    auto db = entries_db(":memory:");
    auto tx = db.begin();
    REQUIRE(tx.ok());
    GATE_DB_OK(db.execute("INSERT INTO entry VALUES (?)", "a"));
    auto duplicate = db.execute("INSERT INTO entry VALUES (?)", "a");
    REQUIRE_FALSE(duplicate.ok());
    CHECK(duplicate.error().code == ErrorCode::Constraint);
    CHECK(tx->active());
    GATE_DB_OK(tx->commit());
    CHECK(count_entries(db) == 1);
}

TEST_CASE("a moved transaction commits once and its source does nothing") {
    auto db = entries_db(":memory:");
    std::optional<Transaction> kept;
    {
        auto tx = db.begin();
        REQUIRE(tx.ok());
        GATE_DB_OK(db.execute("INSERT INTO entry VALUES (?)", "a"));
        kept.emplace(std::move(tx).value());
    }  // the moved-from transaction's destructor must not roll back
    REQUIRE(db.in_transaction());
    GATE_DB_OK(kept->commit());
    CHECK(count_entries(db) == 1);
}
