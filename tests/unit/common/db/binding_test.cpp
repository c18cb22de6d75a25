#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "OpenForTest.h"
#include "TempDir.h"
#include "gate/db/Database.h"

using namespace gate::db;
using gate::Bytes;
using gate::db::test::open_for_test;
using gate::test::TempDir;

namespace {

Database values_db(const TempDir& dir) {
    auto db = open_for_test(dir.file("values.db"));
    GATE_DB_OK(
        db.exec("CREATE TABLE v(id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)"));
    return db;
}

}  // namespace

TEST_CASE("integers, reals, UTF-8 text and blobs with NUL bytes round-trip exactly") {
    TempDir dir;
    auto db = values_db(dir);
    const std::string text =
        "Gr\xC3\xBC\xC3\x9F"
        "e \xF0\x9F\x8E\x9F\xEF\xB8\x8F \xE6\x9D\xB1\xE4\xBA\xAC";
    const Bytes blob = {0x00, 0x01, 0x00, 0xFF, 0x00};
    const auto big = std::numeric_limits<std::int64_t>::max();
    const auto small = std::numeric_limits<std::int64_t>::min();

    GATE_DB_OK(
        db.execute("INSERT INTO v(id, i, r, t, b) VALUES (1, ?, ?, ?, ?)", big, 0.1, text, blob));
    GATE_DB_OK(db.execute("INSERT INTO v(id, i, r, t, b) VALUES (2, ?, ?, ?, ?)", small, -1e300,
                          std::string_view(""), Bytes{}));

    auto first = db.query_one<std::int64_t, double, std::string, Bytes>(
        "SELECT i, r, t, b FROM v WHERE id = 1");
    REQUIRE(first.ok());
    CHECK(std::get<0>(*first) == big);
    CHECK(std::get<1>(*first) == 0.1);
    CHECK(std::get<2>(*first) == text);
    CHECK(std::get<3>(*first) == blob);
    CHECK(db.query_one<std::int64_t>("SELECT length(b) FROM v WHERE id = 1").value_or(0) == 5);

    // Empty is a value, not NULL.
    auto second = db.query_one<std::int64_t, double, std::string, Bytes>(
        "SELECT i, r, t, b FROM v WHERE id = 2");
    REQUIRE(second.ok());
    CHECK(std::get<0>(*second) == small);
    CHECK(std::get<1>(*second) == -1e300);
    CHECK(std::get<2>(*second).empty());
    CHECK(std::get<3>(*second).empty());
    CHECK(db.query_one<int>("SELECT count(*) FROM v WHERE t IS NULL OR b IS NULL").value_or(-1) ==
          0);
}

