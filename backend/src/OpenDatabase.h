#pragma once
// One connection to the database a database.url names, its schema migrated to the current
// version (OpenStore.cpp): for work beside the store, such as export and import.

#include <string>

#include "gate/Result.h"
#include "gate/backend/DatabaseUrl.h"
#include "gate/db/Database.h"

namespace gate::backend {

Result<db::Database, std::string> open_migrated_database(const DatabaseUrl& url);

}  // namespace gate::backend
