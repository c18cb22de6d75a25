#pragma once
// The SQLite schema of the backend, as numbered migrations (PRAGMA user_version).

#include <span>

#include "gate/db/Migration.h"

namespace gate::backend {

std::span<const db::Migration> schema_migrations();

}  // namespace gate::backend
