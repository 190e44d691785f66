// SPDX-License-Identifier: MIT
// jot::result<T>: a value or a std::error_code; value() throws jot::error for callers who prefer exceptions.
#pragma once

#include <cstdlib>
#include <new>
#include <system_error>
#include <type_traits>
#include <utility>

#include "error.hpp"

namespace jot {

namespace detail {
/// Raises jot::error, or aborts in a build without exceptions (there is nothing else a value() can do).
[[noreturn]] inline void throw_error(std::error_code ec) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
    throw jot::error(ec);
#else
    (void)ec;
    std::abort();
#endif
}
} // namespace detail

/// Holds either a T or the std::error_code saying why there is none. Every fallible jot call returns one.
/// Contract: error() is a jot code (or another category's code passed through by a caller's plug-in) when
/// has_value() is false, and is empty when it is true.
template <class T>
class [[nodiscard]] result {
    static_assert(!std::is_reference<T>::value, "jot::result<T> holds values, not references");
    static_assert(!std::is_same<std::decay_t<T>, std::error_code>::value,
                  "jot::result<std::error_code> would be ambiguous");

public:
    /// A result holding a value.
    result(const T& v) : has_(true) { new (&storage_) T(v); }
    result(T&& v) noexcept(std::is_nothrow_move_constructible<T>::value) : has_(true) {
        new (&storage_) T(std::move(v));
    }
    /// A result holding an error; `ec` must not be empty.
    result(std::error_code ec) noexcept : has_(false), ec_(ec) {}
    result(errc e) noexcept : result(make_error_code(e)) {}

    result(const result& o) : has_(o.has_), ec_(o.ec_) {
        if (has_) new (&storage_) T(*o.ptr());
    }
    result(result&& o) noexcept(std::is_nothrow_move_constructible<T>::value) : has_(o.has_), ec_(o.ec_) {
        if (has_) new (&storage_) T(std::move(*o.ptr()));
    }
    result& operator=(const result& o) {
        if (this != &o) {
            result tmp(o);
            *this = std::move(tmp);
        }
        return *this;
    }
    result& operator=(result&& o) noexcept(std::is_nothrow_move_constructible<T>::value) {
        if (this != &o) {
            destroy();
            has_ = o.has_;
            ec_ = o.ec_;
            if (has_) new (&storage_) T(std::move(*o.ptr()));
        }
        return *this;
    }
    ~result() { destroy(); }

    bool has_value() const noexcept { return has_; }
    explicit operator bool() const noexcept { return has_; }
    /// The error; empty when has_value().
    std::error_code error() const noexcept { return ec_; }

    /// The value; throws jot::error holding error() when there is none.
    T& value() & {
        if (!has_) detail::throw_error(ec_);
        return *ptr();
    }
    const T& value() const& {
        if (!has_) detail::throw_error(ec_);
        return *ptr();
    }
    T&& value() && {
        if (!has_) detail::throw_error(ec_);
        return std::move(*ptr());
    }
    /// The value, or `fallback` when there is none.
    template <class U>
    T value_or(U&& fallback) const& {
        return has_ ? *ptr() : static_cast<T>(std::forward<U>(fallback));
    }

    /// Unchecked access: the caller has checked has_value().
    T& operator*() & noexcept { return *ptr(); }
    const T& operator*() const& noexcept { return *ptr(); }
    T&& operator*() && noexcept { return std::move(*ptr()); }
    T* operator->() noexcept { return ptr(); }
    const T* operator->() const noexcept { return ptr(); }

private:
    T* ptr() noexcept { return std::launder(reinterpret_cast<T*>(&storage_)); }
    const T* ptr() const noexcept { return std::launder(reinterpret_cast<const T*>(&storage_)); }
    void destroy() noexcept {
        if (has_) ptr()->~T();
        has_ = false;
    }

    std::aligned_storage_t<sizeof(T), alignof(T)> storage_;
    bool has_;
    std::error_code ec_;
};

/// result<void>: success, or the error_code saying why not.
template <>
class [[nodiscard]] result<void> {
public:
    result() noexcept = default;
    result(std::error_code ec) noexcept : ec_(ec) {}
    result(errc e) noexcept : ec_(make_error_code(e)) {}

    bool has_value() const noexcept { return !ec_; }
    explicit operator bool() const noexcept { return !ec_; }
    std::error_code error() const noexcept { return ec_; }
    /// Throws jot::error holding error() on failure.
    void value() const {
        if (ec_) detail::throw_error(ec_);
    }

private:
    std::error_code ec_;
};

} // namespace jot
