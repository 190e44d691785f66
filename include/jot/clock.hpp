// SPDX-License-Identifier: MIT
// Clocks for the builder and verifier: the system clock by default, a fixed clock for tests and tools.
#pragma once

#include <chrono>
#include <type_traits>

namespace jot {

/// A clock that always answers the same time: for tests, and for tools that verify "as of" a moment.
struct fixed_clock {
    using time_point = std::chrono::system_clock::time_point;
    time_point at{};
    time_point now() const noexcept { return at; }
};

namespace detail {
/// A Clock for jot has a now() (static or not) returning a std::chrono::system_clock time point: NumericDates
/// are seconds since the UNIX epoch, so a clock with another epoch would silently shift every check.
template <class Clock, class = void>
struct is_jot_clock : std::false_type {};
template <class Clock>
struct is_jot_clock<Clock, std::void_t<decltype(std::declval<const Clock&>().now())>>
    : std::is_same<typename decltype(std::declval<const Clock&>().now())::clock, std::chrono::system_clock> {};
} // namespace detail

} // namespace jot
