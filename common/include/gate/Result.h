#pragma once
// Result<T, E>: a value or an expected failure, for paths that must not throw
// (decode, parse, verify, network). C++20 has no std::expected, so this is the
// small subset the project needs.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace gate {

template <class E>
struct Failure {
    E error;
};

/// Wraps an error so it converts to any Result<T, E>.
template <class E>
Failure<std::decay_t<E>> fail(E&& error) {
    return {std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    template <class G>
    Result(Failure<G> f) : v_(std::in_place_index<1>, E(std::move(f.error))) {}  // NOLINT

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    const E& error() const {
        assert(!ok());
        return std::get<1>(v_);
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    template <class U>
    T value_or(U&& fallback) const& {
        return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
    }

  private:
    std::variant<T, E> v_;
};

/// Result of an operation that yields no value.
template <class E>
class [[nodiscard]] Status {
  public:
    Status() = default;
    template <class G>
    Status(Failure<G> f) : error_(E(std::move(f.error))), failed_(true) {}  // NOLINT

    static Status success() { return {}; }
    bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    const E& error() const {
        assert(failed_);
        return error_;
    }

  private:
    E error_{};
    bool failed_ = false;
};

}  // namespace gate
