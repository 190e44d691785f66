// SPDX-License-Identifier: MIT
// The default JSON backend: json_traits for every nlohmann::basic_json specialisation (nlohmann::json,
// nlohmann::ordered_json, ...). Every jot header includes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "../detail/json_dom.hpp"
#include "../detail/json_get.hpp"
#include "../detail/json_write.hpp"
#include "../json_traits.hpp"
#include "../result.hpp"

namespace jot {

/// nlohmann/json through the adaptor (json_traits.hpp). Parsing runs nlohmann's SAX parser under jot's
/// strict rules (detail::parse_nlohmann_object); writing is byte for byte what dump() writes.
template <class Json>
struct json_traits<Json, std::enable_if_t<nlohmann::detail::is_basic_json<Json>::value>> {
    using string_t = typename Json::string_t;

    static constexpr bool text_reads = std::is_same<typename Json::number_integer_t, std::int64_t>::value &&
                                       std::is_same<typename Json::number_unsigned_t, std::uint64_t>::value &&
                                       std::is_same<typename Json::number_float_t, double>::value &&
                                       std::is_same<string_t, std::string>::value;

    static json_kind kind(const Json& v) noexcept {
        switch (v.type()) {
        case Json::value_t::null: return json_kind::null;
        case Json::value_t::boolean: return json_kind::boolean;
        case Json::value_t::number_unsigned: return json_kind::number_unsigned;
        case Json::value_t::number_integer: return json_kind::number_integer;
        case Json::value_t::number_float: return json_kind::number_float;
        case Json::value_t::string: return json_kind::string;
        case Json::value_t::object: return json_kind::object;
        case Json::value_t::array: return json_kind::array;
        default: return json_kind::other;
        }
    }
    static bool as_bool(const Json& v) noexcept { return *v.template get_ptr<const typename Json::boolean_t*>(); }
    static std::uint64_t as_unsigned(const Json& v) noexcept {
        return static_cast<std::uint64_t>(*v.template get_ptr<const typename Json::number_unsigned_t*>());
    }
    static std::int64_t as_integer(const Json& v) noexcept {
        return static_cast<std::int64_t>(*v.template get_ptr<const typename Json::number_integer_t*>());
    }
    static double as_double(const Json& v) noexcept {
        return static_cast<double>(*v.template get_ptr<const typename Json::number_float_t*>());
    }
    static std::string_view as_string(const Json& v) noexcept {
        const string_t& s = *v.template get_ptr<const string_t*>();
        return std::string_view(s.data(), s.size());
    }

    static const Json* find(const Json& obj, std::string_view name) {
        if (!obj.is_object()) return nullptr;
        auto it = obj.find(string_t(name.data(), name.size()));
        return it == obj.end() ? nullptr : &*it;
    }
    static std::size_t size(const Json& v) noexcept { return v.is_array() || v.is_object() ? v.size() : 0; }
    static const Json& at(const Json& arr, std::size_t i) noexcept { return arr[i]; }
    template <class F>
    static bool for_each_member(const Json& obj, F&& f) {
        for (auto it = obj.begin(); it != obj.end(); ++it)
            if (!f(std::string_view(it.key().data(), it.key().size()), it.value())) return false;
        return true;
    }

    static Json make_null() { return Json(nullptr); }
    static Json make_bool(bool b) { return Json(b); }
    static Json make_unsigned(std::uint64_t u) { return Json(static_cast<typename Json::number_unsigned_t>(u)); }
    static Json make_integer(std::int64_t i) { return Json(static_cast<typename Json::number_integer_t>(i)); }
    static Json make_double(double d) { return Json(static_cast<typename Json::number_float_t>(d)); }
    static Json make_string(std::string_view s) { return Json(string_t(s.data(), s.size())); }
    static Json make_object() { return Json::object(); }
    static Json make_array() { return Json::array(); }
    static void set_member(Json& obj, std::string_view name, Json value) {
        obj[string_t(name.data(), name.size())] = std::move(value);
    }
    static bool erase_member(Json& obj, std::string_view name) {
        return obj.erase(string_t(name.data(), name.size())) > 0;
    }
    static void push_back(Json& arr, Json value) { arr.push_back(std::move(value)); }
    /// jot's JSON equality, not nlohmann's ==, which says -1 equals 18446744073709551615u (it casts one side)
    /// and, for ordered_json, that member order matters.
    static bool equal(const Json& a, const Json& b) { return detail::json_equal_by_kind(a, b); }

    static result<Json> parse_object(std::string_view text, std::size_t max_depth) {
        return detail::parse_nlohmann_object<Json>(text, max_depth);
    }
    static bool write(const Json& v, std::string& out) { return detail::write_nlohmann_json(v, out); }
    template <class T>
    static T to(const Json& v) {
        return v.template get<T>();
    }
};

} // namespace jot
