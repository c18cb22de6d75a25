#pragma once
// The SQLite schema of the backend, as numbered migrations (PRAGMA user_version).
// PostgresSchema.h is the same tables for PostgreSQL.

#include <span>

#include "gate/db/Migration.h"

namespace gate::backend {

std::span<const db::Migration> sqlite_migrations();

}  // namespace gate::backend
