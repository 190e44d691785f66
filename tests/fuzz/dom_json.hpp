// SPDX-License-Identifier: MIT
// A second nlohmann JSON type, identical to nlohmann::json in every value, that the verifier reads through DOMs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/verifier.hpp>

namespace jot_fuzz {

/// std::allocator under another name. Only the allocator differs, so dom_json has nlohmann::json's number
/// and string types and is_scannable_json still holds for it: the DOM path is chosen by verify_through_dom
/// alone, which is what the differential targets must exercise (a type with other number types, such as
/// `long long`, would take the DOM path anyway and could hide a broken trait).
template <class T>
struct dom_allocator : std::allocator<T> {
    using value_type = T;
    // std::allocator's own rebind (deprecated in C++17) would rebind to std::allocator, not to this.
    template <class U>
    struct rebind {
        using other = dom_allocator<U>;
    };
    dom_allocator() noexcept = default;
    template <class U>
    dom_allocator(const dom_allocator<U>&) noexcept {}
};

using dom_json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t, std::uint64_t, double,
                                      dom_allocator>;

static_assert(!std::is_same<dom_json, nlohmann::json>::value, "dom_json must be a distinct type");
static_assert(jot::detail::is_scannable_json<dom_json>::value,
              "dom_json keeps nlohmann::json's number and string types");

/// `s` with every byte outside printable ASCII, and the backslash, written as \xNN: for the fuzzers' reports.
inline std::string printable(std::string_view s) {
    std::string out;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && c != '\\') {
            out.push_back(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        }
    }
    return out;
}

} // namespace jot_fuzz

/// dom_json verifies through DOMs: basic_verifier<dom_json> runs verify_dom on the bytes that
/// basic_verifier<nlohmann::json> reads with json_scanner.
namespace jot::detail {
template <>
struct verify_through_dom<jot_fuzz::dom_json> : std::true_type {};
} // namespace jot::detail

static_assert(!jot::detail::verify_through_dom<nlohmann::json>::value, "nlohmann::json takes the scanning path");
