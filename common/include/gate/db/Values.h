#pragma once
// The small vocabulary every database engine shares: what a step produced, what a column
// holds, and what kind of value a NULL parameter stands for.

namespace gate::db {

/// What one step() produced: a row to read, or the end of the statement.
enum class Step { Row, Done };

/// The type of a column's value in the current row.
enum class ColumnType { Null, Integer, Real, Text, Blob };

/// The C++ type behind a bound NULL (std::optional<T> without a value). SQLite ignores it;
/// PostgreSQL needs it to type a parameter that only `? IS NULL` mentions.
enum class ValueKind { Any, Integer, Real, Text, Blob };

}  // namespace gate::db
