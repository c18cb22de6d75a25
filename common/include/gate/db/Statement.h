#pragma once
// Statement: one prepared SQL statement of any engine (SQLite or PostgreSQL). Values are
// bound as parameters, never spliced into SQL. It borrows its Database: destroy it first.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/db/Error.h"
#include "gate/db/Values.h"

namespace gate::db {

class Database;

namespace detail {
class StatementEngine;

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class>
inline constexpr bool kAlwaysFalse = false;

/// The kind of value a C++ type binds as (the type of a NULL std::optional<T>).
template <class V>
constexpr ValueKind kind_of() {
    if constexpr (std::is_same_v<V, bool> || std::is_integral_v<V>) {
        return ValueKind::Integer;
    } else if constexpr (std::is_floating_point_v<V>) {
        return ValueKind::Real;
    } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
        return ValueKind::Text;
    } else if constexpr (std::is_convertible_v<const V&, ByteView>) {
        return ValueKind::Blob;
    } else {
        return ValueKind::Any;
    }
}
}  // namespace detail

class Statement {
  public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    /// Binds a parameter by its 1-based index (?1, ?2 ... or the order of `?`).
    /// Accepts integers and bool, double, anything viewable as std::string_view (text) or as
    /// std::span<const std::uint8_t> (blob), std::nullopt / nullptr (NULL), std::optional of
    /// those. Text and blobs are copied, so the argument may die at once.
    template <class T>
    Status<Error> bind(int index, const T& value);

    /// Binds a named parameter; the name includes its prefix (":ticket_id", "@id", "$id").
    template <class T>
    Status<Error> bind(std::string_view name, const T& value);

    /// Binds every parameter in order; the count must match the statement's.
    template <class... Args>
    Status<Error> bind_all(const Args&... args);

    /// Runs to the next row. Busy and constraint failures come back as errors.
    Result<Step, Error> step();

    /// Makes the statement ready to run again: rewound and all bindings cleared.
    void reset() noexcept;

    // Column getters for the current row (0-based), loose like SQLite's: NULL reads
    // as 0 / empty. Views stay valid until the next step(), reset() or destruction.
    int column_count() const noexcept;
    bool is_null(int column) const noexcept;
    std::int64_t column_int64(int column) const noexcept;
    double column_double(int column) const noexcept;
    std::string_view column_text(int column) const noexcept;
    ByteView column_blob(int column) const noexcept;
    std::optional<std::int64_t> column_optional_int64(int column) const noexcept;
    std::optional<double> column_optional_double(int column) const noexcept;
    std::optional<std::string_view> column_optional_text(int column) const noexcept;
    std::optional<ByteView> column_optional_blob(int column) const noexcept;

    /// Strict read: the stored type must fit T, NULL only into std::optional (else
    /// ErrorCode::Type). T is std::int64_t, int, bool, double, std::string, gate::Bytes or a
    /// std::optional of one of them.
    template <class T>
    Result<T, Error> get(int column) const;

    /// The SQL text this statement was prepared from.
    std::string_view sql() const noexcept;

  private:
    friend class Database;
    explicit Statement(detail::StatementEngine* engine) noexcept;

    Status<Error> bind_null(int index, ValueKind kind);
    Status<Error> bind_int64(int index, std::int64_t value);
    Status<Error> bind_double(int index, double value);
    Status<Error> bind_text(int index, std::string_view value);
    Status<Error> bind_blob(int index, ByteView value);
    Result<int, Error> parameter_index(std::string_view name) const;
    Status<Error> expect_parameter_count(int count) const;

    Status<Error> check_column(int column) const;
    Result<std::int64_t, Error> read_int64(int column) const;
    Result<int, Error> read_int(int column) const;
    Result<bool, Error> read_bool(int column) const;
    Result<double, Error> read_double(int column) const;
    Result<std::string, Error> read_text(int column) const;
    Result<Bytes, Error> read_blob(int column) const;

    void release() noexcept;

    Error type_error(int column, std::string_view wanted, std::string_view found) const;

    detail::StatementEngine* engine_ = nullptr;  // released (not deleted) when done
};

template <class T>
Status<Error> Statement::bind(int index, const T& value) {
    using V = std::remove_cvref_t<T>;
    if constexpr (std::is_same_v<V, std::nullopt_t> || std::is_same_v<V, std::nullptr_t>) {
        return bind_null(index, ValueKind::Any);
    } else if constexpr (detail::IsOptional<V>::value) {
        return value.has_value() ? bind(index, *value)
                                 : bind_null(index, detail::kind_of<typename V::value_type>());
    } else if constexpr (std::is_same_v<V, bool>) {
        return bind_int64(index, value ? 1 : 0);
    } else if constexpr (std::is_integral_v<V>) {
        static_assert(!std::is_same_v<V, char>, "bind a char as text (std::string_view)");
        static_assert(std::is_signed_v<V> || sizeof(V) < sizeof(std::int64_t),
                      "SQLite integers are signed 64-bit; convert unsigned 64-bit values "
                      "explicitly");
        const std::int64_t widened = value;
        return bind_int64(index, widened);
    } else if constexpr (std::is_same_v<V, double>) {
        return bind_double(index, value);
    } else if constexpr (std::is_floating_point_v<V>) {
        return bind_double(index, static_cast<double>(value));
    } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
        return bind_text(index, std::string_view(value));
    } else if constexpr (std::is_convertible_v<const V&, ByteView>) {
        return bind_blob(index, ByteView(value));
    } else {
        static_assert(detail::kAlwaysFalse<V>, "no database binding for this type");
    }
}

template <class T>
Status<Error> Statement::bind(std::string_view name, const T& value) {
    auto index = parameter_index(name);
    if (!index.ok()) return fail(index.error());
    return bind(*index, value);
}

template <class... Args>
Status<Error> Statement::bind_all(const Args&... args) {
    if (auto counted = expect_parameter_count(static_cast<int>(sizeof...(Args))); !counted.ok())
        return counted;
    Status<Error> status;
    [[maybe_unused]] int index = 0;
    // Stops at the first failure: && short-circuits the fold.
    static_cast<void>(((status = bind(++index, args), status.ok()) && ...));
    return status;
}

template <class T>
Result<T, Error> Statement::get(int column) const {
    if constexpr (detail::IsOptional<T>::value) {
        if (auto valid = check_column(column); !valid.ok()) return fail(valid.error());
        if (is_null(column)) return T{};
        auto inner = get<typename T::value_type>(column);
        if (!inner.ok()) return fail(inner.error());
        return T{std::move(inner).value()};
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        return read_int64(column);
    } else if constexpr (std::is_same_v<T, int>) {
        return read_int(column);
    } else if constexpr (std::is_same_v<T, bool>) {
        return read_bool(column);
    } else if constexpr (std::is_same_v<T, double>) {
        return read_double(column);
    } else if constexpr (std::is_same_v<T, std::string>) {
        return read_text(column);
    } else if constexpr (std::is_same_v<T, Bytes>) {
        return read_blob(column);
    } else {
        static_assert(detail::kAlwaysFalse<T>, "no database column reader for this type");
    }
}

}  // namespace gate::db
