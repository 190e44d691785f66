// SPDX-License-Identifier: MIT
// Strict JSON into any backend's DOM: jot's own scanner decides what is valid, the backend only stores it.
#pragma once

#include <cstddef>
#include <string_view>

#include "../error.hpp"
#include "../json_traits.hpp"
#include "../result.hpp"
#include "claim_read.hpp"
#include "json_scan.hpp"

namespace jot::detail {

/// The value of the token `token` of text json_scanner accepted, built through the adaptor. Recursion is as
/// deep as the text, which the scan bounded by its max_depth.
template <class Json>
Json build_json_value(std::string_view token) {
    using traits = json_traits<Json>;
    switch (token[0]) {
    case '{': {
        Json obj = traits::make_object();
        for_each_json_member(token, [&obj](std::string_view name, std::string_view value) {
            traits::set_member(obj, decode_json_string(name), build_json_value<Json>(value));
            return true;
        });
        return obj;
    }
    case '[': {
        Json arr = traits::make_array();
        for_each_json_element(token, [&arr](std::string_view e) {
            traits::push_back(arr, build_json_value<Json>(e));
            return true;
        });
        return arr;
    }
    case '"': return traits::make_string(decode_json_string(token));
    case 'n': return traits::make_null();
    default: {
        const scanned_scalar s(token);
        switch (s.kind()) {
        case json_kind::boolean: return traits::make_bool(s.value().boolean);
        case json_kind::number_unsigned: return traits::make_unsigned(s.value().unsigned_value);
        case json_kind::number_integer: return traits::make_integer(s.value().integer_value);
        default: return traits::make_double(s.value().float_value);
        }
    }
    }
}

/// parse_object for any backend: json_scanner checks the text under jot's strict rules (the verdicts and
/// error codes of parse_object, which the scanner is held to), then the DOM is built from the accepted text.
/// So a backend that adopts this accepts exactly what the verifier's scanner accepts, whatever its own
/// parser would have allowed (duplicate members, lone surrogates, a byte-order mark).
template <class Json>
result<Json> parse_object_by_scan(std::string_view text, std::size_t max_depth) {
    struct ignore {
        void member(std::string_view, const scanned_value&) noexcept {}
        void element(const scanned_value&) noexcept {}
    } handler;
    json_scanner scanner(max_depth);
    if (const errc e = scanner.scan(text, handler); e != errc{}) return e;
    const char* const end = text.data() + text.size();
    const char* const first = skip_json_ws(text.data(), end);
    return build_json_value<Json>(std::string_view(first, static_cast<std::size_t>(end - first)));
}

} // namespace jot::detail
