// SPDX-License-Identifier: MIT
// Typed, non-throwing reads of JSON members and NumericDate conversion shared by claims and headers.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../error.hpp"
#include "../json_traits.hpp"
#include "../numeric_date.hpp"
#include "../result.hpp"

namespace jot {
namespace detail {

/// Reads a NumericDate. A JSON number only (integral or fractional, finite, 0..max): anything else is
/// errc::claim_wrong_type, an out-of-range number errc::numeric_date_out_of_range.
template <class Json>
result<numeric_date> numeric_date_from_json(const Json& v) noexcept {
    using std::chrono::microseconds;
    using traits = json_traits<Json>;
    switch (traits::kind(v)) {
    case json_kind::number_unsigned: {
        const std::uint64_t u = traits::as_unsigned(v);
        if (u > static_cast<std::uint64_t>(max_numeric_date_seconds)) return errc::numeric_date_out_of_range;
        return numeric_date(microseconds(static_cast<std::int64_t>(u) * 1000000));
    }
    case json_kind::number_integer: {
        const std::int64_t i = traits::as_integer(v);
        if (i < 0 || i > max_numeric_date_seconds) return errc::numeric_date_out_of_range;
        return numeric_date(microseconds(i * 1000000));
    }
    case json_kind::number_float: {
        const double d = traits::as_double(v);
        if (!std::isfinite(d) || d < 0 || d > static_cast<double>(max_numeric_date_seconds))
            return errc::numeric_date_out_of_range;
        // Whole seconds and fraction apart: d - whole is exact, and rounding the fraction to the nearest
        // microsecond keeps what the JSON text said (floor(d * 1e6) read 1.000001 as 1.000000).
        const double whole = std::floor(d);
        return numeric_date(microseconds(static_cast<std::int64_t>(whole) * 1000000 +
                                         static_cast<std::int64_t>(std::llround((d - whole) * 1e6))));
    }
    default: return errc::claim_wrong_type;
    }
}

/// Writes a NumericDate: an integer when it has no fraction, otherwise a number with the fraction.
template <class Json>
Json numeric_date_to_json(numeric_date t) {
    const auto us = t.time_since_epoch().count();
    if (us % 1000000 == 0) return json_traits<Json>::make_integer(static_cast<std::int64_t>(us / 1000000));
    return json_traits<Json>::make_double(static_cast<double>(us) / 1e6);
}

/// JSON equality through the adaptor: numbers are equal when their values are, whatever their kinds (3, 3u and
/// 3.0 alike; -1 never equals an unsigned); objects compare member by member whatever their order, arrays in
/// order.
template <class Json>
bool json_equal_by_kind(const Json& a, const Json& b) {
    using traits = json_traits<Json>;
    const json_kind ka = traits::kind(a), kb = traits::kind(b);
    auto number = [](json_kind k) {
        return k == json_kind::number_unsigned || k == json_kind::number_integer || k == json_kind::number_float;
    };
    if (number(ka) && number(kb)) {
        if (ka == json_kind::number_float || kb == json_kind::number_float) {
            auto as_double = [](const Json& v, json_kind k) {
                return k == json_kind::number_float      ? traits::as_double(v)
                       : k == json_kind::number_unsigned ? static_cast<double>(traits::as_unsigned(v))
                                                         : static_cast<double>(traits::as_integer(v));
            };
            return as_double(a, ka) == as_double(b, kb);
        }
        if (ka == json_kind::number_unsigned && kb == json_kind::number_unsigned)
            return traits::as_unsigned(a) == traits::as_unsigned(b);
        if (ka == json_kind::number_integer && kb == json_kind::number_integer)
            return traits::as_integer(a) == traits::as_integer(b);
        const std::uint64_t u = ka == json_kind::number_unsigned ? traits::as_unsigned(a) : traits::as_unsigned(b);
        const std::int64_t i = ka == json_kind::number_integer ? traits::as_integer(a) : traits::as_integer(b);
        return i >= 0 && static_cast<std::uint64_t>(i) == u;
    }
    if (ka != kb) return false;
    switch (ka) {
    case json_kind::null: return true;
    case json_kind::boolean: return traits::as_bool(a) == traits::as_bool(b);
    case json_kind::string: return traits::as_string(a) == traits::as_string(b);
    case json_kind::array: {
        const std::size_t n = traits::size(a);
        if (traits::size(b) != n) return false;
        for (std::size_t i = 0; i < n; ++i)
            if (!json_equal_by_kind(traits::at(a, i), traits::at(b, i))) return false;
        return true;
    }
    case json_kind::object:
        return traits::size(a) == traits::size(b) &&
               traits::for_each_member(a, [&b](std::string_view name, const Json& v) {
                   const Json* w = traits::find(b, name);
                   return w && json_equal_by_kind(v, *w);
               });
    default: return false;
    }
}

template <class T>
struct dependent_false : std::false_type {};

/// Reads `v` as a T without throwing. Supported T: std::string, std::string_view (a view into the JSON,
/// valid while it lives), bool, integral and floating-point numbers, numeric_date, Json itself,
/// std::vector<std::string>. A number that does not fit T is a wrong type, never silently truncated.
template <class T, class Json>
result<T> json_as(const Json& v, errc wrong_type) {
    using traits = json_traits<Json>;
    const json_kind kind = traits::kind(v);
    if constexpr (std::is_same<T, Json>::value) {
        return v;
    } else if constexpr (std::is_same<T, std::string>::value || std::is_same<T, std::string_view>::value) {
        if (kind != json_kind::string) return wrong_type;
        return T(traits::as_string(v));
    } else if constexpr (std::is_same<T, bool>::value) {
        if (kind != json_kind::boolean) return wrong_type;
        return traits::as_bool(v);
    } else if constexpr (std::is_same<T, numeric_date>::value) {
        auto r = numeric_date_from_json(v);
        if (!r && r.error() == make_error_code(errc::claim_wrong_type)) return wrong_type;
        return r;
    } else if constexpr (std::is_integral<T>::value) {
        if (kind == json_kind::number_unsigned) {
            const std::uint64_t u = traits::as_unsigned(v);
            if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return wrong_type;
            return static_cast<T>(u);
        }
        if (kind == json_kind::number_integer) {
            const std::int64_t i = traits::as_integer(v);
            if constexpr (std::is_unsigned<T>::value) {
                if (i < 0 || static_cast<std::uint64_t>(i) > std::numeric_limits<T>::max()) return wrong_type;
            } else {
                if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max()) return wrong_type;
            }
            return static_cast<T>(i);
        }
        return wrong_type;
    } else if constexpr (std::is_floating_point<T>::value) {
        switch (kind) {
        case json_kind::number_unsigned: return static_cast<T>(traits::as_unsigned(v));
        case json_kind::number_integer: return static_cast<T>(traits::as_integer(v));
        case json_kind::number_float: return static_cast<T>(traits::as_double(v));
        default: return wrong_type;
        }
    } else if constexpr (std::is_same<T, std::vector<std::string>>::value) {
        if (kind != json_kind::array) return wrong_type;
        std::vector<std::string> out;
        out.reserve(traits::size(v));
        const bool strings = json_all_of(v, [&out](const Json& e) {
            if (traits::kind(e) != json_kind::string) return false;
            out.emplace_back(traits::as_string(e));
            return true;
        });
        if (!strings) return wrong_type;
        return out;
    } else {
        static_assert(dependent_false<T>::value,
                      "jot typed getters support std::string, std::string_view, bool, arithmetic types, "
                      "jot::numeric_date, std::vector<std::string> and the JSON type itself; read other types "
                      "from json()");
    }
}

} // namespace detail
} // namespace jot

#include "json_dom.hpp" // the default backend's adaptor, after what it uses from here
