// Opening the store on the engine database.url names: a pool of connections, the first of
// which migrates the schema (the engines serialize concurrent migrators).
#include <chrono>
#include <memory>

#include "OpenDatabase.h"
#include "PostgresSchema.h"
#include "SqliteSchema.h"
#include "gate/backend/Store.h"
#include "gate/db/Migration.h"
#include "gate/db/Postgres.h"
#include "sql/SqlStore.h"

namespace gate::backend {

namespace {

Result<db::Database, db::Error> connect(const DatabaseUrl& url) {
    if (url.engine == DatabaseUrl::Engine::Postgres)
        return db::open_postgres({url.conninfo, "ticket-api"});
    db::OpenOptions open;
    // A committed sale or entry must survive power loss, like the device's entries.
    open.synchronous = db::Synchronous::Full;
    open.busy_timeout = std::chrono::milliseconds{10000};
    return db::Database::open(url.path, open);
}

}  // namespace

Result<std::unique_ptr<Store>, std::string> open_store(const StoreOptions& options,
                                                       log::Logger logger) {
    const std::string name = options.url.redacted();
    const bool postgres = options.url.engine == DatabaseUrl::Engine::Postgres;
    const std::size_t max_batch = options.max_batch != 0 ? options.max_batch
                                  : postgres             ? sql::GroupCommit::kPostgresBatch
                                                         : sql::GroupCommit::kSqliteBatch;
    auto store = std::make_unique<sql::SqlStore>(std::move(logger), max_batch);
    const std::size_t count = options.connections == 0 ? 1 : options.connections;
    const auto migrations = options.url.engine == DatabaseUrl::Engine::Postgres
                                ? postgres_migrations()
                                : sqlite_migrations();
    for (std::size_t i = 0; i < count; ++i) {
        auto db = connect(options.url);
        if (!db.ok()) return fail(name + ": " + db::to_string(db.error()));
        if (i == 0) {
            if (auto migrated = db::migrate(*db, migrations); !migrated.ok())
                return fail(name + ": " + db::to_string(migrated.error()));
        }
        store->pool_.add(std::make_unique<db::Database>(std::move(db).value()));
    }
    return std::unique_ptr<Store>(std::move(store));
}

Result<db::Database, std::string> open_migrated_database(const DatabaseUrl& url) {
    const std::string name = url.redacted();
    auto db = connect(url);
    if (!db.ok()) return fail(name + ": " + db::to_string(db.error()));
    const auto migrations =
        url.engine == DatabaseUrl::Engine::Postgres ? postgres_migrations() : sqlite_migrations();
    if (auto migrated = db::migrate(*db, migrations); !migrated.ok())
        return fail(name + ": " + db::to_string(migrated.error()));
    return std::move(db).value();
}

Result<int, std::string> migrate_database(const DatabaseUrl& url) {
    auto db = open_migrated_database(url);
    if (!db.ok()) return fail(db.error());
    auto version = db::schema_version(*db);
    if (!version.ok()) return fail(url.redacted() + ": " + db::to_string(version.error()));
    return *version;
}

Result<std::unique_ptr<Store>, std::string> open_sqlite_store(const SqliteOptions& options,
                                                              log::Logger logger) {
    StoreOptions store;
    store.url.path = options.path;
    store.connections = options.connections;
    return open_store(store, std::move(logger));
}

}  // namespace gate::backend
