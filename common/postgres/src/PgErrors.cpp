// How PostgreSQL's answers map to db::Error: the SQLSTATE class decides the code callers
// branch on; the message keeps the server's words and the SQLSTATE for logs.
#include <string>

#include "PgConnection.h"

namespace gate::db::detail {

ErrorCode classify_sqlstate(std::string_view state) noexcept {
    if (state.size() != 5) return ErrorCode::Io;  // no answer at all: the connection failed
    const std::string_view cls = state.substr(0, 2);
    if (cls == "23") return ErrorCode::Constraint;  // integrity constraint violation
    if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014")
        return ErrorCode::Busy;  // serialization failure, deadlock, lock or statement timeout
    if (cls == "08" || cls == "53" || cls == "58" || state == "57P01" || state == "57P02" ||
        state == "57P03")
        return ErrorCode::Io;  // connection, resources (disk full), system, server shutdown
    if (state == "25006") return ErrorCode::ReadOnly;
    if (state == "XX001" || state == "XX002") return ErrorCode::Corrupt;
    if (cls == "22") return ErrorCode::Type;  // data exception: a value that does not fit
    return ErrorCode::Other;
}

Error pg_error(PGconn* conn, const PGresult* result, std::string_view context,
               std::string_view sql) {
    Error error;
    std::string state;
    std::string message;
    if (result != nullptr) {
        if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) state = s;
        if (const char* m = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) message = m;
    }
    if (message.empty() && conn != nullptr) message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    error.code = classify_sqlstate(state);
    error.message = std::string(to_string(error.code));
    if (!state.empty()) error.message += " (SQLSTATE " + state + ")";
    error.message += ": ";
    if (!context.empty()) error.message += std::string(context) + ": ";
    error.message += message.empty() ? "no answer from the server" : message;
    error.sql = std::string(sql);
    return error;
}

Status<Error> run_command(PGconn* conn, std::string_view sql) {
    const std::string text(sql);
    const PgResult result(PQexec(conn, text.c_str()));
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return fail(pg_error(conn, result.get(), {}, sql));
    return {};
}

}  // namespace gate::db::detail
