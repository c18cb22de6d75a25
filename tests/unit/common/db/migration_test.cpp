#include "gate/db/Migration.h"

#include <doctest/doctest.h>

#include <array>
#include <string>

#include "OpenForTest.h"
#include "TempDir.h"
#include "gate/db/Database.h"

using namespace gate::db;
using gate::db::test::open_for_test;
using gate::test::TempDir;

namespace {

// Each migration also appends to applied_log, so a test can see how often it ran.
constexpr std::array<Migration, 3> kMigrations = {{
    {1,
     "CREATE TABLE applied_log(version INTEGER NOT NULL);"
     "CREATE TABLE ticket(id TEXT PRIMARY KEY);"
     "INSERT INTO applied_log VALUES (1);"},
    {2,
     "ALTER TABLE ticket ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;"
     "INSERT INTO applied_log VALUES (2);"},
    {3,
     "CREATE INDEX ticket_generation ON ticket(generation);"
     "INSERT INTO applied_log VALUES (3);"},
}};

int applied_count(Database& db) {
    return db.query_one<int>("SELECT count(*) FROM applied_log").value_or(-1);
}

bool has_table(Database& db, const char* name) {
    return db.query_one<int>("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?",
                             name)
               .value_or(0) == 1;
}

}  // namespace

TEST_CASE("migrations apply in order once and a re-run is a no-op") {
    TempDir dir;
    const auto path = dir.file("m.db");
    {
        auto db = open_for_test(path);
        CHECK(schema_version(db).value_or(-1) == 0);
        GATE_DB_OK(migrate(db, kMigrations));
        CHECK(schema_version(db).value_or(-1) == 3);
        CHECK(applied_count(db) == 3);
        GATE_DB_OK(db.execute("INSERT INTO ticket(id, generation) VALUES (?, ?)", "t", 2));
        GATE_DB_OK(migrate(db, kMigrations));
        CHECK(applied_count(db) == 3);
    }
    auto reopened = open_for_test(path);
    GATE_DB_OK(migrate(reopened, kMigrations));
    CHECK(applied_count(reopened) == 3);
    CHECK(schema_version(reopened).value_or(-1) == 3);
    CHECK(reopened.query_one<int>("SELECT generation FROM ticket").value_or(-1) == 2);
}

TEST_CASE("a database at an older version gets only the newer migrations") {
    TempDir dir;
    auto db = open_for_test(dir.file("m.db"));
    GATE_DB_OK(migrate(db, std::span(kMigrations).first(1)));
    CHECK(schema_version(db).value_or(-1) == 1);
    CHECK(applied_count(db) == 1);
    GATE_DB_OK(migrate(db, kMigrations));
    CHECK(schema_version(db).value_or(-1) == 3);
    CHECK(db.query_one<std::string>("SELECT group_concat(version) FROM applied_log").value_or("") ==
          "1,2,3");
}

TEST_CASE("a database newer than the code is refused and left as it is") {
    TempDir dir;
    auto db = open_for_test(dir.file("future.db"));
    GATE_DB_OK(db.exec("PRAGMA user_version = 7"));
    auto status = migrate(db, kMigrations);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Migration);
    CHECK(status.error().message.find("version 7 is newer") != std::string::npos);
    CHECK(schema_version(db).value_or(-1) == 7);
    CHECK_FALSE(has_table(db, "ticket"));
}

TEST_CASE("a failing migration rolls back itself and keeps the ones before it") {
    TempDir dir;
    auto db = open_for_test(dir.file("m.db"));
    const std::array<Migration, 3> broken = {{
        kMigrations[0],
        {2, "CREATE TABLE half_done(x INTEGER); INSERT INTO no_such_table VALUES (1);"},
        kMigrations[2],
    }};
    auto status = migrate(db, broken);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Migration);
    CHECK(status.error().message.find("migration 2 failed") != std::string::npos);
    CHECK(status.error().message.find("no_such_table") != std::string::npos);
    CHECK(schema_version(db).value_or(-1) == 1);
    CHECK(has_table(db, "ticket"));
    CHECK_FALSE(has_table(db, "half_done"));
    CHECK_FALSE(db.in_transaction());
}

