#include "gate/db/Error.h"

#include <sqlite3.h>

#include "db/sqlite/SqliteConnection.h"

namespace gate::db {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::Busy:
            return "busy";
        case ErrorCode::Constraint:
            return "constraint";
        case ErrorCode::Corrupt:
            return "corrupt";
        case ErrorCode::NoRow:
            return "no row";
        case ErrorCode::Misuse:
            return "misuse";
        case ErrorCode::Type:
            return "type";
        case ErrorCode::Io:
            return "io";
        case ErrorCode::ReadOnly:
            return "read-only";
        case ErrorCode::Migration:
            return "migration";
        case ErrorCode::Other:
            return "other";
    }
    return "unknown";
}

std::string to_string(const Error& error) {
    // Long scripts would drown the log line; the start names the statement well enough.
    constexpr std::size_t kSqlShown = 200;
    std::string text(to_string(error.code));
    text += ": ";
    text += error.message;
    if (error.sqlite_code != 0) {
        text += " (sqlite ";
        text += std::to_string(error.sqlite_code);
        text += ')';
    }
    if (!error.sql.empty()) {
        text += " [sql: ";
        if (error.sql.size() > kSqlShown) {
            text.append(error.sql, 0, kSqlShown);
            text += "...";
        } else {
            text += error.sql;
        }
        text += ']';
    }
    return text;
}

namespace detail {

ErrorCode classify(int sqlite_code) noexcept {
    switch (sqlite_code & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return ErrorCode::Busy;
        case SQLITE_CONSTRAINT:
            return ErrorCode::Constraint;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return ErrorCode::Corrupt;
        case SQLITE_MISUSE:
        case SQLITE_RANGE:
            return ErrorCode::Misuse;
        case SQLITE_MISMATCH:
            return ErrorCode::Type;
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
            return ErrorCode::Io;
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_AUTH:
            return ErrorCode::ReadOnly;
        default:
            return ErrorCode::Other;
    }
}

Error sqlite_error(sqlite3* db, int sqlite_code, std::string_view context, std::string_view sql) {
    Error error;
    error.code = classify(sqlite_code);
    error.sqlite_code = sqlite_code;
    error.message = std::string(context);
    if (!error.message.empty()) error.message += ": ";
    // errmsg describes the last call on this connection, which is the one that failed.
    error.message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(sqlite_code);
    error.sql = std::string(sql);
    return error;
}

}  // namespace detail
}  // namespace gate::db
