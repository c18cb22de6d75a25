#include "gate/db/Statement.h"

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <string>

#include "db/Connection.h"

namespace gate::db {

namespace {

// SQLITE_TRANSIENT is an old-style cast in a macro; spelled out so the warning set holds.
// It tells SQLite to copy the bytes before the bind call returns.
sqlite3_destructor_type transient() noexcept {
    return reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));
}

// SQLite reads a null data pointer as NULL, so empty text and blobs need a real address.
constexpr char kEmpty[1] = {0};

std::string_view type_name(int type) noexcept {
    switch (type) {
        case SQLITE_INTEGER:
            return "integer";
        case SQLITE_FLOAT:
            return "real";
        case SQLITE_TEXT:
            return "text";
        case SQLITE_BLOB:
            return "blob";
        default:
            return "NULL";
    }
}

}  // namespace

Statement::Statement(sqlite3_stmt* stmt, detail::CacheSlot* slot) noexcept
    : stmt_(stmt), slot_(slot) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), slot_(std::exchange(other.slot_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        release();
        stmt_ = std::exchange(other.stmt_, nullptr);
        slot_ = std::exchange(other.slot_, nullptr);
    }
    return *this;
}

Statement::~Statement() {
    release();
}

void Statement::release() noexcept {
    if (stmt_ == nullptr) return;
    if (slot_ != nullptr) {
        // Back to the cache, rewound: a statement left mid-read would pin a WAL snapshot.
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        slot_->in_use = false;
    } else {
        sqlite3_finalize(stmt_);
    }
    stmt_ = nullptr;
    slot_ = nullptr;
}

Status<Error> Statement::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK)
        return fail(detail::sqlite_error(sqlite3_db_handle(stmt_), rc,
                                         "bind parameter " + std::to_string(index), sql()));
    return {};
}

Status<Error> Statement::bind_int64(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK)
        return fail(detail::sqlite_error(sqlite3_db_handle(stmt_), rc,
                                         "bind parameter " + std::to_string(index), sql()));
    return {};
}

Status<Error> Statement::bind_double(int index, double value) {
    const int rc = sqlite3_bind_double(stmt_, index, value);
    if (rc != SQLITE_OK)
        return fail(detail::sqlite_error(sqlite3_db_handle(stmt_), rc,
                                         "bind parameter " + std::to_string(index), sql()));
    return {};
}

Status<Error> Statement::bind_text(int index, std::string_view value) {
    const char* data = value.empty() ? kEmpty : value.data();
    const int rc = sqlite3_bind_text64(stmt_, index, data, value.size(), transient(), SQLITE_UTF8);
    if (rc != SQLITE_OK)
        return fail(detail::sqlite_error(sqlite3_db_handle(stmt_), rc,
                                         "bind parameter " + std::to_string(index), sql()));
    return {};
}

Status<Error> Statement::bind_blob(int index, ByteView value) {
    const void* data = value.empty() ? static_cast<const void*>(kEmpty) : value.data();
    const int rc = sqlite3_bind_blob64(stmt_, index, data, value.size(), transient());
    if (rc != SQLITE_OK)
        return fail(detail::sqlite_error(sqlite3_db_handle(stmt_), rc,
                                         "bind parameter " + std::to_string(index), sql()));
    return {};
}

Result<int, Error> Statement::parameter_index(std::string_view name) const {
    const std::string terminated(name);
    const int index = sqlite3_bind_parameter_index(stmt_, terminated.c_str());
    if (index == 0)
        return fail(Error{ErrorCode::Misuse, 0, "no parameter named '" + terminated + "'",
                          std::string(sql())});
    return index;
}

Status<Error> Statement::expect_parameter_count(int count) const {
    const int expected = sqlite3_bind_parameter_count(stmt_);
    if (expected != count)
        return fail(Error{ErrorCode::Misuse, 0,
                          "statement takes " + std::to_string(expected) + " parameters, " +
                              std::to_string(count) + " given",
                          std::string(sql())});
    return {};
}

Result<Step, Error> Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return Step::Row;
    if (rc == SQLITE_DONE) return Step::Done;
    return fail(detail::sqlite_error(sqlite3_db_handle(stmt_), rc, "step", sql()));
}

