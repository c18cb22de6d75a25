#include "gate/db/Statement.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gate/db/Engine.h"

namespace gate::db {

namespace {

std::string_view type_name(ColumnType type) noexcept {
    switch (type) {
        case ColumnType::Integer:
            return "integer";
        case ColumnType::Real:
            return "real";
        case ColumnType::Text:
            return "text";
        case ColumnType::Blob:
            return "blob";
        case ColumnType::Null:
            break;
    }
    return "NULL";
}

}  // namespace

Statement::Statement(detail::StatementEngine* engine) noexcept : engine_(engine) {}

Statement::Statement(Statement&& other) noexcept : engine_(std::exchange(other.engine_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        release();
        engine_ = std::exchange(other.engine_, nullptr);
    }
    return *this;
}

Statement::~Statement() {
    release();
}

void Statement::release() noexcept {
    if (engine_ == nullptr) return;
    std::exchange(engine_, nullptr)->release();
}

Status<Error> Statement::bind_null(int index, ValueKind kind) {
    return engine_->bind_null(index, kind);
}

Status<Error> Statement::bind_int64(int index, std::int64_t value) {
    return engine_->bind_int64(index, value);
}

Status<Error> Statement::bind_double(int index, double value) {
    return engine_->bind_double(index, value);
}

Status<Error> Statement::bind_text(int index, std::string_view value) {
    return engine_->bind_text(index, value);
}

Status<Error> Statement::bind_blob(int index, ByteView value) {
    return engine_->bind_blob(index, value);
}

Result<int, Error> Statement::parameter_index(std::string_view name) const {
    const int index = engine_->parameter_index(name);
    if (index == 0)
        return fail(Error{ErrorCode::Misuse, 0, "no parameter named '" + std::string(name) + "'",
                          std::string(sql())});
    return index;
}

Status<Error> Statement::expect_parameter_count(int count) const {
    const int expected = engine_->parameter_count();
    if (expected != count)
        return fail(Error{ErrorCode::Misuse, 0,
                          "statement takes " + std::to_string(expected) + " parameters, " +
                              std::to_string(count) + " given",
                          std::string(sql())});
    return {};
}

Result<Step, Error> Statement::step() {
    return engine_->step();
}

void Statement::reset() noexcept {
    engine_->reset();
}

int Statement::column_count() const noexcept {
    return engine_->column_count();
}

bool Statement::is_null(int column) const noexcept {
    return engine_->column_type(column) == ColumnType::Null;
}

std::int64_t Statement::column_int64(int column) const noexcept {
    return engine_->column_int64(column);
}

double Statement::column_double(int column) const noexcept {
    return engine_->column_double(column);
}

std::string_view Statement::column_text(int column) const noexcept {
    return engine_->column_text(column);
}

ByteView Statement::column_blob(int column) const noexcept {
    return engine_->column_blob(column);
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
    return engine_ != nullptr ? engine_->sql() : std::string_view();
}

Status<Error> Statement::check_column(int column) const {
    if (column < 0 || column >= column_count())
        return fail(Error{ErrorCode::Misuse, 0,
                          "column " + std::to_string(column) + " out of range (row has " +
                              std::to_string(column_count()) + ")",
                          std::string(sql())});
    return {};
}

Error Statement::type_error(int column, std::string_view wanted, std::string_view found) const {
    std::string message = "column " + std::to_string(column);
    if (const std::string_view name = engine_->column_name(column); !name.empty())
        message += " '" + std::string(name) + "'";
    message += " holds ";
    message += found;
    message += ", expected ";
    message += wanted;
    return Error{ErrorCode::Type, 0, std::move(message), std::string(sql())};
}

Result<std::int64_t, Error> Statement::read_int64(int column) const {
    if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
    const ColumnType type = engine_->column_type(column);
    if (type != ColumnType::Integer) return fail(type_error(column, "integer", type_name(type)));
    return column_int64(column);
}

Result<int, Error> Statement::read_int(int column) const {
    auto wide = read_int64(column);
    if (!wide.ok()) return fail(wide.error());
    if (*wide < std::numeric_limits<int>::min() || *wide > std::numeric_limits<int>::max())
        return fail(type_error(column, "a value that fits int", std::to_string(*wide)));
    return static_cast<int>(*wide);
}

Result<bool, Error> Statement::read_bool(int column) const {
    auto wide = read_int64(column);
    if (!wide.ok()) return fail(wide.error());
    if (*wide != 0 && *wide != 1) return fail(type_error(column, "0 or 1", std::to_string(*wide)));
    return *wide == 1;
}

Result<double, Error> Statement::read_double(int column) const {
    if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
    const ColumnType type = engine_->column_type(column);
    // An integer is a number too: REAL columns store whole values as integers.
    if (type != ColumnType::Real && type != ColumnType::Integer)
        return fail(type_error(column, "real", type_name(type)));
    return column_double(column);
}

Result<std::string, Error> Statement::read_text(int column) const {
    if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
    const ColumnType type = engine_->column_type(column);
    if (type != ColumnType::Text) return fail(type_error(column, "text", type_name(type)));
    return std::string(column_text(column));
}

Result<Bytes, Error> Statement::read_blob(int column) const {
    if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
    const ColumnType type = engine_->column_type(column);
    if (type != ColumnType::Blob) return fail(type_error(column, "blob", type_name(type)));
    const ByteView blob = column_blob(column);
    return Bytes(blob.begin(), blob.end());
}

}  // namespace gate::db
