#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>

#include "OpenForTest.h"
#include "TempDir.h"
#include "gate/db/Database.h"

using namespace gate::db;
using gate::db::test::open_for_test;
using gate::test::TempDir;

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("open creates the file with WAL, synchronous FULL, foreign keys and busy timeout") {
    TempDir dir;
    const auto path = dir.file("gate.db");
    auto db = open_for_test(path);
    CHECK(std::filesystem::exists(path));
    CHECK(db.query_one<std::string>("PRAGMA journal_mode").value_or("?") == "wal");
    CHECK(db.query_one<int>("PRAGMA synchronous").value_or(-1) == 2);  // 2 = FULL
    CHECK(db.query_one<int>("PRAGMA foreign_keys").value_or(-1) == 1);
    CHECK(db.query_one<int>("PRAGMA busy_timeout").value_or(-1) == 5000);
}

TEST_CASE("open options change the connection settings") {
    TempDir dir;
    OpenOptions options;
    options.wal = false;
    options.synchronous = Synchronous::Normal;
    options.busy_timeout = std::chrono::milliseconds(250);
    options.foreign_keys = false;
    auto db = open_for_test(dir.file("plain.db"), options);
    CHECK(db.query_one<std::string>("PRAGMA journal_mode").value_or("?") == "delete");
    CHECK(db.query_one<int>("PRAGMA synchronous").value_or(-1) == 1);  // 1 = NORMAL
    CHECK(db.query_one<int>("PRAGMA foreign_keys").value_or(-1) == 0);
    CHECK(db.query_one<int>("PRAGMA busy_timeout").value_or(-1) == 250);
}

TEST_CASE("open without create on a missing file is an Io error and creates nothing") {
    TempDir dir;
    const auto path = dir.file("missing.db");
    OpenOptions options;
    options.create = false;
    auto db = Database::open(path, options);
    REQUIRE_FALSE(db.ok());
    CHECK(db.error().code == ErrorCode::Io);
    CHECK(db.error().message.find(path.string()) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a file that is not a database is Corrupt and left untouched") {
    TempDir dir;
    const auto path = dir.file("notes.db");
    std::string garbage;
    for (int i = 0; i < 200; ++i)
        garbage += "this is a text file, not SQLite\n";
    std::ofstream(path, std::ios::binary) << garbage;

    SUBCASE("read-write") {
        auto db = Database::open(path);
        REQUIRE_FALSE(db.ok());
        CHECK(db.error().code == ErrorCode::Corrupt);
        CHECK(db.error().message.find("not a database") != std::string::npos);
    }
    SUBCASE("read-only") {
        OpenOptions options;
        options.read_only = true;
        auto db = Database::open(path, options);
        REQUIRE_FALSE(db.ok());
        CHECK(db.error().code == ErrorCode::Corrupt);
    }
    CHECK(read_file(path) == garbage);
    CHECK_FALSE(std::filesystem::exists(dir.file("notes.db-wal")));
}

TEST_CASE("a read-only connection reads but refuses writes") {
    TempDir dir;
    const auto path = dir.file("ro.db");
    {
        auto writer = open_for_test(path);
        GATE_DB_OK(writer.exec("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('kept');"));
    }
    OpenOptions options;
    options.read_only = true;
    auto db = open_for_test(path, options);
    CHECK(db.query_one<std::string>("SELECT v FROM t").value_or("?") == "kept");

    auto insert = db.execute("INSERT INTO t VALUES (?)", "lost");
    REQUIRE_FALSE(insert.ok());
    CHECK(insert.error().code == ErrorCode::ReadOnly);
    auto create = db.exec("CREATE TABLE u(x)");
    REQUIRE_FALSE(create.ok());
    CHECK(create.error().code == ErrorCode::ReadOnly);
    CHECK(db.query_one<std::int64_t>("SELECT count(*) FROM t").value_or(-1) == 1);
}

TEST_CASE("an in-memory database serves pure-logic tests") {
    auto db = open_for_test(":memory:");
    GATE_DB_OK(db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)"));
    GATE_DB_OK(db.execute("INSERT INTO t(v) VALUES (?)", 41));
    CHECK(db.last_insert_rowid() == 1);
    CHECK(db.query_one<std::int64_t>("SELECT v + 1 FROM t").value_or(0) == 42);
}

TEST_CASE("a moved Database keeps its connection and cache") {
    auto first = open_for_test(":memory:");
    GATE_DB_OK(first.exec("CREATE TABLE t(v INTEGER)"));
    GATE_DB_OK(first.execute("INSERT INTO t VALUES (?)", 7));
    Database second = std::move(first);
    CHECK(second.query_one<int>("SELECT v FROM t").value_or(0) == 7);
    auto third = open_for_test(":memory:");
    third = std::move(second);
    CHECK(third.query_one<int>("SELECT v FROM t").value_or(0) == 7);
}

namespace {

// Sets the process umask for one test and restores it.
class UmaskFor {
  public:
    explicit UmaskFor(mode_t mask) : old_(::umask(mask)) {}
    ~UmaskFor() { ::umask(old_); }
    UmaskFor(const UmaskFor&) = delete;
    UmaskFor& operator=(const UmaskFor&) = delete;

  private:
    mode_t old_;
};

std::filesystem::perms mode_of(const std::filesystem::path& path) {
    return std::filesystem::status(path).permissions() & std::filesystem::perms::all;
}

constexpr auto kOwnerOnly =
    std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

}  // namespace

TEST_CASE("a new database and its -wal and -shm files are owner-only, whatever the umask") {
    const UmaskFor nothing_masked(0);  // only the modes the code asks for count
    TempDir dir;
    const auto path = dir.file("gate.db");
    auto db = open_for_test(path);
    REQUIRE(db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);").ok());
    // The connection is open and has written: SQLite keeps both side files meanwhile.
    for (const auto& file : {path, dir.file("gate.db-wal"), dir.file("gate.db-shm")}) {
        INFO(file.string());
        REQUIRE(std::filesystem::exists(file));
        CHECK(mode_of(file) == kOwnerOnly);
    }
}

TEST_CASE("opening an existing database takes away world access and keeps the group's") {
    TempDir dir;
    const auto path = dir.file("gate.db");
    { auto db = open_for_test(path); }
    namespace fs = std::filesystem;
    // A file an older build made 0644, which an operator gave the service group write to.
    fs::permissions(
        path, kOwnerOnly | fs::perms::group_read | fs::perms::group_write | fs::perms::others_read);
    auto db = open_for_test(path);
    CHECK(mode_of(path) == (kOwnerOnly | fs::perms::group_read | fs::perms::group_write));
    CHECK(mode_of(dir.file("gate.db-wal")) == mode_of(path));
}
