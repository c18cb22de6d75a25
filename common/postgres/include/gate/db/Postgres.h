#pragma once
// Opens a gate::db::Database on a PostgreSQL server (libpq). The same calls as on SQLite:
// `?` parameters (sent as $1, $2 ... and never spliced into the SQL), statements prepared
// once per connection, strict typed reads. What differs, and why:
//   - An IMMEDIATE (or EXCLUSIVE) transaction takes one transaction-scoped advisory lock,
//     so writers that check before they change run one at a time across every process on
//     the database, as SQLite's write lock makes them run on one file. A DEFERRED one is
//     REPEATABLE READ: its reads see one snapshot, like an SQLite read transaction.
//   - last_insert_rowid() is not available (0): write INSERT ... RETURNING id.
//   - Named parameters (":name") are not supported; bind by position.
//   - The schema version lives in the table gate_schema (SQLite: PRAGMA user_version).
// docs/deployment.md says how to run the backend on PostgreSQL.

#include <chrono>
#include <string>

#include "gate/Result.h"
#include "gate/db/Database.h"
#include "gate/db/Error.h"

namespace gate::db {

struct PostgresOptions {
    /// A libpq connection string or URI: "postgresql://user:pw@host:5432/db",
    /// "postgresql:///db?host=/run/postgresql", "host=... dbname=...".
    std::string conninfo;
    /// Shown in pg_stat_activity.
    std::string application_name = "gate";
    std::chrono::seconds connect_timeout{10};
};

/// Connects. A server that cannot be reached, or refuses the login, is ErrorCode::Io with
/// libpq's reason (never the password).
Result<Database, Error> open_postgres(const PostgresOptions& options);

/// The SQL with each `?` (outside quotes and comments) numbered `$1`, `$2` ... and `?NNN`
/// written `$NNN`; `count` is the number of parameters. Exposed for tests.
struct NumberedSql {
    std::string sql;
    int count = 0;
};
NumberedSql number_parameters(std::string_view sql);

}  // namespace gate::db
