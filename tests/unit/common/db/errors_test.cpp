#include <doctest/doctest.h>

#include <string>

#include "OpenForTest.h"
#include "TempDir.h"
#include "gate/db/Database.h"

using namespace gate::db;
using gate::db::test::open_for_test;
using gate::test::TempDir;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("constraint violations are Constraint errors that say which constraint") {
    TempDir dir;
    auto db = open_for_test(dir.file("c.db"));
    GATE_DB_OK(db.exec(R"sql(
        CREATE TABLE event(id INTEGER PRIMARY KEY);
        CREATE TABLE ticket(
            id TEXT PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES event(id),
            tier TEXT NOT NULL CHECK (tier IN ('ga', 'vip')));
        INSERT INTO event(id) VALUES (1);
    )sql"));
    GATE_DB_OK(db.execute("INSERT INTO ticket VALUES (?, ?, ?)", "t1", 1, "ga"));

    SUBCASE("unique") {
        auto status = db.execute("INSERT INTO ticket VALUES (?, ?, ?)", "t1", 1, "vip");
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::Constraint);
        CHECK(status.error().sqlite_code == 1555);  // SQLITE_CONSTRAINT_PRIMARYKEY
        CHECK(contains(status.error().message, "UNIQUE constraint failed: ticket.id"));
        const std::string line = to_string(status.error());
        CHECK(contains(line, "constraint: "));
        CHECK(contains(line, "[sql: INSERT INTO ticket VALUES (?, ?, ?)]"));
    }
    SUBCASE("not null") {
        auto status = db.execute("INSERT INTO ticket VALUES (?, ?, ?)", "t2", 1, std::nullopt);
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::Constraint);
        CHECK(contains(status.error().message, "NOT NULL"));
    }
    SUBCASE("check") {
        auto status = db.execute("INSERT INTO ticket VALUES (?, ?, ?)", "t2", 1, "backstage");
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::Constraint);
        CHECK(contains(status.error().message, "CHECK"));
    }
    SUBCASE("foreign key (on by default)") {
        auto status = db.execute("INSERT INTO ticket VALUES (?, ?, ?)", "t2", 99, "ga");
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::Constraint);
        CHECK(contains(status.error().message, "FOREIGN KEY"));
    }
    // The failed statement changed nothing.
    CHECK(db.query_one<int>("SELECT count(*) FROM ticket").value_or(-1) == 1);
}

TEST_CASE("SQL errors carry SQLite's message and the statement text") {
    auto db = open_for_test(":memory:");
    SUBCASE("syntax") {
        auto status = db.execute("SELEC 1");
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::Other);
        CHECK(contains(status.error().message, "syntax error"));
        CHECK(status.error().sql == "SELEC 1");
    }
    SUBCASE("missing table inside a script names the failing statement") {
        auto status =
            db.exec("CREATE TABLE a(x); INSERT INTO nowhere VALUES (1); CREATE TABLE b(x);");
        REQUIRE_FALSE(status.ok());
        CHECK(contains(status.error().message, "no such table: nowhere"));
        CHECK(contains(status.error().sql, "INSERT INTO nowhere"));
        // Statements before the failure ran, the ones after did not.
        CHECK(
            db.query_one<int>("SELECT count(*) FROM sqlite_schema WHERE name = 'a'").value_or(0) ==
            1);
        CHECK(
            db.query_one<int>("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").value_or(1) ==
            0);
    }
}

TEST_CASE("prepare takes exactly one statement") {
    auto db = open_for_test(":memory:");
    SUBCASE("two statements are Misuse, so nothing hides after the first") {
        auto statement = db.prepare("SELECT 1; DELETE FROM sqlite_schema");
        REQUIRE_FALSE(statement.ok());
        CHECK(statement.error().code == ErrorCode::Misuse);
        CHECK(contains(statement.error().message, "exec()"));
    }
    SUBCASE("an empty text is Misuse") {
        auto statement = db.prepare("  -- nothing here\n");
        REQUIRE_FALSE(statement.ok());
        CHECK(statement.error().code == ErrorCode::Misuse);
    }
    SUBCASE("a trailing semicolon and comment are fine") {
        CHECK(db.query_one<int>("SELECT 5; -- five").value_or(0) == 5);
    }
}

TEST_CASE("every error code has a name") {
    for (ErrorCode code : {ErrorCode::Busy, ErrorCode::Constraint, ErrorCode::Corrupt,
                           ErrorCode::NoRow, ErrorCode::Misuse, ErrorCode::Type, ErrorCode::Io,
                           ErrorCode::ReadOnly, ErrorCode::Migration, ErrorCode::Other}) {
        CHECK_FALSE(to_string(code).empty());
        CHECK(to_string(code) != "unknown");
    }
    Error error{ErrorCode::Busy, 5, "database is locked", std::string(500, 'x')};
    const std::string line = to_string(error);
    CHECK(contains(line, "busy: database is locked (sqlite 5)"));
    CHECK(line.size() < 300);  // long SQL is cut in log lines
}
