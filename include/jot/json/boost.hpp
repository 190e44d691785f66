// SPDX-License-Identifier: MIT
// Boost.JSON as jot's JSON backend: json_traits<boost::json::value>, and jot::boost_json::verifier, ::builder,
// ::claims and the rest. Link the CMake target jot::boost_json (jot::jot and Boost::json).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "../builder.hpp"
#include "../claims.hpp"
#include "../dangerous.hpp"
#include "../detail/json_build.hpp"
#include "../detail/json_get.hpp"
#include "../detail/json_write.hpp"
#include "../header.hpp"
#include "../json_traits.hpp"
#include "../result.hpp"
#include "../token.hpp"
#include "../verifier.hpp"
#include "../verifier_builder.hpp"

namespace jot {

/// boost::json::value through the adaptor (json_traits.hpp). Text is parsed by jot's own strict scanner and
/// stored through this adaptor (detail::parse_object_by_scan), so Boost.JSON's DOM holds exactly what
/// nlohmann's would and both backends refuse the same texts; writing goes through detail::write_json_by_kind.
/// Non-negative integers that fit a std::int64_t are stored as int64, as Boost.JSON's own parser stores them.
template <>
struct json_traits<boost::json::value> {
    using value = boost::json::value;

    static constexpr bool text_reads = true;

    static json_kind kind(const value& v) noexcept {
        switch (v.kind()) {
        case boost::json::kind::null: return json_kind::null;
        case boost::json::kind::bool_: return json_kind::boolean;
        case boost::json::kind::int64: return json_kind::number_integer;
        case boost::json::kind::uint64: return json_kind::number_unsigned;
        case boost::json::kind::double_: return json_kind::number_float;
        case boost::json::kind::string: return json_kind::string;
        case boost::json::kind::array: return json_kind::array;
        case boost::json::kind::object: return json_kind::object;
        }
        return json_kind::other;
    }
    static bool as_bool(const value& v) noexcept { return v.get_bool(); }
    static std::uint64_t as_unsigned(const value& v) noexcept { return v.get_uint64(); }
    static std::int64_t as_integer(const value& v) noexcept { return v.get_int64(); }
    static double as_double(const value& v) noexcept { return v.get_double(); }
    static std::string_view as_string(const value& v) noexcept {
        const boost::json::string& s = v.get_string();
        return std::string_view(s.data(), s.size());
    }

    static const value* find(const value& obj, std::string_view name) noexcept {
        const boost::json::object* o = obj.if_object();
        return o ? o->if_contains(key(name)) : nullptr;
    }
    static std::size_t size(const value& v) noexcept {
        if (const boost::json::array* a = v.if_array()) return a->size();
        if (const boost::json::object* o = v.if_object()) return o->size();
        return 0;
    }
    static const value& at(const value& arr, std::size_t i) noexcept { return arr.get_array()[i]; }
    template <class F>
    static bool for_each_member(const value& obj, F&& f) {
        for (const boost::json::key_value_pair& m : obj.get_object())
            if (!f(std::string_view(m.key().data(), m.key().size()), m.value())) return false;
        return true;
    }

    static value make_null() noexcept { return value(nullptr); }
    static value make_bool(bool b) noexcept { return value(b); }
    static value make_unsigned(std::uint64_t u) noexcept {
        if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return value(static_cast<std::int64_t>(u));
        return value(u);
    }
    static value make_integer(std::int64_t i) noexcept { return value(i); }
    static value make_double(double d) noexcept { return value(d); }
    static value make_string(std::string_view s) { return value(key(s)); }
    static value make_object() { return value(boost::json::object_kind); }
    static value make_array() { return value(boost::json::array_kind); }
    static void set_member(value& obj, std::string_view name, value v) { obj.get_object()[key(name)] = std::move(v); }
    static bool erase_member(value& obj, std::string_view name) { return obj.get_object().erase(key(name)) > 0; }
    static void push_back(value& arr, value v) { arr.get_array().push_back(std::move(v)); }
    /// jot's JSON equality (Boost's own == says int64 3 differs from double 3.0).
    static bool equal(const value& a, const value& b) { return detail::json_equal_by_kind(a, b); }

    static result<value> parse_object(std::string_view text, std::size_t max_depth) {
        return detail::parse_object_by_scan<value>(text, max_depth);
    }
    static bool write(const value& v, std::string& out) { return detail::write_json_by_kind(v, out); }
    template <class T>
    static T to(const value& v) {
        return boost::json::value_to<T>(v);
    }

private:
    static boost::json::string_view key(std::string_view s) noexcept { return {s.data(), s.size()}; }
};

/// jot's templates over Boost.JSON, named as their nlohmann::json counterparts are in namespace jot.
namespace boost_json {
using json = boost::json::value;
using claims = basic_claims<json>;
using header = basic_header<json>;
using builder = basic_builder<json, std::chrono::system_clock>;
using verifier = basic_verifier<json, std::chrono::system_clock>;
using verifier_builder = basic_verifier_builder<json, std::chrono::system_clock>;
using verified_token = basic_verified_token<json>;
using unverified_token = dangerous::basic_unverified_token<json>;
} // namespace boost_json

} // namespace jot
