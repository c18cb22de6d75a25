// database.url: which engine, where, and what a log may show of it.
#include <doctest/doctest.h>

#include "gate/backend/DatabaseUrl.h"
#include "gate/backend/Settings.h"
#include "gate/config/Config.h"
#include "gate/config/ConfigError.h"

using gate::backend::DatabaseUrl;

TEST_CASE("a file path or sqlite:PATH is SQLite; postgresql:// and postgres:// are PostgreSQL") {
    auto file = DatabaseUrl::parse("/var/lib/gate/api.db");
    REQUIRE(file.ok());
    CHECK(file->engine == DatabaseUrl::Engine::Sqlite);
    CHECK(file->path == "/var/lib/gate/api.db");
    auto prefixed = DatabaseUrl::parse("sqlite:api.db");
    REQUIRE(prefixed.ok());
    CHECK(prefixed->path == "api.db");
    for (const char* text : {"postgresql://gate@db.example:5432/gate", "postgres://db/gate",
                             "PostgreSQL://db/gate", "postgresql:///gate?host=/run/postgresql"}) {
        auto pg = DatabaseUrl::parse(text);
        REQUIRE_MESSAGE(pg.ok(), text);
        CHECK(pg->engine == DatabaseUrl::Engine::Postgres);
        CHECK(pg->conninfo == text);
    }
}

TEST_CASE("a database url that names nothing usable is refused with why") {
    CHECK(DatabaseUrl::parse("").error().find("empty") != std::string::npos);
    CHECK(DatabaseUrl::parse("mysql://db/gate").error().find("unknown scheme 'mysql'") !=
          std::string::npos);
    CHECK(DatabaseUrl::parse("postgresql:///gate").error().find("no host") != std::string::npos);
    CHECK(DatabaseUrl::parse("sqlite:").error().find("file path") != std::string::npos);
    CHECK(DatabaseUrl::parse("api.db\n").error().find("control") != std::string::npos);
}

TEST_CASE("a password in a database url never reaches a log") {
    auto url = DatabaseUrl::parse("postgresql://gate:s3cret@db.example/gate?sslmode=require");
    REQUIRE(url.ok());
    CHECK(url->redacted() == "postgresql://gate:***@db.example/gate?sslmode=require");
    auto query = DatabaseUrl::parse("postgresql://db/gate?user=gate&password=s3cret&x=1");
    REQUIRE(query.ok());
    CHECK(query->redacted().find("s3cret") == std::string::npos);
    CHECK(DatabaseUrl::parse("api.db")->redacted() == "sqlite:api.db");
}
