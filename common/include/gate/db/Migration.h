#pragma once
// Schema migrations: numbered SQL scripts applied in order, each in its own IMMEDIATE
// transaction, with PRAGMA user_version recording the last one applied.

#include <span>
#include <string_view>

#include "gate/Result.h"
#include "gate/db/Error.h"

namespace gate::db {

class Database;

struct Migration {
    int version;           // strictly increasing, starting at 1 or above
    std::string_view sql;  // one or more statements; no BEGIN/COMMIT of its own
    /// SQLite: the script rebuilds a table (new table, copy, drop, rename: the only way to
    /// change its constraints), so it runs with foreign keys off, as a drop of a referenced
    /// table needs, and every reference is checked before the commit. Ignored elsewhere.
    bool rebuilds_tables = false;
};

/// Applies every migration newer than the database's user_version. Running it again is a
/// no-op. Refuses (ErrorCode::Migration) a database whose version is newer than the newest
/// migration given: that file was written by a newer program.
Status<Error> migrate(Database& db, std::span<const Migration> migrations);

/// The database's PRAGMA user_version: the last migration applied, 0 for a new file.
Result<int, Error> schema_version(Database& db);

}  // namespace gate::db
