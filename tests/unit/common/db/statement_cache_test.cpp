#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "OpenForTest.h"
#include "gate/db/Database.h"

using namespace gate::db;
using gate::db::test::open_for_test;

TEST_CASE("running the same SQL again reuses one cached statement") {
    auto db = open_for_test(":memory:");
    GATE_DB_OK(db.exec("CREATE TABLE entry(id INTEGER PRIMARY KEY, ticket TEXT)"));
    const std::size_t before = db.cached_statements();
    for (int i = 0; i < 100; ++i)
        GATE_DB_OK(db.execute("INSERT INTO entry(ticket) VALUES (?)", "t" + std::to_string(i)));
    CHECK(db.cached_statements() == before + 1);
    CHECK(db.query_one<int>("SELECT count(*) FROM entry").value_or(0) == 100);
    CHECK(db.query_one<std::string>("SELECT ticket FROM entry WHERE id = 100").value_or("") ==
          "t99");
}

TEST_CASE("a query nested inside itself gets its own statement") {
    auto db = open_for_test(":memory:");
    GATE_DB_OK(db.exec("CREATE TABLE t(id INTEGER); INSERT INTO t VALUES (1), (2), (3);"));
    constexpr const char* kSql = "SELECT id FROM t WHERE id >= ? ORDER BY id";
    std::vector<std::int64_t> pairs;
    GATE_DB_OK(db.for_each<std::int64_t>(
        kSql,
        [&](std::int64_t outer) {
            // The cached statement is busy in the outer loop; this must not disturb it.
            auto inner = db.query_one<std::int64_t>(kSql, outer);
            pairs.push_back(outer * 10 + inner.value_or(-1));
        },
        1));
    CHECK(pairs == std::vector<std::int64_t>{11, 22, 33});
}

TEST_CASE("a cached statement keeps working after the schema changes") {
    auto db = open_for_test(":memory:");
    GATE_DB_OK(db.exec("CREATE TABLE t(a INTEGER); INSERT INTO t VALUES (1);"));
    CHECK(db.query_one<int>("SELECT count(*) FROM t").value_or(0) == 1);
    GATE_DB_OK(db.exec("ALTER TABLE t ADD COLUMN b TEXT; INSERT INTO t VALUES (2, 'x');"));
    CHECK(db.query_one<int>("SELECT count(*) FROM t").value_or(0) == 2);
}

TEST_CASE("the cache stays bounded and evicted statements are prepared again") {
    auto db = open_for_test(":memory:");
    // Distinct texts only to fill the cache; values still go through binding.
    for (int i = 0; i < 300; ++i) {
        const std::string sql = "SELECT ? + " + std::to_string(i);
        REQUIRE(db.query_one<int>(sql, 1).value_or(-1) == i + 1);
    }
    CHECK(db.cached_statements() < 300);
    CHECK(db.query_one<int>("SELECT ? + 0", 1).value_or(-1) == 1);
}
