// A PostgreSQL connection behind Database: statement objects cached by SQL text, prepared
// statements on the server cached by SQL and parameter types, transactions, the schema
// version table, and open_postgres().
#include "PgConnection.h"

#include <cassert>
#include <string>

#include "gate/db/Database.h"
#include "gate/db/Postgres.h"

namespace gate::db::detail {

namespace {

// The key of the advisory lock every IMMEDIATE transaction takes (any fixed number; this
// one spells "gate" in ASCII). Only this project's writers use it.
constexpr std::string_view kBeginWriter =
    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(1734440037)";
constexpr std::string_view kBeginReader = "BEGIN ISOLATION LEVEL REPEATABLE READ";

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

PgConnection::~PgConnection() {
    for ([[maybe_unused]] auto& [sql, statement] : cache_)
        assert(!statement->in_use && "a Statement outlived its Database");
    cache_.clear();
    PQfinish(conn_);
}

Status<Error> PgConnection::ensure_connected() {
    if (PQstatus(conn_) == CONNECTION_OK) return {};
    PQreset(conn_);
    prepared_.clear();  // a new session knows none of them
    if (PQstatus(conn_) != CONNECTION_OK) return fail(pg_error(conn_, nullptr, "reconnect", {}));
    return {};
}

Result<StatementEngine*, Error> PgConnection::acquire(std::string_view sql) {
    if (!in_transaction()) {
        if (auto up = ensure_connected(); !up.ok()) return fail(up.error());
    }
    if (auto found = cache_.find(sql); found != cache_.end()) {
        PgStatement& cached = *found->second;
        if (!cached.in_use) {
            cached.in_use = true;
            cached.last_used = ++clock_;
            return static_cast<StatementEngine*>(&cached);
        }
        return static_cast<StatementEngine*>(new PgStatement(*this, std::string(sql), false));
    }
    if (cache_.size() >= kCapacity) evict_one();
    if (cache_.size() >= kCapacity)
        return static_cast<StatementEngine*>(new PgStatement(*this, std::string(sql), false));
    auto statement = std::make_unique<PgStatement>(*this, std::string(sql), true);
    statement->in_use = true;
    statement->last_used = ++clock_;
    auto [placed, inserted] = cache_.emplace(std::string(sql), std::move(statement));
    assert(inserted);
    return static_cast<StatementEngine*>(placed->second.get());
}

void PgConnection::evict_one() noexcept {
    auto oldest = cache_.end();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
        if (it->second->in_use) continue;
        if (oldest == cache_.end() || it->second->last_used < oldest->second->last_used)
            oldest = it;
    }
    if (oldest != cache_.end()) cache_.erase(oldest);
}

Result<std::string, Error> PgConnection::prepared(const std::string& sql,
                                                  const std::vector<Oid>& types) {
    std::string key = sql;
    key.push_back('\0');
    for (Oid type : types) {
        key += std::to_string(type);
        key.push_back(',');
    }
    if (auto found = prepared_.find(key); found != prepared_.end()) return found->second;
    std::string name = "gate_" + std::to_string(++names_);
    const PgResult result(
        PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data()));
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK)
        return fail(pg_error(conn_, result.get(), "prepare", sql));
    prepared_.emplace(std::move(key), name);
    return name;
}

Status<Error> PgConnection::exec(std::string_view script) {
    if (!in_transaction()) {
        if (auto up = ensure_connected(); !up.ok()) return up;
    }
    return run_command(conn_, script);
}

Status<Error> PgConnection::begin(TransactionKind kind) {
    if (auto up = ensure_connected(); !up.ok()) return up;
    const std::string_view sql = kind == TransactionKind::Deferred ? kBeginReader : kBeginWriter;
    auto begun = run_command(conn_, sql);
    if (!begun.ok() && in_transaction()) static_cast<void>(run_command(conn_, "ROLLBACK"));
    return begun;
}

Status<Error> PgConnection::commit() {
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
        // PostgreSQL would answer COMMIT with ROLLBACK and no error; say so instead.
        static_cast<void>(run_command(conn_, "ROLLBACK"));
        return fail(Error{ErrorCode::Other, 0,
                          "transaction rolled back: a statement in it had failed", "COMMIT"});
    }
    return run_command(conn_, "COMMIT");
}

Status<Error> PgConnection::rollback() {
    return run_command(conn_, "ROLLBACK");
}

bool PgConnection::in_transaction() const noexcept {
    const PGTransactionStatusType status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

Result<int, Error> PgConnection::schema_version() {
    const PgResult exists(
        PQexec(conn_,
               "SELECT COALESCE((SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
               "AND tablename = 'gate_schema'), 0)"));
    if (!exists || PQresultStatus(exists.get()) != PGRES_TUPLES_OK)
        return fail(pg_error(conn_, exists.get(), "reading the schema version", {}));
    if (std::string_view(PQgetvalue(exists.get(), 0, 0)) != "1") return 0;
    const PgResult version(PQexec(conn_, "SELECT COALESCE(MAX(version), 0) FROM gate_schema"));
    if (!version || PQresultStatus(version.get()) != PGRES_TUPLES_OK)
        return fail(pg_error(conn_, version.get(), "reading the schema version", {}));
    return std::atoi(PQgetvalue(version.get(), 0, 0));
}

Status<Error> PgConnection::set_schema_version(int version) {
    // The number is the code's own constant, not input.
    return run_command(conn_,
                       "CREATE TABLE IF NOT EXISTS gate_schema (version INTEGER NOT NULL); "
                       "DELETE FROM gate_schema; INSERT INTO gate_schema (version) VALUES (" +
                           std::to_string(version) + ")");
}

}  // namespace gate::db::detail

namespace gate::db {

Result<Database, Error> open_postgres(const PostgresOptions& options) {
    // Keywords and values side by side: the conninfo (or URI) is expanded by libpq and our
    // own settings are added without splicing strings.
    const std::string timeout = std::to_string(options.connect_timeout.count());
    const char* keys[] = {"dbname", "application_name", "connect_timeout", nullptr};
    const char* values[] = {options.conninfo.c_str(), options.application_name.c_str(),
                            timeout.c_str(), nullptr};
    PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    auto conn = std::make_unique<detail::PgConnection>(raw);
    if (raw == nullptr)
        return fail(Error{ErrorCode::Io, 0, "PostgreSQL: out of memory while connecting", {}});
    if (PQstatus(raw) != CONNECTION_OK) {
        Error error = detail::pg_error(raw, nullptr, "connect", {});
        error.code = ErrorCode::Io;
        return fail(std::move(error));
    }
    PQsetNoticeProcessor(raw, detail::ignore_notice, nullptr);
    // Fixed settings: UTF-8 text, hex bytea (what the reader decodes), and a connection
    // that never waits forever on a lock another process holds.
    if (auto set = detail::run_command(
            raw,
            "SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; "
            "SET lock_timeout = '30s'; SET idle_in_transaction_session_timeout = '60s'");
        !set.ok())
        return fail(set.error());
    return Database(std::move(conn));
}

}  // namespace gate::db
