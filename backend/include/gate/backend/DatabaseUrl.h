#pragma once
// database.url: which engine holds the backend's data, and where.
//   ticket-api.db, /var/lib/gate/api.db, sqlite:PATH   an SQLite file (the default)
//   postgresql://user@host:5432/db?sslmode=require     a PostgreSQL server (also
//   postgres://...)                                    postgres://; any libpq URI)

#include <filesystem>
#include <string>
#include <string_view>

#include "gate/Result.h"

namespace gate::backend {

struct DatabaseUrl {
    enum class Engine { Sqlite, Postgres };
    Engine engine = Engine::Sqlite;
    std::filesystem::path path;  ///< SQLite
    std::string conninfo;        ///< PostgreSQL: the URI as given, for libpq

    /// Parses a setting; an empty value, an unknown scheme ("mysql://") or a URI without a
    /// host or database is an error naming what is wrong.
    static Result<DatabaseUrl, std::string> parse(std::string_view text);

    /// For logs and errors: the URI with any password replaced by "***".
    std::string redacted() const;
};

}  // namespace gate::backend
