// One statement on PostgreSQL: parameters collected as text (blobs binary), sent with their
// types to a server-side prepared statement on the first step, the whole answer read then
// and walked row by row. Columns arrive as text and are read back by their server type.
#include <charconv>
#include <cstdlib>
#include <string>

#include "PgConnection.h"
#include "gate/db/Postgres.h"

namespace gate::db::detail {

namespace {

// Type OIDs from PostgreSQL's catalog (pg_type.dat); stable across versions.
constexpr Oid kBool = 16;
constexpr Oid kBytea = 17;
constexpr Oid kInt8 = 20;
constexpr Oid kInt2 = 21;
constexpr Oid kInt4 = 23;
constexpr Oid kText = 25;
constexpr Oid kOid = 26;
constexpr Oid kFloat4 = 700;
constexpr Oid kFloat8 = 701;
constexpr Oid kNumeric = 1700;

Oid oid_of(ValueKind kind) noexcept {
    switch (kind) {
        case ValueKind::Integer:
            return kInt8;
        case ValueKind::Real:
            return kFloat8;
        case ValueKind::Text:
            return kText;
        case ValueKind::Blob:
            return kBytea;
        case ValueKind::Any:
            break;
    }
    return 0;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

PgStatement::PgStatement(PgConnection& conn, std::string sql, bool cached)
    : conn_(conn), sql_(std::move(sql)), cached_(cached) {
    NumberedSql numbered = number_parameters(sql_);
    pg_sql_ = std::move(numbered.sql);
    count_ = numbered.count;
    params_.resize(static_cast<std::size_t>(count_));
}

Status<Error> PgStatement::slot(int index) {
    if (index < 1 || index > count_)
        return fail(Error{ErrorCode::Misuse, 0,
                          "bind parameter " + std::to_string(index) + ": out of range (" +
                              std::to_string(count_) + " parameters)",
                          sql_});
    if (executed_) reset();  // binding after a run starts the next one, as SQLite's reset
    return {};
}

Status<Error> PgStatement::bind_null(int index, ValueKind kind) {
    if (auto ok = slot(index); !ok.ok()) return ok;
    params_[static_cast<std::size_t>(index - 1)] = Parameter{oid_of(kind), true, false, {}};
    return {};
}

Status<Error> PgStatement::bind_int64(int index, std::int64_t value) {
    if (auto ok = slot(index); !ok.ok()) return ok;
    params_[static_cast<std::size_t>(index - 1)] =
        Parameter{kInt8, false, false, std::to_string(value)};
    return {};
}

Status<Error> PgStatement::bind_double(int index, double value) {
    if (auto ok = slot(index); !ok.ok()) return ok;
    char buffer[64];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
    params_[static_cast<std::size_t>(index - 1)] =
        Parameter{kFloat8, false, false, std::string(buffer, written.ptr)};
    return {};
}

Status<Error> PgStatement::bind_text(int index, std::string_view value) {
    if (auto ok = slot(index); !ok.ok()) return ok;
    if (value.find('\0') != std::string_view::npos)
        return fail(Error{ErrorCode::Type, 0,
                          "bind parameter " + std::to_string(index) +
                              ": PostgreSQL text cannot hold a NUL character",
                          sql_});
    params_[static_cast<std::size_t>(index - 1)] =
        Parameter{kText, false, false, std::string(value)};
    return {};
}

Status<Error> PgStatement::bind_blob(int index, ByteView value) {
    if (auto ok = slot(index); !ok.ok()) return ok;
    params_[static_cast<std::size_t>(index - 1)] =
        Parameter{kBytea, false, true, std::string(value.begin(), value.end())};
    return {};
}

Result<Step, Error> PgStatement::execute() {
    std::vector<Oid> types;
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    types.reserve(params_.size());
    for (const Parameter& p : params_) {
        types.push_back(p.type);
        values.push_back(p.null ? nullptr : p.value.data());
        lengths.push_back(static_cast<int>(p.value.size()));
        formats.push_back(p.binary ? 1 : 0);
    }
    auto name = conn_.prepared(pg_sql_, types);
    if (!name.ok()) return fail(name.error());
    result_.reset(PQexecPrepared(conn_.handle(), name->c_str(), count_, values.data(),
                                 lengths.data(), formats.data(), 0));
    executed_ = true;
    const ExecStatusType status = result_ ? PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK) {
        rows_ = PQntuples(result_.get());
    } else if (status == PGRES_COMMAND_OK) {
        rows_ = 0;
    } else {
        Error error = pg_error(conn_.handle(), result_.get(), "step", sql_);
        result_.reset();
        return fail(std::move(error));
    }
    const char* affected = PQcmdTuples(result_.get());
    conn_.set_changes(affected != nullptr && *affected != '\0' ? std::atoll(affected) : 0);
    row_ = -1;
    decoded_.assign(static_cast<std::size_t>(PQnfields(result_.get())), Bytes{});
    decoded_row_.assign(decoded_.size(), -1);
    return Step::Done;
}

Result<Step, Error> PgStatement::step() {
    if (!executed_) {
        auto ran = execute();
        if (!ran.ok()) return fail(ran.error());
    }
    if (!result_) return Step::Done;
    if (row_ + 1 < rows_) {
        ++row_;
        return Step::Row;
    }
    row_ = rows_;
    return Step::Done;
}

void PgStatement::reset() noexcept {
    result_.reset();
    executed_ = false;
    row_ = -1;
    rows_ = 0;
    for (Parameter& p : params_)
        p = Parameter{};
}

void PgStatement::release() noexcept {
    if (!cached_) {
        delete this;
        return;
    }
    reset();
    in_use = false;
}

int PgStatement::column_count() const noexcept {
    // Before the first step the server has not described the row yet; SQLite knows it at
    // prepare time, but nothing here reads columns before stepping.
    return result_ ? PQnfields(result_.get()) : 0;
}

ColumnType PgStatement::column_type(int column) const noexcept {
    if (!result_ || row_ < 0 || row_ >= rows_ || column < 0 || column >= column_count())
        return ColumnType::Null;
    if (PQgetisnull(result_.get(), row_, column) != 0) return ColumnType::Null;
    switch (PQftype(result_.get(), column)) {
        case kBool:
        case kInt2:
        case kInt4:
        case kInt8:
        case kOid:
            return ColumnType::Integer;
        case kFloat4:
        case kFloat8:
            return ColumnType::Real;
        case kNumeric: {
            // SUM() of integers is numeric: whole values read as integers.
            const std::string_view text = column_text(column);
            return text.find_first_of(".eEN") == std::string_view::npos ? ColumnType::Integer
                                                                        : ColumnType::Real;
        }
        case kBytea:
            return ColumnType::Blob;
        default:
            return ColumnType::Text;
    }
}

std::int64_t PgStatement::column_int64(int column) const noexcept {
    const std::string_view text = column_text(column);
    if (text == "t") return 1;
    if (text == "f") return 0;
    std::int64_t value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc{} && !text.empty())
        return static_cast<std::int64_t>(std::strtod(std::string(text).c_str(), nullptr));
    return value;
}

double PgStatement::column_double(int column) const noexcept {
    const std::string_view text = column_text(column);
    if (text == "t") return 1;
    if (text == "f") return 0;
    return std::strtod(std::string(text).c_str(), nullptr);
}

std::string_view PgStatement::column_text(int column) const noexcept {
    if (!result_ || row_ < 0 || row_ >= rows_ || column < 0 || column >= column_count()) return {};
    const char* value = PQgetvalue(result_.get(), row_, column);
    const int length = PQgetlength(result_.get(), row_, column);
    if (value == nullptr) return {};
    return {value, static_cast<std::size_t>(length)};
}

ByteView PgStatement::column_blob(int column) const noexcept {
    if (column_type(column) != ColumnType::Blob) {
        const std::string_view text = column_text(column);
        return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
    }
    const auto c = static_cast<std::size_t>(column);
    if (decoded_row_[c] != row_) {
        // bytea in text form is "\x" and two hex digits per byte (bytea_output = hex).
        const std::string_view text = column_text(column);
        Bytes& out = decoded_[c];
        out.clear();
        if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
            out.reserve((text.size() - 2) / 2);
            for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
                const int hi = hex_value(text[i]);
                const int lo = hex_value(text[i + 1]);
                if (hi < 0 || lo < 0) break;
                out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
            }
        }
        decoded_row_[c] = row_;
    }
    return {decoded_[c].data(), decoded_[c].size()};
}

std::string_view PgStatement::column_name(int column) const noexcept {
    if (!result_ || column < 0 || column >= column_count()) return {};
    const char* name = PQfname(result_.get(), column);
    return name != nullptr ? std::string_view(name) : std::string_view();
}

}  // namespace gate::db::detail
