// SPDX-License-Identifier: MIT
// The loud stop for a broken invariant of jot's own: a bug in jot, never bad input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "../error.hpp"

namespace jot::detail {

/// Stops the process: jot found one of its own invariants broken (a bug in jot, never bad input), where going
/// on would return a wrong answer. Writes what broke to stderr first.
[[noreturn]] inline void invariant_failed(const char* what, const char* where, std::error_code ec) noexcept {
    // message_of, not ec.message(): no allocation on the way down.
    std::fprintf(stderr, "jot: invariant broken: %s (%s: %s)\n", what, where,
                 ec.category() == error_category() ? message_of(static_cast<errc>(ec.value())) : "?");
    std::abort();
}

} // namespace jot::detail
