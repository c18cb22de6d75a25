#pragma once
// The PostgreSQL engine behind Database (see gate/db/Postgres.h): a libpq connection with
// its statement objects and the server-side prepared statements they use.

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gate/db/Engine.h"

namespace gate::db::detail {

class PgConnection;

/// Frees a PGresult.
struct ClearResult {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ClearResult>;

class PgStatement final : public StatementEngine {
  public:
    PgStatement(PgConnection& conn, std::string sql, bool cached);

    Status<Error> bind_null(int index, ValueKind kind) override;
    Status<Error> bind_int64(int index, std::int64_t value) override;
    Status<Error> bind_double(int index, double value) override;
    Status<Error> bind_text(int index, std::string_view value) override;
    Status<Error> bind_blob(int index, ByteView value) override;
    int parameter_count() const noexcept override { return count_; }
    int parameter_index(std::string_view /*name*/) const override { return 0; }
    Result<Step, Error> step() override;
    void reset() noexcept override;
    int column_count() const noexcept override;
    ColumnType column_type(int column) const noexcept override;
    std::int64_t column_int64(int column) const noexcept override;
    double column_double(int column) const noexcept override;
    std::string_view column_text(int column) const noexcept override;
    ByteView column_blob(int column) const noexcept override;
    std::string_view column_name(int column) const noexcept override;
    std::string_view sql() const noexcept override { return sql_; }
    void release() noexcept override;

    bool in_use = false;
    std::uint64_t last_used = 0;

  private:
    struct Parameter {
        Oid type = 0;  // 0: the server infers it
        bool null = true;
        bool binary = false;
        std::string value;
    };

    Status<Error> slot(int index);
    Result<Step, Error> execute();

    PgConnection& conn_;
    std::string sql_;     // as written, with `?`
    std::string pg_sql_;  // with $1, $2 ...
    int count_ = 0;
    bool cached_;
    std::vector<Parameter> params_;
    PgResult result_;
    bool executed_ = false;
    int row_ = -1;
    int rows_ = 0;
    mutable std::vector<Bytes> decoded_;  // bytea columns of the current row, hex-decoded
    mutable std::vector<int> decoded_row_;
};

class PgConnection final : public Connection {
  public:
    explicit PgConnection(PGconn* conn) noexcept : conn_(conn) {}
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;
    ~PgConnection() override;

    PGconn* handle() const noexcept { return conn_; }

    std::string_view engine() const noexcept override { return "postgresql"; }
    Result<StatementEngine*, Error> acquire(std::string_view sql) override;
    Status<Error> exec(std::string_view script) override;
    Status<Error> begin(TransactionKind kind) override;
    Status<Error> commit() override;
    Status<Error> rollback() override;
    bool in_transaction() const noexcept override;
    std::int64_t last_insert_rowid() const noexcept override { return 0; }
    std::int64_t changes() const noexcept override { return changes_; }
    std::size_t cached() const noexcept override { return cache_.size(); }
    Result<int, Error> schema_version() override;
    Status<Error> set_schema_version(int version) override;

    /// The name of the server-side statement for `sql` with these parameter types,
    /// preparing it on first use.
    Result<std::string, Error> prepared(const std::string& sql, const std::vector<Oid>& types);
    void set_changes(std::int64_t changes) noexcept { changes_ = changes; }

  private:
    static constexpr std::size_t kCapacity = 128;

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    /// A connection the server dropped is opened again between transactions.
    Status<Error> ensure_connected();
    void evict_one() noexcept;

    PGconn* conn_;
    std::unordered_map<std::string, std::unique_ptr<PgStatement>, Hash, std::equal_to<>> cache_;
    std::unordered_map<std::string, std::string> prepared_;  // sql + types -> name
    std::uint64_t clock_ = 0;
    std::uint64_t names_ = 0;
    std::int64_t changes_ = 0;
};

/// Runs a parameterless command (or script); an error unless the server answered OK.
Status<Error> run_command(PGconn* conn, std::string_view sql);

/// An Error from a failed result (its SQLSTATE decides the code) or, with a null result,
/// from the connection.
Error pg_error(PGconn* conn, const PGresult* result, std::string_view context,
               std::string_view sql);

/// ErrorCode for an SQLSTATE.
ErrorCode classify_sqlstate(std::string_view sqlstate) noexcept;

}  // namespace gate::db::detail