TEST_CASE("migration versions must rise strictly") {
    auto db = open_for_test(":memory:");
    SUBCASE("repeated") {
        const std::array<Migration, 2> list = {
            {{1, "CREATE TABLE a(x);"}, {1, "CREATE TABLE b(x);"}}};
        CHECK(migrate(db, list).error().code == ErrorCode::Migration);
    }
    SUBCASE("zero") {
        const std::array<Migration, 1> list = {{{0, "CREATE TABLE a(x);"}}};
        CHECK(migrate(db, list).error().code == ErrorCode::Migration);
    }
    CHECK_FALSE(has_table(db, "a"));
    CHECK(schema_version(db).value_or(-1) == 0);
}

TEST_CASE("migrating inside an open transaction is refused") {
    auto db = open_for_test(":memory:");
    auto tx = db.begin();
    REQUIRE(tx.ok());
    auto status = migrate(db, kMigrations);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == ErrorCode::Migration);
    CHECK(schema_version(db).value_or(-1) == 0);
}

namespace {

// A parent table referenced by a child, then rebuilt to widen its CHECK constraint.
constexpr std::string_view kParentAndChild =
    "CREATE TABLE parent(id INTEGER PRIMARY KEY, state TEXT NOT NULL CHECK (state IN ('a')));"
    "CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));"
    "INSERT INTO parent VALUES (1, 'a');"
    "INSERT INTO child VALUES (10, 1);";
constexpr std::string_view kWidenParent =
    "CREATE TABLE parent_new(id INTEGER PRIMARY KEY, state TEXT NOT NULL "
    "CHECK (state IN ('a', 'b')));"
    "INSERT INTO parent_new SELECT id, state FROM parent;"
    "DROP TABLE parent;"
    "ALTER TABLE parent_new RENAME TO parent;";

}  // namespace

TEST_CASE("a table rebuild runs with foreign keys off and its references checked") {
    TempDir dir;
    auto db = open_for_test(dir.file("rebuild.db"));
    REQUIRE(db.query_one<int>("PRAGMA foreign_keys").value_or(-1) == 1);
    const std::array<Migration, 2> rebuilt{{{1, kParentAndChild}, {2, kWidenParent, true}}};
    GATE_DB_OK(migrate(db, rebuilt));
    CHECK(schema_version(db).value_or(-1) == 2);
    // The wider constraint holds, the child still finds its parent, and keys are on again.
    GATE_DB_OK(db.execute("INSERT INTO parent VALUES (2, 'b')"));
    CHECK(db.query_one<int>("PRAGMA foreign_keys").value_or(-1) == 1);
    CHECK_FALSE(db.execute("INSERT INTO child VALUES (11, 99)").ok());
    CHECK(db.query_one<std::int64_t>(
                "SELECT p.id FROM child c JOIN parent p ON p.id = c.parent_id WHERE c.id = 10")
              .value_or(0) == 1);
}

TEST_CASE("without the flag the same rebuild is refused and nothing changes") {
    TempDir dir;
    auto db = open_for_test(dir.file("refused.db"));
    const std::array<Migration, 2> plain{{{1, kParentAndChild}, {2, kWidenParent}}};
    CHECK_FALSE(migrate(db, plain).ok());
    CHECK(schema_version(db).value_or(-1) == 1);
    CHECK_FALSE(db.execute("INSERT INTO parent VALUES (2, 'b')").ok());
}

TEST_CASE("a rebuild that leaves a dangling reference is rolled back") {
    TempDir dir;
    auto db = open_for_test(dir.file("dangling.db"));
    constexpr std::string_view kLoseRows =
        "CREATE TABLE parent_new(id INTEGER PRIMARY KEY, state TEXT NOT NULL);"
        "DROP TABLE parent;"
        "ALTER TABLE parent_new RENAME TO parent;";
    const std::array<Migration, 2> lossy{{{1, kParentAndChild}, {2, kLoseRows, true}}};
    auto status = migrate(db, lossy);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("refers to a missing row of parent") != std::string::npos);
    CHECK(schema_version(db).value_or(-1) == 1);
    CHECK(db.query_one<int>("SELECT count(*) FROM parent").value_or(0) == 1);
    CHECK(db.query_one<int>("PRAGMA foreign_keys").value_or(-1) == 1);
}
