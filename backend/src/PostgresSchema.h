#pragma once
// The PostgreSQL schema of the backend, as numbered migrations (table gate_schema): the same
// tables as SqliteSchema.h in PostgreSQL's types.

#include <span>

#include "gate/db/Migration.h"

namespace gate::backend {

std::span<const db::Migration> postgres_migrations();

}  // namespace gate::backend