TEST_CASE("bool, small integers, float, char arrays, spans and arrays bind as expected") {
    auto db = open_for_test(":memory:");
    const std::array<std::uint8_t, 3> bytes = {9, 0, 9};
    const float quarter = 0.25f;
    const std::uint32_t large_unsigned = 4'000'000'000u;
    auto row = db.query_one<bool, bool, int, std::int64_t, double, std::string, Bytes>(
        "SELECT ?, ?, ?, ?, ?, ?, ?", true, false, short{-3}, large_unsigned, quarter, "literal",
        gate::ByteView(bytes));
    REQUIRE(row.ok());
    CHECK(std::get<0>(*row));
    CHECK_FALSE(std::get<1>(*row));
    CHECK(std::get<2>(*row) == -3);
    CHECK(std::get<3>(*row) == 4'000'000'000);
    CHECK(std::get<4>(*row) == 0.25);
    CHECK(std::get<5>(*row) == "literal");
    CHECK(std::get<6>(*row) == Bytes{9, 0, 9});
}

TEST_CASE("NULL binds from nullopt, nullptr and empty optionals and reads back as nullopt") {
    TempDir dir;
    auto db = values_db(dir);
    const std::optional<std::int64_t> none;
    const std::optional<std::string> some_text = "x";
    GATE_DB_OK(db.execute("INSERT INTO v(id, i, r, t, b) VALUES (1, ?, ?, ?, ?)", none,
                          std::nullopt, some_text, nullptr));

    auto row =
        db.query_one<std::optional<std::int64_t>, std::optional<double>, std::optional<std::string>,
                     std::optional<Bytes>>("SELECT i, r, t, b FROM v");
    REQUIRE(row.ok());
    CHECK_FALSE(std::get<0>(*row).has_value());
    CHECK_FALSE(std::get<1>(*row).has_value());
    CHECK(std::get<2>(*row) == std::optional<std::string>("x"));
    CHECK_FALSE(std::get<3>(*row).has_value());

    SUBCASE("NULL into a non-optional type is a Type error naming the column") {
        auto strict = db.query_one<std::int64_t>("SELECT i FROM v");
        REQUIRE_FALSE(strict.ok());
        CHECK(strict.error().code == ErrorCode::Type);
        CHECK(strict.error().message.find("'i'") != std::string::npos);
        CHECK(strict.error().message.find("NULL") != std::string::npos);
    }
    SUBCASE("the loose getters see NULL through is_null") {
        auto statement = db.prepare("SELECT i, t FROM v");
        REQUIRE(statement.ok());
        REQUIRE(statement->step().value_or(Step::Done) == Step::Row);
        CHECK(statement->is_null(0));
        CHECK(statement->column_int64(0) == 0);
        CHECK_FALSE(statement->column_optional_int64(0).has_value());
        CHECK_FALSE(statement->is_null(1));
        CHECK(statement->column_optional_text(1) == std::optional<std::string_view>("x"));
    }
}

TEST_CASE("SQL metacharacters in bound values are stored verbatim and run nothing") {
    TempDir dir;
    auto db = open_for_test(dir.file("inject.db"));
    GATE_DB_OK(db.exec("CREATE TABLE x(name TEXT NOT NULL)"));
    const std::string hostile = "'); DROP TABLE x;--";
    const std::string quotes = "Robert\"); DELETE FROM x; SELECT ('";
    GATE_DB_OK(db.execute("INSERT INTO x(name) VALUES (?)", hostile));
    GATE_DB_OK(db.execute("INSERT INTO x(name) VALUES (?)", quotes));

    CHECK(db.query_one<std::int64_t>("SELECT count(*) FROM x").value_or(-1) == 2);
    CHECK(
        db.query_one<std::int64_t>("SELECT count(*) FROM x WHERE name = ?", hostile).value_or(-1) ==
        1);
    CHECK(db.query_one<std::string>("SELECT name FROM x WHERE rowid = 1").value_or("?") == hostile);
    CHECK(db.query_one<std::string>("SELECT name FROM x WHERE rowid = 2").value_or("?") == quotes);
}

TEST_CASE("named parameters bind by name, an unknown name is Misuse") {
    auto db = open_for_test(":memory:");
    GATE_DB_OK(db.exec("CREATE TABLE t(a INTEGER, b TEXT)"));
    auto insert = db.prepare("INSERT INTO t(a, b) VALUES (:a, :b)");
    REQUIRE(insert.ok());
    GATE_DB_OK(insert->bind(":b", "bee"));
    GATE_DB_OK(insert->bind(":a", 1));
    REQUIRE(insert->step().value_or(Step::Row) == Step::Done);

    auto unknown = insert->bind(":c", 3);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == ErrorCode::Misuse);
    CHECK(unknown.error().message.find(":c") != std::string::npos);

    auto row = db.query_one<int, std::string>("SELECT a, b FROM t");
    REQUIRE(row.ok());
    CHECK(*row == std::tuple<int, std::string>(1, "bee"));
}

TEST_CASE("binding the wrong number of parameters is Misuse") {
    auto db = open_for_test(":memory:");
    SUBCASE("too few") {
        auto status = db.execute("SELECT ?, ?", 1);
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::Misuse);
        CHECK(status.error().message.find("2 parameters, 1 given") != std::string::npos);
    }
    SUBCASE("too many") {
        auto row = db.query_one<int>("SELECT ?", 1, 2);
        REQUIRE_FALSE(row.ok());
        CHECK(row.error().code == ErrorCode::Misuse);
    }
    SUBCASE("index out of range") {
        auto statement = db.prepare("SELECT ?");
        REQUIRE(statement.ok());
        auto status = statement->bind(2, 1);
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::Misuse);
    }
}

