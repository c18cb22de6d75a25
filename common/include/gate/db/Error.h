#pragma once
// db::Error: why a database call failed, as a value. `code` is what callers branch on
// (retry on Busy, report Constraint, stop on Corrupt); the rest is for logs.

#include <string>
#include <string_view>

namespace gate::db {

enum class ErrorCode {
    Busy,        // another connection holds the lock longer than the busy timeout
    Constraint,  // UNIQUE, NOT NULL, CHECK, FOREIGN KEY ...
    Corrupt,     // damaged database, or the file is not an SQLite database at all
    NoRow,       // query_one found nothing
    Misuse,      // a bug in the caller: bad bind index, nested transaction, two statements
    Type,        // a column's value does not fit the requested C++ type (incl. NULL)
    Io,          // cannot open, disk full, I/O error
    ReadOnly,    // write through a read-only connection or to a read-only file
    Migration,   // schema migration failed or the database is newer than the code
    Other,       // SQL errors (syntax, no such table) and anything else
};

struct Error {
    ErrorCode code = ErrorCode::Other;
    int sqlite_code = 0;  // SQLite extended result code; 0 when this wrapper found the problem
    std::string message;  // what went wrong, with the context we had
    std::string sql;      // the statement involved, if any (never holds bound values)
};

std::string_view to_string(ErrorCode code) noexcept;

/// One line for logs: "constraint (SQLITE_CONSTRAINT_UNIQUE): ... [sql: INSERT ...]".
std::string to_string(const Error& error);

}  // namespace gate::db
