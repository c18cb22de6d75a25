#include "gate/db/Database.h"

#include <memory>
#include <string>

#include "gate/db/Engine.h"

namespace gate::db {

Database::Database(std::unique_ptr<detail::Connection> conn) noexcept : conn_(std::move(conn)) {}
Database::Database(Database&& other) noexcept = default;
Database& Database::operator=(Database&& other) noexcept = default;
Database::~Database() = default;

Status<Error> Database::exec(std::string_view script) {
    return conn_->exec(script);
}

Result<Statement, Error> Database::prepare(std::string_view sql) {
    auto acquired = conn_->acquire(sql);
    if (!acquired.ok()) return fail(acquired.error());
    return Statement(*acquired);
}

Status<Error> Database::run_to_end(Statement& statement) {
    for (;;) {
        auto step = statement.step();
        if (!step.ok()) return fail(step.error());
        if (*step == Step::Done) return {};
    }
}

Error Database::too_few_columns(const Statement& statement, std::size_t wanted) {
    return Error{ErrorCode::Misuse, 0,
                 "query returns " + std::to_string(statement.column_count()) + " columns, " +
                     std::to_string(wanted) + " requested",
                 std::string(statement.sql())};
}

Result<Transaction, Error> Database::begin(TransactionKind kind) {
    if (in_transaction())
        return fail(Error{ErrorCode::Misuse,
                          0,
                          "a transaction is already open on this connection (no nesting)",
                          {}});
    if (auto begun = conn_->begin(kind); !begun.ok()) return fail(begun.error());
    return Transaction(conn_.get());
}

bool Database::in_transaction() const noexcept {
    return conn_->in_transaction();
}

std::int64_t Database::last_insert_rowid() const noexcept {
    return conn_->last_insert_rowid();
}

std::int64_t Database::changes() const noexcept {
    return conn_->changes();
}

std::string_view Database::engine() const noexcept {
    return conn_->engine();
}

Result<int, Error> Database::schema_version() {
    return conn_->schema_version();
}

Status<Error> Database::set_schema_version(int version) {
    return conn_->set_schema_version(version);
}

std::size_t Database::cached_statements() const noexcept {
    return conn_->cached();
}

}  // namespace gate::db
