#include "gate/db/Migration.h"

#include <cstdint>
#include <optional>
#include <string>

#include "gate/db/Database.h"

namespace gate::db {

namespace {

Error migration_error(std::string message, const Error* cause = nullptr) {
    Error error{ErrorCode::Migration, 0, std::move(message), {}};
    if (cause != nullptr) {
        error.sqlite_code = cause->sqlite_code;
        error.message += ": " + cause->message;
        error.sql = cause->sql;
    }
    return error;
}

std::string newer_than_known(int found, int latest) {
    return "database schema version " + std::to_string(found) +
           " is newer than this program knows (" + std::to_string(latest) +
           "); it was written by a newer version, refusing to touch it";
}

// Switches SQLite's foreign keys off for one migration and back on after it, whatever its
// outcome. The pragma is a no-op inside a transaction, so it is set around it.
class ForeignKeysOff {
  public:
    explicit ForeignKeysOff(Database& db) : db_(db) {
        auto on = db_.query_one<std::int64_t>("PRAGMA foreign_keys");
        was_on_ = on.ok() && *on == 1;
        if (was_on_) static_cast<void>(db_.exec("PRAGMA foreign_keys = OFF"));
    }
    ~ForeignKeysOff() {
        if (was_on_) static_cast<void>(db_.exec("PRAGMA foreign_keys = ON"));
    }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

  private:
    Database& db_;
    bool was_on_ = false;
};

// After a table rebuild: every reference still finds its row (the first one that does not
// is named).
Status<Error> check_references(Database& db, const std::string& label) {
    auto broken =
        db.query_optional<std::string, std::int64_t, std::string>("PRAGMA foreign_key_check");
    if (!broken.ok()) return fail(migration_error(label + " failed", &broken.error()));
    if (*broken) {
        const auto& [table, row, parent] = **broken;
        return fail(migration_error(label + " failed: row " + std::to_string(row) + " of " + table +
                                    " refers to a missing row of " + parent));
    }
    return {};
}

Status<Error> apply(Database& db, const Migration& migration, int latest) {
    const std::string label = "migration " + std::to_string(migration.version);
    const bool rebuild = migration.rebuilds_tables && db.engine() == "sqlite";
    std::optional<ForeignKeysOff> keys_off;
    if (rebuild) keys_off.emplace(db);
    auto tx = db.begin(TransactionKind::Immediate);
    if (!tx.ok()) return fail(migration_error(label + " could not start", &tx.error()));

    // Re-read under the write lock: another process sharing the file may have migrated
    // between our first look and now.
    auto current = schema_version(db);
    if (!current.ok()) return fail(migration_error(label, &current.error()));
    if (*current > latest) return fail(migration_error(newer_than_known(*current, latest)));
    if (*current >= migration.version) return tx->rollback();

    if (auto applied = db.exec(migration.sql); !applied.ok())
        return fail(migration_error(label + " failed", &applied.error()));
    if (rebuild)
        if (auto checked = check_references(db, label); !checked.ok()) return checked;
    if (auto bumped = db.set_schema_version(migration.version); !bumped.ok())
        return fail(migration_error(label + " failed", &bumped.error()));
    if (auto committed = tx->commit(); !committed.ok())
        return fail(migration_error(label + " could not commit", &committed.error()));
    return {};
}

}  // namespace

Result<int, Error> schema_version(Database& db) {
    return db.schema_version();
}

Status<Error> migrate(Database& db, std::span<const Migration> migrations) {
    int latest = 0;
    for (const Migration& migration : migrations) {
        if (migration.version <= latest)
            return fail(migration_error("migration versions must rise strictly from 1: " +
                                        std::to_string(migration.version) + " follows " +
                                        std::to_string(latest)));
        latest = migration.version;
    }

    auto current = schema_version(db);
    if (!current.ok()) return fail(migration_error("reading user_version", &current.error()));
    if (*current > latest) return fail(migration_error(newer_than_known(*current, latest)));

    for (const Migration& migration : migrations) {
        if (migration.version <= *current) continue;
        if (auto applied = apply(db, migration, latest); !applied.ok()) return applied;
    }
    return {};
}

}  // namespace gate::db
