// SPDX-License-Identifier: MIT
// The one boundary where jot calls code a caller plugged in: an exception from it becomes an error code.
#pragma once

#include <utility>

namespace jot::detail {

/// Calls `f()`, code of the caller's (a fetch function, a key_source, a callback signer or verification key,
/// a claim predicate, a token hook, a clock), and returns what it returns. If `f` throws, the exception stops
/// here and `on_throw()` is returned instead: jot's no-throw paths (verify(), sign(), refreshes) stay
/// no-throw whatever the plugged-in code does, and each caller of this function says in its own contract
/// what a throw counts as (errc::callback_failed, a failed refresh, ...). Without exceptions this is a plain
/// call. A call that cannot throw pays nothing: the try block is left out when `f()` is noexcept.
template <class F, class OnThrow>
auto call_user_code(F&& f, OnThrow&& on_throw) noexcept -> decltype(std::forward<F>(f)()) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
    if constexpr (noexcept(std::forward<F>(f)())) {
        return std::forward<F>(f)();
    } else {
        try {
            return std::forward<F>(f)();
        } catch (...) {
            return std::forward<OnThrow>(on_throw)();
        }
    }
#else
    (void)on_throw;
    return std::forward<F>(f)();
#endif
}

} // namespace jot::detail
