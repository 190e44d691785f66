// SPDX-License-Identifier: MIT
// jot::numeric_date: the NumericDate of RFC 7519 §2 as a std::chrono time point, and the range jot accepts.
#pragma once

#include <chrono>
#include <cstdint>

namespace jot {

/// A NumericDate (RFC 7519 §2) as a time point: seconds since the epoch with microsecond precision.
using numeric_date = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

namespace detail {
/// Largest NumericDate jot accepts: 9999-12-31T23:59:59Z. Beyond it a date is a bug or an attack.
inline constexpr std::int64_t max_numeric_date_seconds = 253402300799;
} // namespace detail

} // namespace jot