TEST_CASE("reading a value into the wrong type is a Type error") {
    auto db = open_for_test(":memory:");
    SUBCASE("text as integer") {
        auto row = db.query_one<std::int64_t>("SELECT 'seven' AS n");
        REQUIRE_FALSE(row.ok());
        CHECK(row.error().code == ErrorCode::Type);
        CHECK(row.error().message.find("'n' holds text") != std::string::npos);
    }
    SUBCASE("integer too big for int") {
        auto row = db.query_one<int>("SELECT 4000000000");
        REQUIRE_FALSE(row.ok());
        CHECK(row.error().code == ErrorCode::Type);
    }
    SUBCASE("2 as bool") {
        CHECK(db.query_one<bool>("SELECT 2").error().code == ErrorCode::Type);
    }
    SUBCASE("blob as text") {
        CHECK(db.query_one<std::string>("SELECT x'00'").error().code == ErrorCode::Type);
    }
    SUBCASE("more columns requested than the query returns") {
        auto row = db.query_one<int, int>("SELECT 1");
        REQUIRE_FALSE(row.ok());
        CHECK(row.error().code == ErrorCode::Misuse);
    }
    SUBCASE("an integer is a valid real") {
        CHECK(db.query_one<double>("SELECT 3").value_or(0.0) == 3.0);
    }
}

TEST_CASE("a statement can be stepped, reset and rebound") {
    auto db = open_for_test(":memory:");
    GATE_DB_OK(db.exec("CREATE TABLE t(v BLOB)"));
    auto insert = db.prepare("INSERT INTO t(v) VALUES (?1)");
    REQUIRE(insert.ok());
    for (std::uint8_t i = 0; i < 3; ++i) {
        const Bytes value = {i, 0, i};
        GATE_DB_OK(insert->bind(1, value));
        REQUIRE(insert->step().value_or(Step::Row) == Step::Done);
        insert->reset();
    }
    // reset() cleared the binding, so the next run inserts NULL.
    REQUIRE(insert->step().value_or(Step::Row) == Step::Done);

    auto select = db.prepare("SELECT v FROM t ORDER BY rowid");
    REQUIRE(select.ok());
    std::uint8_t expected = 0;
    while (expected < 3 && select->step().value_or(Step::Done) == Step::Row) {
        const gate::ByteView blob = select->column_blob(0);
        REQUIRE(blob.size() == 3);
        CHECK(blob[0] == expected);
        CHECK(blob[1] == 0);
        ++expected;
    }
    CHECK(expected == 3);
    REQUIRE(select->step().value_or(Step::Done) == Step::Row);
    CHECK_FALSE(select->column_optional_blob(0).has_value());
}

TEST_CASE("for_each visits every row in order with typed columns") {
    auto db = open_for_test(":memory:");
    GATE_DB_OK(db.exec("CREATE TABLE t(id INTEGER, name TEXT)"));
    GATE_DB_OK(db.execute("INSERT INTO t VALUES (?, ?), (?, ?)", 2, "two", 1, "one"));
    std::string seen;
    GATE_DB_OK(db.for_each<std::int64_t, std::string>(
        "SELECT id, name FROM t WHERE id >= ? ORDER BY id",
        [&](std::int64_t id, const std::string& name) { seen += std::to_string(id) + name + ";"; },
        1));
    CHECK(seen == "1one;2two;");

    int count = 0;
    GATE_DB_OK(db.for_each<std::int64_t>("SELECT id FROM t", [&](std::int64_t) { ++count; }));
    CHECK(count == 2);

    auto missing = db.query_optional<std::string>("SELECT name FROM t WHERE id = ?", 3);
    REQUIRE(missing.ok());
    CHECK_FALSE(missing->has_value());
    auto none = db.query_one<std::string>("SELECT name FROM t WHERE id = ?", 3);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == ErrorCode::NoRow);
}
