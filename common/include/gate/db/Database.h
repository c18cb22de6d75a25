#pragma once
// Database: one connection (move-only) with a cache of prepared statements, to an SQLite
// file opened with the project's durability settings (open()) or to a PostgreSQL server
// (gate/db/Postgres.h). The same calls and the same `?` parameters work on both. Use it
// from one thread at a time.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "gate/Result.h"
#include "gate/db/Error.h"
#include "gate/db/Statement.h"
#include "gate/db/Transaction.h"

namespace gate::db {

namespace detail {
class Connection;  // gate/db/Engine.h

template <class... T>
struct RowOf {
    using type = std::tuple<T...>;
};
template <class T>
struct RowOf<T> {
    using type = T;
};
}  // namespace detail

/// What a query yields per row: T for one column, std::tuple<T...> for several.
template <class... T>
using RowOf = typename detail::RowOf<T...>::type;

/// PRAGMA synchronous. Full: a commit is on disk before it returns (survives power loss).
/// Normal (in WAL): survives a process crash, may lose the last commits on power loss.
enum class Synchronous { Full, Normal };

struct OpenOptions {
    bool read_only = false;
    bool create = true;  // create the file if missing (ignored when read_only)
    bool wal = true;     // journal_mode=WAL: readers never block the writer
    Synchronous synchronous = Synchronous::Full;
    std::chrono::milliseconds busy_timeout{5000};  // wait this long for another writer's lock
    bool foreign_keys = true;
};

class Database {
  public:
    /// Opens (or creates) the database at `path`; ":memory:" gives a private in-memory one.
    /// A file that is not an SQLite database is ErrorCode::Corrupt and is left untouched.
    static Result<Database, Error> open(const std::filesystem::path& path,
                                        const OpenOptions& options = {});

    /// A handle over an engine's connection (what an engine's open function returns).
    explicit Database(std::unique_ptr<detail::Connection> conn) noexcept;

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    /// Runs a script of one or more statements without parameters (schema, pragmas).
    Status<Error> exec(std::string_view script);

    /// Runs one statement with `args` bound to its parameters in order; see changes().
    template <class... Args>
    Status<Error> execute(std::string_view sql, const Args&... args);

    /// The first row's columns read as T... (see Statement::get); ErrorCode::NoRow if none.
    template <class... T, class... Args>
    Result<RowOf<T...>, Error> query_one(std::string_view sql, const Args&... args);

    /// Like query_one, but no row is an empty optional rather than an error.
    template <class... T, class... Args>
    Result<std::optional<RowOf<T...>>, Error> query_optional(std::string_view sql,
                                                             const Args&... args);

    /// Calls fn(T...) for every row; stops at the first read or step error.
    template <class... T, class Fn, class... Args>
    Status<Error> for_each(std::string_view sql, Fn&& fn, const Args&... args);

    /// A prepared statement for one SQL statement, reused from this connection's cache when
    /// possible (ready to bind, bindings cleared). Two statements in `sql` are Misuse.
    Result<Statement, Error> prepare(std::string_view sql);

    /// Starts a transaction; Misuse if one is already open on this connection.
    Result<Transaction, Error> begin(TransactionKind kind = TransactionKind::Immediate);

    bool in_transaction() const noexcept;
    std::int64_t last_insert_rowid() const noexcept;
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    std::int64_t changes() const noexcept;
    /// How many prepared statements the cache holds (for tests and diagnostics).
    std::size_t cached_statements() const noexcept;

    /// "sqlite" or "postgresql": for the few statements whose text differs per engine.
    std::string_view engine() const noexcept;

    /// The last schema migration applied (0 for a new database); see gate/db/Migration.h.
    Result<int, Error> schema_version();
    /// Records `version` as applied; call it inside the migration's transaction.
    Status<Error> set_schema_version(int version);

  private:
    static Status<Error> run_to_end(Statement& statement);
    static Error too_few_columns(const Statement& statement, std::size_t wanted);

    template <class... T>
    static Result<RowOf<T...>, Error> read_row(const Statement& statement);

    std::unique_ptr<detail::Connection> conn_;
};

template <class... T>
Result<RowOf<T...>, Error> Database::read_row(const Statement& statement) {
    static_assert(sizeof...(T) > 0, "name the column types: query_one<std::int64_t>(...)");
    if (statement.column_count() < static_cast<int>(sizeof...(T)))
        return fail(too_few_columns(statement, sizeof...(T)));
    std::optional<Error> failure;
    auto take = [&]<class U>(int column) -> U {
        auto value = statement.get<U>(column);
        if (value.ok()) return std::move(value).value();
        if (!failure) failure = value.error();
        return U{};
    };
    // A braced list evaluates left to right, so columns are read in order.
    auto row = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::tuple<T...>{take.template operator()<T>(static_cast<int>(I))...};
    }
    (std::index_sequence_for<T...>{});
    if (failure) return fail(std::move(*failure));
    if constexpr (sizeof...(T) == 1) {
        return std::get<0>(std::move(row));
    } else {
        return row;
    }
}

template <class... Args>
Status<Error> Database::execute(std::string_view sql, const Args&... args) {
    auto statement = prepare(sql);
    if (!statement.ok()) return fail(statement.error());
    if (auto bound = statement->bind_all(args...); !bound.ok()) return bound;
    return run_to_end(*statement);
}

template <class... T, class... Args>
Result<RowOf<T...>, Error> Database::query_one(std::string_view sql, const Args&... args) {
    auto found = query_optional<T...>(sql, args...);
    if (!found.ok()) return fail(found.error());
    if (!found->has_value())
        return fail(Error{ErrorCode::NoRow, 0, "query returned no row", std::string(sql)});
    return std::move(**found);
}

template <class... T, class... Args>
Result<std::optional<RowOf<T...>>, Error> Database::query_optional(std::string_view sql,
                                                                   const Args&... args) {
    auto statement = prepare(sql);
    if (!statement.ok()) return fail(statement.error());
    if (auto bound = statement->bind_all(args...); !bound.ok()) return fail(bound.error());
    auto step = statement->step();
    if (!step.ok()) return fail(step.error());
    if (*step == Step::Done) return std::optional<RowOf<T...>>{};
    auto row = read_row<T...>(*statement);
    if (!row.ok()) return fail(row.error());
    return std::optional<RowOf<T...>>{std::move(row).value()};
}

template <class... T, class Fn, class... Args>
Status<Error> Database::for_each(std::string_view sql, Fn&& fn, const Args&... args) {
    auto statement = prepare(sql);
    if (!statement.ok()) return fail(statement.error());
    if (auto bound = statement->bind_all(args...); !bound.ok()) return bound;
    for (;;) {
        auto step = statement->step();
        if (!step.ok()) return fail(step.error());
        if (*step == Step::Done) return {};
        auto row = read_row<T...>(*statement);
        if (!row.ok()) return fail(row.error());
        if constexpr (sizeof...(T) == 1) {
            std::invoke(fn, std::move(row).value());
        } else {
            std::apply(fn, std::move(row).value());
        }
    }
}

}  // namespace gate::db
