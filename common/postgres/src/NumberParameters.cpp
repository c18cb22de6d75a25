// `?` to `$n`: the project writes SQL once, with SQLite's positional parameters, and
// PostgreSQL numbers its own. Quotes, identifiers and comments are copied untouched.
#include <cctype>
#include <string>

#include "gate/db/Postgres.h"

namespace gate::db {

NumberedSql number_parameters(std::string_view sql) {
    NumberedSql out;
    out.sql.reserve(sql.size() + 16);
    int next = 0;
    std::size_t i = 0;
    auto copy_until = [&](std::string_view end) {
        const std::size_t found = sql.find(end, i);
        const std::size_t stop = found == std::string_view::npos ? sql.size() : found + end.size();
        out.sql.append(sql.substr(i, stop - i));
        i = stop;
    };
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            // A doubled quote inside is two quoted runs back to back: the loop copies both.
            out.sql.push_back(c);
            ++i;
            copy_until(std::string_view(&c, 1));
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            copy_until("\n");
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            copy_until("*/");
        } else if (c == '?') {
            ++i;
            std::size_t digits = 0;
            while (i + digits < sql.size() &&
                   std::isdigit(static_cast<unsigned char>(sql[i + digits])) != 0)
                ++digits;
            int number = 0;
            if (digits > 0) {
                number = std::stoi(std::string(sql.substr(i, digits)));
                i += digits;
            } else {
                number = ++next;
            }
            if (number > next) next = number;
            out.sql += '$';
            out.sql += std::to_string(number);
        } else {
            out.sql.push_back(c);
            ++i;
        }
    }
    out.count = next;
    return out;
}

}  // namespace gate::db
