// SPDX-License-Identifier: MIT
// The JSON backend extension point: what jot asks of a JSON library, and the helpers its core reads JSON with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace jot {

/// The kinds of JSON value jot tells apart. Integers are kept apart by sign as the JSON libraries keep them:
/// number_unsigned holds a std::uint64_t, number_integer a std::int64_t. `other` is anything a backend can hold
/// that JSON text cannot (nlohmann's binary values); jot refuses to write it.
enum class json_kind : unsigned char {
    null,
    boolean,
    number_unsigned,
    number_integer,
    number_float,
    string,
    object,
    array,
    other
};

/// The JSON backend adaptor: jot's claim sets, headers, builders, verifiers and JWK readers are templates over a
/// JSON value type `Json`, and reach it only through json_traits<Json>. jot ships two adaptors:
///
///   - nlohmann/json, the default (<jot/json/nlohmann.hpp>, included by every jot header; any
///     nlohmann::basic_json specialisation, e.g. nlohmann::ordered_json);
///   - Boost.JSON's boost::json::value (<jot/json/boost.hpp>, CMake target jot::boost_json), with aliases
///     jot::boost_json::verifier, ::builder, ::claims and the rest.
///
/// Another library takes a specialisation of json_traits with these static members (`v` a const Json&, `o` a
/// Json&). None may throw anything but std::bad_alloc, except `to`, whose throw jot catches:
///
///   json_kind kind(v)                        the value's kind
///   bool as_bool(v)                          the value, when kind(v) is boolean (and so on for each kind)
///   std::uint64_t as_unsigned(v), std::int64_t as_integer(v), double as_double(v)
///   std::string_view as_string(v)            a view of the stored string, valid while `v` is unchanged
///   const Json* find(v, std::string_view)    an object's member by name, nullptr when absent or not an object
///   std::size_t size(v)                      an array's or object's number of elements
///   const Json& at(v, std::size_t i)         an array's element i < size(v)
///   bool for_each_member(v, f)               calls f(std::string_view name, const Json&) for each member of
///                                            an object until f returns false; false when it did
///   Json make_null(), make_bool(bool), make_unsigned(std::uint64_t), make_integer(std::int64_t),
///        make_double(double), make_string(std::string_view), make_object(), make_array()
///   void set_member(o, std::string_view name, Json value)   inserts or replaces an object's member
///   bool erase_member(o, std::string_view name)             true when there was one
///   void push_back(o, Json value)                           appends to an array
///   bool equal(v, v2)                                       JSON equality (expect_claim): numbers equal by
///                                                           value whatever their kinds (3 == 3.0), objects
///                                                           whatever their member order;
///                                                           detail::json_equal_by_kind gives it
///   result<Json> parse_object(std::string_view text, std::size_t max_depth)
///       one JSON object under jot's strict rules (see detail::parse_object), never throwing for bad input;
///       detail::parse_object_by_scan gives any backend those rules exactly
///   bool write(v, std::string& out)          compact JSON text appended to `out`; false when a string is not
///                                            UTF-8 or a number is not finite (detail::write_json_by_kind)
///   static constexpr bool text_reads         true when the backend's numbers are the std::int64_t,
///                                            std::uint64_t and double of jot's own scanner, so typed claim
///                                            reads may skip the DOM (basic_claims)
///   template <class T> T to(v)              the backend's own conversion to a caller's type (nlohmann's
///                                            from_json, Boost's value_to); may throw: jot turns a throw into
///                                            errc::claim_wrong_type
template <class Json, class = void>
struct json_traits; // specialised by each backend

namespace detail {

/// True when `Json` has a json_traits specialisation.
template <class Json, class = void>
struct is_json_backend : std::false_type {};
template <class Json>
struct is_json_backend<Json, std::void_t<decltype(json_traits<Json>::kind(std::declval<const Json&>()))>>
    : std::true_type {};

template <class Json>
json_kind json_kind_of(const Json& v) noexcept {
    return json_traits<Json>::kind(v);
}
template <class Json>
bool json_is_string(const Json& v) noexcept {
    return json_traits<Json>::kind(v) == json_kind::string;
}
template <class Json>
bool json_is_array(const Json& v) noexcept {
    return json_traits<Json>::kind(v) == json_kind::array;
}
template <class Json>
bool json_is_object(const Json& v) noexcept {
    return json_traits<Json>::kind(v) == json_kind::object;
}
/// The string's view; empty for a value that is not a string.
template <class Json>
std::string_view json_string(const Json& v) noexcept {
    return json_is_string(v) ? json_traits<Json>::as_string(v) : std::string_view();
}
/// Finds a member of a JSON object without throwing; nullptr when absent or when `obj` is not an object.
template <class Json>
const Json* find_member(const Json& obj, std::string_view name) {
    return json_traits<Json>::find(obj, name);
}
/// The string member `name` of `obj`: true (and `out` set) when it is present and a string.
template <class Json>
bool find_string_member(const Json& obj, std::string_view name, std::string_view& out) {
    const Json* v = json_traits<Json>::find(obj, name);
    if (!v || !json_is_string(*v)) return false;
    out = json_traits<Json>::as_string(*v);
    return true;
}
/// Calls `f(element)` for each element of the array `arr`; false as soon as `f` returns false.
template <class Json, class F>
bool json_all_of(const Json& arr, F&& f) {
    const std::size_t n = json_traits<Json>::size(arr);
    for (std::size_t i = 0; i < n; ++i)
        if (!f(json_traits<Json>::at(arr, i))) return false;
    return true;
}

} // namespace detail
} // namespace jot
