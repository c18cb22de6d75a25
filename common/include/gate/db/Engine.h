#pragma once
// Engine: what a database engine implements behind Database, Statement and Transaction.
// SQLite (common/src/db/sqlite/) is built in; PostgreSQL (gate::db_postgres) is a separate
// library so that only the programs that speak to a server link libpq. Callers never use
// these classes: they hold a Database.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/db/Error.h"
#include "gate/db/Transaction.h"
#include "gate/db/Values.h"

namespace gate::db::detail {

/// One prepared statement of an engine. Indexes of parameters are 1-based, of columns
/// 0-based. Views stay valid until the next step(), reset() or release().
class StatementEngine {
  public:
    virtual ~StatementEngine() = default;

    virtual Status<Error> bind_null(int index, ValueKind kind) = 0;
    virtual Status<Error> bind_int64(int index, std::int64_t value) = 0;
    virtual Status<Error> bind_double(int index, double value) = 0;
    /// Text and blobs are copied before the call returns.
    virtual Status<Error> bind_text(int index, std::string_view value) = 0;
    virtual Status<Error> bind_blob(int index, ByteView value) = 0;
    virtual int parameter_count() const noexcept = 0;
    /// The index of a named parameter (":name"), 0 when there is none.
    virtual int parameter_index(std::string_view name) const = 0;

    virtual Result<Step, Error> step() = 0;
    /// Rewound and every binding cleared.
    virtual void reset() noexcept = 0;

    virtual int column_count() const noexcept = 0;
    virtual ColumnType column_type(int column) const noexcept = 0;
    virtual std::int64_t column_int64(int column) const noexcept = 0;
    virtual double column_double(int column) const noexcept = 0;
    virtual std::string_view column_text(int column) const noexcept = 0;
    virtual ByteView column_blob(int column) const noexcept = 0;
    virtual std::string_view column_name(int column) const noexcept = 0;
    virtual std::string_view sql() const noexcept = 0;

    /// The Statement holding it is done: back to the connection's cache or freed.
    virtual void release() noexcept = 0;
};

/// One connection of an engine, used by one thread at a time.
class Connection {
  public:
    virtual ~Connection() = default;

    /// "sqlite" or "postgresql".
    virtual std::string_view engine() const noexcept = 0;
    /// A statement for exactly one SQL statement (`?` parameters), from the cache if idle.
    virtual Result<StatementEngine*, Error> acquire(std::string_view sql) = 0;
    /// Runs a script of statements without parameters.
    virtual Status<Error> exec(std::string_view script) = 0;

    virtual Status<Error> begin(TransactionKind kind) = 0;
    /// On Busy the transaction may stay open (in_transaction() says so).
    virtual Status<Error> commit() = 0;
    virtual Status<Error> rollback() = 0;
    virtual bool in_transaction() const noexcept = 0;

    virtual std::int64_t last_insert_rowid() const noexcept = 0;
    virtual std::int64_t changes() const noexcept = 0;
    virtual std::size_t cached() const noexcept = 0;

    /// The last schema migration applied (0 for a new database), and recording a new one
    /// (inside the migration's transaction).
    virtual Result<int, Error> schema_version() = 0;
    virtual Status<Error> set_schema_version(int version) = 0;
};

}  // namespace gate::db::detail
