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
#include "../numeric_date.hpp"
#include "../result.hpp"

namespace jot {
namespace detail {

/// Reads a NumericDate. A JSON number only (integral or fractional, finite, 0..max): anything else is
/// errc::claim_wrong_type, an out-of-range number errc::numeric_date_out_of_range.
template <class Json>
result<numeric_date> numeric_date_from_json(const Json& v) noexcept {
    using std::chrono::microseconds;
    if (v.is_number_unsigned()) {
        const auto u = v.template get<typename Json::number_unsigned_t>();
        if (u > static_cast<std::uint64_t>(max_numeric_date_seconds)) return errc::numeric_date_out_of_range;
        return numeric_date(microseconds(static_cast<std::int64_t>(u) * 1000000));
    }
    if (v.is_number_integer()) {
        const auto i = v.template get<typename Json::number_integer_t>();
        if (i < 0 || i > max_numeric_date_seconds) return errc::numeric_date_out_of_range;
        return numeric_date(microseconds(static_cast<std::int64_t>(i) * 1000000));
    }
    if (v.is_number_float()) {
        const double d = static_cast<double>(v.template get<typename Json::number_float_t>());
        if (!std::isfinite(d) || d < 0 || d > static_cast<double>(max_numeric_date_seconds))
            return errc::numeric_date_out_of_range;
        // Whole seconds and fraction apart: d - whole is exact, and rounding the fraction to the nearest
        // microsecond keeps what the JSON text said (floor(d * 1e6) read 1.000001 as 1.000000).
        const double whole = std::floor(d);
        return numeric_date(microseconds(static_cast<std::int64_t>(whole) * 1000000 +
                                         static_cast<std::int64_t>(std::llround((d - whole) * 1e6))));
    }
    return errc::claim_wrong_type;
}

/// Writes a NumericDate: an integer when it has no fraction, otherwise a number with the fraction.
template <class Json>
Json numeric_date_to_json(numeric_date t) {
    const auto us = t.time_since_epoch().count();
    if (us % 1000000 == 0) return Json(static_cast<std::int64_t>(us / 1000000));
    return Json(static_cast<double>(us) / 1e6);
}

template <class T>
struct dependent_false : std::false_type {};

/// Reads `v` as a T without throwing. Supported T: std::string, std::string_view (a view into the JSON,
/// valid while it lives), bool, integral and floating-point numbers, numeric_date, Json itself,
/// std::vector<std::string>. A number that does not fit T is a wrong type, never silently truncated.
template <class T, class Json>
result<T> json_as(const Json& v, errc wrong_type) {
    if constexpr (std::is_same<T, Json>::value) {
        return v;
    } else if constexpr (std::is_same<T, std::string>::value) {
        if (!v.is_string()) return wrong_type;
        return v.template get_ref<const typename Json::string_t&>();
    } else if constexpr (std::is_same<T, std::string_view>::value) {
        if (!v.is_string()) return wrong_type;
        const auto& s = v.template get_ref<const typename Json::string_t&>();
        return std::string_view(s.data(), s.size());
    } else if constexpr (std::is_same<T, bool>::value) {
        if (!v.is_boolean()) return wrong_type;
        return v.template get<bool>();
    } else if constexpr (std::is_same<T, numeric_date>::value) {
        auto r = numeric_date_from_json(v);
        if (!r && r.error() == make_error_code(errc::claim_wrong_type)) return wrong_type;
        return r;
    } else if constexpr (std::is_integral<T>::value) {
        if (v.is_number_unsigned()) {
            const auto u = v.template get<typename Json::number_unsigned_t>();
            if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return wrong_type;
            return static_cast<T>(u);
        }
        if (v.is_number_integer()) {
            const auto i = v.template get<typename Json::number_integer_t>();
            if constexpr (std::is_unsigned<T>::value) {
                if (i < 0 || static_cast<std::uint64_t>(i) > std::numeric_limits<T>::max()) return wrong_type;
            } else {
                if (i < std::numeric_limits<T>::min() || i > std::numeric_limits<T>::max()) return wrong_type;
            }
            return static_cast<T>(i);
        }
        return wrong_type;
    } else if constexpr (std::is_floating_point<T>::value) {
        if (!v.is_number()) return wrong_type;
        return v.template get<T>();
    } else if constexpr (std::is_same<T, std::vector<std::string>>::value) {
        if (!v.is_array()) return wrong_type;
        std::vector<std::string> out;
        out.reserve(v.size());
        for (const auto& e : v) {
            if (!e.is_string()) return wrong_type;
            out.push_back(e.template get_ref<const typename Json::string_t&>());
        }
        return out;
    } else {
        static_assert(dependent_false<T>::value,
                      "jot typed getters support std::string, std::string_view, bool, arithmetic types, "
                      "jot::numeric_date, std::vector<std::string> and the JSON type itself; read other types "
                      "from json()");
    }
}

/// Finds a member of a JSON object without throwing; nullptr when absent.
template <class Json>
const Json* find_member(const Json& obj, std::string_view name) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(typename Json::string_t(name.data(), name.size()));
    return it == obj.end() ? nullptr : &*it;
}

} // namespace detail
} // namespace jot