void Statement::reset() noexcept {
    // reset() repeats the last step's error, which step() has already reported.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

int Statement::column_count() const noexcept {
    return sqlite3_column_count(stmt_);
}

bool Statement::is_null(int column) const noexcept {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int column) const noexcept {
    return sqlite3_column_int64(stmt_, column);
}

double Statement::column_double(int column) const noexcept {
    return sqlite3_column_double(stmt_, column);
}

std::string_view Statement::column_text(int column) const noexcept {
    // text before bytes: the documented order that yields the UTF-8 length.
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

ByteView Statement::column_blob(int column) const noexcept {
    const void* blob = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (blob == nullptr) return {};
    return {static_cast<const std::uint8_t*>(blob), static_cast<std::size_t>(size)};
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const noexcept {
    if (is_null(column)) return std::nullopt;
    return column_int64(column);
}

std::optional<double> Statement::column_optional_double(int column) const noexcept {
    if (is_null(column)) return std::nullopt;
    return column_double(column);
}

std::optional<std::string_view> Statement::column_optional_text(int column) const noexcept {
    if (is_null(column)) return std::nullopt;
    return column_text(column);
}

std::optional<ByteView> Statement::column_optional_blob(int column) const noexcept {
    if (is_null(column)) return std::nullopt;
    return column_blob(column);
}

std::string_view Statement::sql() const noexcept {
    const char* text = stmt_ != nullptr ? sqlite3_sql(stmt_) : nullptr;
    return text != nullptr ? std::string_view(text) : std::string_view();
}

Status<Error> Statement::check_column(int column) const {
    if (column < 0 || column >= column_count())
        return fail(Error{ErrorCode::Misuse, 0,
                          "column " + std::to_string(column) + " out of range (row has " +
                              std::to_string(column_count()) + ")",
                          std::string(sql())});
    return {};
}

namespace {

Error type_error(sqlite3_stmt* stmt, int column, std::string_view wanted, std::string_view found) {
    const char* name = sqlite3_column_name(stmt, column);
    std::string message = "column " + std::to_string(column);
    if (name != nullptr) message += std::string(" '") + name + "'";
    message += " holds ";
    message += found;
    message += ", expected ";
    message += wanted;
    const char* sql = sqlite3_sql(stmt);
    return Error{ErrorCode::Type, 0, std::move(message), sql != nullptr ? sql : ""};
}

}  // namespace

Result<std::int64_t, Error> Statement::read_int64(int column) const {
    if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
    const int type = sqlite3_column_type(stmt_, column);
    if (type != SQLITE_INTEGER) return fail(type_error(stmt_, column, "integer", type_name(type)));
    return column_int64(column);
}

Result<int, Error> Statement::read_int(int column) const {
    auto wide = read_int64(column);
    if (!wide.ok()) return fail(wide.error());
    if (*wide < std::numeric_limits<int>::min() || *wide > std::numeric_limits<int>::max())
        return fail(type_error(stmt_, column, "a value that fits int", std::to_string(*wide)));
    return static_cast<int>(*wide);
}

Result<bool, Error> Statement::read_bool(int column) const {
    auto wide = read_int64(column);
    if (!wide.ok()) return fail(wide.error());
    if (*wide != 0 && *wide != 1)
        return fail(type_error(stmt_, column, "0 or 1", std::to_string(*wide)));
    return *wide == 1;
}

Result<double, Error> Statement::read_double(int column) const {
    if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
    const int type = sqlite3_column_type(stmt_, column);
    // An integer is a number too: REAL columns store whole values as integers.
    if (type != SQLITE_FLOAT && type != SQLITE_INTEGER)
        return fail(type_error(stmt_, column, "real", type_name(type)));
    return column_double(column);
}

Result<std::string, Error> Statement::read_text(int column) const {
    if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
    const int type = sqlite3_column_type(stmt_, column);
    if (type != SQLITE_TEXT) return fail(type_error(stmt_, column, "text", type_name(type)));
    return std::string(column_text(column));
}

Result<Bytes, Error> Statement::read_blob(int column) const {
    if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
    const int type = sqlite3_column_type(stmt_, column);
    if (type != SQLITE_BLOB) return fail(type_error(stmt_, column, "blob", type_name(type)));
    const ByteView blob = column_blob(column);
    return Bytes(blob.begin(), blob.end());
}

}  // namespace gate::db
