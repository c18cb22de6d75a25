#pragma once
// Moving a deployment's data between databases: `ticket-api export FILE` writes every row
// of the database that database.url names, `ticket-api import FILE` loads them into
// another (an embedded SQLite deployment outgrowing its machine moves to PostgreSQL this
// way). The file is JSON Lines (docs/deployment.md, "Moving to PostgreSQL"): a header,
// then per table its columns, its rows and their count, then the count of every table.
// Import goes into an empty database at the same schema version, in one transaction, and
// checks that every table holds as many rows as the export counted.

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/Result.h"
#include "gate/backend/DatabaseUrl.h"

namespace gate::backend {

/// Rows per table, in the order tables are written and loaded.
using TableCounts = std::vector<std::pair<std::string, std::int64_t>>;

/// The tables an export holds, parents before the tables that refer to them. Leases and
/// rate-limit buckets are left out: they are the running processes' passing state.
std::span<const std::string_view> exported_tables();

/// Writes every row of `from` (migrated first) to `out`.
Result<TableCounts, std::string> export_database(const DatabaseUrl& from, std::ostream& out);

/// Loads an export into `into` (created and migrated if need be), which must hold no rows
/// yet. All or nothing: any problem with the file or the rows leaves `into` empty.
Result<TableCounts, std::string> import_database(const DatabaseUrl& into, std::istream& in);

}  // namespace gate::backend
