// Export and import (gate/backend/DatabaseTransfer.h). Table names come from our own list
// and column names from the database's catalog, never from the file: the file's column
// names are only checked against the target's, and every value goes in as a parameter.
#include "gate/backend/DatabaseTransfer.h"

#include <array>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "AsciiCase.h"
#include "OpenDatabase.h"
#include "gate/Clock.h"
#include "gate/codec/Base64Url.h"
#include "gate/db/Migration.h"

namespace gate::backend {

namespace {

constexpr std::string_view kFormat = "gate-ticket-api-export";
constexpr int kFormatVersion = 1;

// The order the schema creates them in, which is an order where every table comes after
// the tables it refers to. store_meta's rows replace the new database's own.
constexpr std::array<std::string_view, 24> kTables{
    "users",         "auth_nonces",        "sessions",
    "events",        "event_tiers",        "issuer_keys",
    "reservations",  "payments",           "tickets",
    "transfers",     "validations",        "entries",
    "checkin_lists", "device_setup_codes", "devices",
    "changes",       "store_meta",         "chain_event_keys",
    "chain_tickets", "event_validators",   "idempotency_keys",
    "refunds",       "payment_events",     "webhook_events"};

enum class Kind { Integer, Real, Text, Blob };

struct Column {
    std::string name;
    Kind kind;
};

std::string db_error(const db::Error& e) {
    return db::to_string(e);
}

// The kind of a column from its declared type, in either engine's words.
Kind kind_of_declared(std::string text) {
    const std::string type = ascii_lower(std::move(text));
    if (type.find("int") != std::string::npos) return Kind::Integer;
    if (type.find("real") != std::string::npos || type.find("double") != std::string::npos)
        return Kind::Real;
    if (type.find("blob") != std::string::npos || type.find("bytea") != std::string::npos)
        return Kind::Blob;
    return Kind::Text;
}

bool is_postgres(db::Database& db) {
    return db.engine() == "postgresql";
}

// The table's columns in their order, from the database's own catalog.
Result<std::vector<Column>, std::string> columns_of(db::Database& db, std::string_view table) {
    const std::string_view sql =
        is_postgres(db) ? "SELECT column_name, data_type FROM information_schema.columns WHERE "
                          "table_schema = current_schema() AND table_name = ? ORDER BY "
                          "ordinal_position"
                        : "SELECT name, type FROM pragma_table_info(?) ORDER BY cid";
    auto st = db.prepare(sql);
    if (!st.ok()) return fail(db_error(st.error()));
    if (auto bound = st->bind(1, table); !bound.ok()) return fail(db_error(bound.error()));
    std::vector<Column> columns;
    for (;;) {
        auto step = st->step();
        if (!step.ok()) return fail(db_error(step.error()));
        if (*step == db::Step::Done) break;
        columns.push_back(
            {std::string(st->column_text(0)), kind_of_declared(std::string(st->column_text(1)))});
    }
    if (columns.empty()) return fail("table " + std::string(table) + " is missing");
    return columns;
}

std::string sql_name(std::string_view name) {
    return "\"" + std::string(name) + "\"";
}

std::string column_list(const std::vector<Column>& columns) {
    std::string list;
    for (const auto& c : columns)
        list += (list.empty() ? "" : ", ") + sql_name(c.name);
    return list;
}

nlohmann::json value_at(const db::Statement& st, int i, Kind kind) {
    if (st.is_null(i)) return nullptr;
    switch (kind) {
        case Kind::Integer:
            return st.column_int64(i);
        case Kind::Real:
            return st.column_double(i);
        case Kind::Blob:
            return {{"base64url", codec::base64url_encode(st.column_blob(i))}};
        case Kind::Text:
            break;
    }
    return std::string(st.column_text(i));
}

Result<std::int64_t, std::string> count_rows(db::Database& db, std::string_view table) {
    auto n = db.query_one<std::int64_t>("SELECT COUNT(*) FROM " + sql_name(table));
    if (!n.ok()) return fail(db_error(n.error()));
    return *n;
}

// Binds one value of the file to parameter `index`, as the target column's kind wants.
Status<std::string> bind_value(db::Statement& st, int index, const Column& column,
                               const nlohmann::json& value) {
    auto wrong = [&](std::string_view expected) -> Status<std::string> {
        return fail("column " + column.name + ": expected " + std::string(expected) + ", got " +
                    value.type_name());
    };
    Status<db::Error> bound;
    switch (column.kind) {
        case Kind::Integer:
            if (value.is_null()) {
                bound = st.bind(index, std::optional<std::int64_t>{});
            } else if (!value.is_number_integer()) {
                return wrong("an integer");
            } else {
                bound = st.bind(index, value.get<std::int64_t>());
            }
            break;
        case Kind::Real:
            if (value.is_null()) {
                bound = st.bind(index, std::optional<double>{});
            } else if (!value.is_number()) {
                return wrong("a number");
            } else {
                bound = st.bind(index, value.get<double>());
            }
            break;
        case Kind::Text:
            if (value.is_null()) {
                bound = st.bind(index, std::optional<std::string>{});
            } else if (!value.is_string()) {
                return wrong("a string");
            } else {
                bound = st.bind(index, value.get_ref<const std::string&>());
            }
            break;
        case Kind::Blob: {
            if (value.is_null()) {
                bound = st.bind(index, std::optional<Bytes>{});
                break;
            }
            if (!value.is_object() || value.size() != 1 || !value.contains("base64url") ||
                !value["base64url"].is_string())
                return wrong("{\"base64url\": ...}");
            auto bytes = codec::base64url_decode(value["base64url"].get_ref<const std::string&>());
            if (!bytes.ok()) return fail("column " + column.name + ": malformed base64url");
            bound = st.bind(index, *bytes);
            break;
        }
    }
    if (!bound.ok()) return fail("column " + column.name + ": " + db_error(bound.error()));
    return {};
}

// Identity columns go on from the highest id imported, not from 1.
Status<std::string> advance_identities(db::Database& db) {
    std::vector<std::pair<std::string, std::string>> identities;
    {
        auto st = db.prepare(
            "SELECT table_name, column_name FROM information_schema.columns WHERE "
            "table_schema = current_schema() AND is_identity = 'YES'");
        if (!st.ok()) return fail(db_error(st.error()));
        for (;;) {
            auto step = st->step();
            if (!step.ok()) return fail(db_error(step.error()));
            if (*step == db::Step::Done) break;
            identities.emplace_back(std::string(st->column_text(0)),
                                    std::string(st->column_text(1)));
        }
    }
    for (const auto& [table, column] : identities) {
        auto set = db.query_one<std::int64_t>(
            "SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX(" + sql_name(column) +
                "), 0) + 1, false) FROM " + sql_name(table),
            sql_name(table), column);
        if (!set.ok()) return fail(table + "." + column + ": " + db_error(set.error()));
    }
    return {};
}

struct LineReader {
    std::istream& in;
    std::int64_t number = 0;
    // The next line as JSON; an error names the line.
    Result<nlohmann::json, std::string> next(std::string_view expecting) {
        std::string line;
        if (!std::getline(in, line))
            return fail("the file ends early, before " + std::string(expecting) +
                        " (an export cut short?)");
        ++number;
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        if (parsed.is_discarded()) return fail("line " + std::to_string(number) + ": not JSON");
        return parsed;
    }
    std::string at() const { return "line " + std::to_string(number) + ": "; }
};

}  // namespace

std::span<const std::string_view> exported_tables() {
    return kTables;
}

Result<TableCounts, std::string> export_database(const DatabaseUrl& from, std::ostream& out) {
    auto opened = open_migrated_database(from);
    if (!opened.ok()) return fail(opened.error());
    db::Database& db = *opened;
    auto version = db::schema_version(db);
    if (!version.ok()) return fail(db_error(version.error()));
    // One snapshot of the whole database, so the counts agree with the rows.
    auto tx = db.begin(db::TransactionKind::Deferred);
    if (!tx.ok()) return fail(db_error(tx.error()));
    out << nlohmann::json{{"format", kFormat},
                          {"version", kFormatVersion},
                          {"source_engine", db.engine()},
                          {"schema_version", *version},
                          {"exported_at", SystemClock().now_ms()}}
               .dump()
        << "\n";
    TableCounts counts;
    for (const auto table : kTables) {
        auto columns = columns_of(db, table);
        if (!columns.ok()) return fail(columns.error());
        nlohmann::json names = nlohmann::json::array();
        for (const auto& c : *columns)
            names.push_back(c.name);
        out << nlohmann::json{{"table", table}, {"columns", names}}.dump() << "\n";
        auto st = db.prepare("SELECT " + column_list(*columns) + " FROM " + sql_name(table) +
                             " ORDER BY 1");
        if (!st.ok()) return fail(db_error(st.error()));
        std::int64_t rows = 0;
        for (;;) {
            auto step = st->step();
            if (!step.ok()) return fail(std::string(table) + ": " + db_error(step.error()));
            if (*step == db::Step::Done) break;
            nlohmann::json row = nlohmann::json::array();
            for (std::size_t i = 0; i < columns->size(); ++i)
                row.push_back(value_at(*st, static_cast<int>(i), (*columns)[i].kind));
            out << row.dump() << "\n";
            ++rows;
        }
        out << nlohmann::json{{"end", table}, {"rows", rows}}.dump() << "\n";
        counts.emplace_back(std::string(table), rows);
    }
    nlohmann::json totals = nlohmann::json::object();
    for (const auto& [table, rows] : counts)
        totals[table] = rows;
    out << nlohmann::json{{"end_of_export", true}, {"tables", totals}}.dump() << "\n";
    out.flush();
    if (!out) return fail("the export could not be written completely");
    return counts;
}

namespace {

Result<TableCounts, std::string> import_rows(const DatabaseUrl& into, std::istream& in,
                                             std::int64_t& line_number) {
    auto opened = open_migrated_database(into);
    if (!opened.ok()) return fail(opened.error());
    db::Database& db = *opened;
    auto version = db::schema_version(db);
    if (!version.ok()) return fail(db_error(version.error()));

    LineReader reader{in};
    struct Track {
        LineReader& reader;
        std::int64_t& out;
        ~Track() { out = reader.number; }
    } track{reader, line_number};
    auto header = reader.next("the header");
    if (!header.ok()) return fail(header.error());
    if (!header->is_object() || header->value("format", "") != kFormat)
        return fail("line 1: not a ticket-api export (no \"format\": \"" + std::string(kFormat) +
                    "\")");
    if (header->value("version", 0) != kFormatVersion)
        return fail("line 1: export format version " +
                    header->value("version", nlohmann::json()).dump() +
                    " is not one this ticket-api reads (" + std::to_string(kFormatVersion) + ")");
    if (header->value("schema_version", -1) != *version)
        return fail("line 1: the export is at schema version " +
                    header->value("schema_version", nlohmann::json()).dump() +
                    ", this database at " + std::to_string(*version) +
                    "; run the same ticket-api version on both (or `ticket-api migrate` the "
                    "source first)");

    auto tx = db.begin(db::TransactionKind::Immediate);
    if (!tx.ok()) return fail(db_error(tx.error()));
    for (const auto table : kTables) {
        if (table == "store_meta") continue;
        auto rows = count_rows(db, table);
        if (!rows.ok()) return fail(rows.error());
        if (*rows != 0)
            return fail("the target database already holds data (" + std::to_string(*rows) +
                        " rows in " + std::string(table) +
                        "); import only into a new, empty database");
    }

    TableCounts counts;
    for (const auto table : kTables) {
        auto start = reader.next("table " + std::string(table));
        if (!start.ok()) return fail(start.error());
        if (!start->is_object() || start->value("table", "") != table ||
            !start->contains("columns") || !(*start)["columns"].is_array())
            return fail(reader.at() + "expected the columns of table " + std::string(table));
        auto target = columns_of(db, table);
        if (!target.ok()) return fail(target.error());
        std::map<std::string, Column> by_name;
        for (const auto& c : *target)
            by_name.emplace(c.name, c);
        std::vector<Column> columns;
        for (const auto& name : (*start)["columns"]) {
            if (!name.is_string() || !by_name.contains(name.get<std::string>()))
                return fail(reader.at() + "table " + std::string(table) + " has no column " +
                            name.dump());
            columns.push_back(by_name.at(name.get<std::string>()));
            by_name.erase(name.get<std::string>());  // each at most once
        }
        if (table == "store_meta") {
            if (auto cleared = db.execute("DELETE FROM store_meta"); !cleared.ok())
                return fail(db_error(cleared.error()));
        }
        std::string placeholders;
        for (std::size_t i = 0; i < columns.size(); ++i)
            placeholders += i == 0 ? "?" : ", ?";
        const std::string insert = "INSERT INTO " + sql_name(table) + " (" + column_list(columns) +
                                   ") VALUES (" + placeholders + ")";
        auto st = db.prepare(insert);
        if (!st.ok()) return fail(db_error(st.error()));
        std::int64_t rows = 0;
        for (;;) {
            auto line = reader.next("the end of table " + std::string(table));
            if (!line.ok()) return fail(line.error());
            if (line->is_object()) {
                if (line->value("end", "") != table || !(*line)["rows"].is_number_integer())
                    return fail(reader.at() + "expected a row or the end of table " +
                                std::string(table));
                if ((*line)["rows"].get<std::int64_t>() != rows)
                    return fail(reader.at() + "table " + std::string(table) + " ends after " +
                                std::to_string(rows) + " rows, but the export counted " +
                                (*line)["rows"].dump());
                break;
            }
            if (!line->is_array() || line->size() != columns.size())
                return fail(reader.at() + "a row of " + std::string(table) +
                            " must be an array of " + std::to_string(columns.size()) + " values");
            st->reset();
            for (std::size_t i = 0; i < columns.size(); ++i)
                if (auto bound = bind_value(*st, static_cast<int>(i + 1), columns[i], (*line)[i]);
                    !bound.ok())
                    return fail(reader.at() + std::string(table) + ": " + bound.error());
            for (;;) {
                auto step = st->step();
                if (!step.ok())
                    return fail(reader.at() + std::string(table) + ": " + db_error(step.error()));
                if (*step == db::Step::Done) break;
            }
            ++rows;
        }
        counts.emplace_back(std::string(table), rows);
    }
    auto trailer = reader.next("the end of the export");
    if (!trailer.ok()) return fail(trailer.error());
    if (!trailer->is_object() || !trailer->value("end_of_export", false) ||
        !(*trailer)["tables"].is_object())
        return fail(reader.at() + "expected the end of the export");
    for (const auto& [table, rows] : counts) {
        const auto& expected = (*trailer)["tables"];
        if (!expected.contains(table) || expected[table] != rows)
            return fail("table " + table + ": " + std::to_string(rows) +
                        " rows read, the export's totals say " +
                        (expected.contains(table) ? expected[table].dump() : "nothing"));
        auto stored = count_rows(db, table);
        if (!stored.ok()) return fail(stored.error());
        if (*stored != rows)
            return fail("table " + table + ": " + std::to_string(*stored) + " rows stored, " +
                        std::to_string(rows) + " in the export");
    }
    if (is_postgres(db))
        if (auto advanced = advance_identities(db); !advanced.ok()) return fail(advanced.error());
    if (auto committed = tx->commit(); !committed.ok()) return fail(db_error(committed.error()));
    return counts;
}

}  // namespace

Result<TableCounts, std::string> import_database(const DatabaseUrl& into, std::istream& in) {
    std::int64_t line = 0;
    try {
        return import_rows(into, in, line);
    } catch (const nlohmann::json::exception& e) {
        // A field of the wrong JSON type (say "rows": "12"); the transaction rolled back.
        return fail("line " + std::to_string(line) + ": " + e.what());
    }
}

}  // namespace gate::backend
