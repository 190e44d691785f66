// SPDX-License-Identifier: MIT
// Typed reads of one top-level member straight from claim-set text a verifier accepted: no DOM is built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../error.hpp"
#include "../numeric_date.hpp"
#include "../result.hpp"
#include "json_get.hpp"
#include "json_scan.hpp"

namespace jot::detail {

// ---------------------------------------------------------------------------------------------------------
// The text read here has passed json_scanner (strict RFC 8259, no duplicate member at any depth, bounded
// depth, valid UTF-8), so finding one member is a walk that skips values without re-checking them, and
// the first member of a name is the only one. Numbers and strings are decoded by json_scanner's own
// functions, so a typed read sees what the scanner, and therefore the DOM, sees
// (tests/test_claims_lazy.cpp compares the two).

inline const char* skip_json_ws(const char* p, const char* end) noexcept {
    while (p != end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
    return p;
}

/// Past the string token at `p` (its opening quote). Jumps from quote to quote (memchr): a quote ends the
/// string unless an odd run of backslashes escapes it.
inline const char* skip_json_string(const char* p, const char* end) noexcept {
    const char* const first = p + 1;
    for (const char* q = first; q < end;) {
        const void* hit = std::memchr(q, '"', static_cast<std::size_t>(end - q));
        if (!hit) break;
        const char* const quote = static_cast<const char*>(hit);
        std::size_t backslashes = 0;
        for (const char* b = quote; b != first && b[-1] == '\\'; --b) ++backslashes;
        if (backslashes % 2 == 0) return quote + 1;
        q = quote + 1;
    }
    return end;
}

/// Past the value at `p`: a string, a whole object or array (strings inside skipped as strings, so a
/// bracket in a string does not count), or a literal or number.
inline const char* skip_json_value(const char* p, const char* end) noexcept {
    if (p == end) return end;
    if (*p == '"') return skip_json_string(p, end);
    if (*p == '{' || *p == '[') {
        std::size_t depth = 0;
        while (p != end) {
            const char c = *p;
            if (c == '"') {
                p = skip_json_string(p, end);
                continue;
            }
            ++p;
            if (c == '{' || c == '[') ++depth;
            else if ((c == '}' || c == ']') && --depth == 0) break;
        }
        return p;
    }
    while (p != end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
        ++p;
    return p;
}

/// The contents of a string token between its quotes, escapes as written.
inline std::string_view json_string_contents(std::string_view token) noexcept {
    return token.substr(1, token.size() - 2);
}

/// The decoded contents of a valid string token (its quotes included in `token`).
inline std::string decode_json_string(std::string_view token) {
    const std::string_view raw = json_string_contents(token);
    if (raw.find('\\') == std::string_view::npos) return std::string(raw);
    std::string out(raw.size(), '\0');
    const char* p = token.data();
    const char* const e = json_scanner::decode_string(p, token.data() + token.size(), &out[0]);
    out.resize(e ? static_cast<std::size_t>(e - out.data()) : 0);
    return out;
}

/// True when the string token `token` decodes to `name`. A name written with escapes ("s\u0075b") is the
/// same member as "sub" (RFC 8259 §8.3 compares names after decoding); decoding it is the rare case.
inline bool json_name_equals(std::string_view token, std::string_view name) {
    const std::string_view raw = json_string_contents(token);
    // Decoding shortens every escape, so a name written with escapes is longer than the name it stands for,
    // and one written as long as `name` matches only byte for byte, without escapes.
    if (raw.size() < name.size()) return false;
    if (raw.size() == name.size()) return raw == name && raw.find('\\') == std::string_view::npos;
    return raw.find('\\') != std::string_view::npos && decode_json_string(token) == name;
}

/// Calls `f(name_token, value_text)` for each member of the object token `object` (verified text), in the
/// order written; stops with false when `f` does.
template <class F>
bool for_each_json_member(std::string_view object, F&& f) {
    const char* const end = object.data() + object.size();
    const char* p = skip_json_ws(object.data(), end);
    if (p == end || *p != '{') return true;
    ++p;
    for (;;) {
        p = skip_json_ws(p, end);
        if (p == end || *p != '"') return true; // '}': the end of the object
        const char* const key = p;
        p = skip_json_string(p, end);
        const std::string_view key_token(key, static_cast<std::size_t>(p - key));
        p = skip_json_ws(p, end);
        if (p == end || *p != ':') return true;
        p = skip_json_ws(p + 1, end);
        if (p == end) return true;
        const char* const v = p;
        p = skip_json_value(p, end);
        if (!f(key_token, std::string_view(v, static_cast<std::size_t>(p - v)))) return false;
        p = skip_json_ws(p, end);
        if (p == end || *p != ',') return true;
        ++p;
    }
}

/// The text of the top-level member `name` of `object` (verified claim-set text), as it is written; false
/// when there is no such member.
inline bool find_json_member(std::string_view object, std::string_view name, std::string_view& value) {
    return !for_each_json_member(object, [&](std::string_view key_token, std::string_view v) {
        if (!json_name_equals(key_token, name)) return true;
        value = v;
        return false;
    });
}

/// Calls `f(element_text)` for each element of the array token `array`; stops with false when `f` does.
template <class F>
bool for_each_json_element(std::string_view array, F&& f) {
    const char* const end = array.data() + array.size();
    const char* p = skip_json_ws(array.data() + 1, end);
    if (p != end && *p == ']') return true;
    while (p != end) {
        const char* const v = p;
        p = skip_json_value(p, end);
        if (!f(std::string_view(v, static_cast<std::size_t>(p - v)))) return false;
        p = skip_json_ws(p, end);
        if (p == end || *p != ',') break;
        p = skip_json_ws(p + 1, end);
    }
    return true;
}

/// The number of elements of the array token `array`, so a list read allocates once.
inline std::size_t count_json_elements(std::string_view array) {
    std::size_t n = 0;
    for_each_json_element(array, [&n](std::string_view) { return ++n != 0; });
    return n;
}

/// One scalar from the text, read through json_traits<scanned_scalar> (below) by json_as and
/// numeric_date_from_json; so a typed read from text applies the very rules (range checks, NumericDate bounds,
/// the error codes) that a read from the DOM applies.
class scanned_scalar {
public:
    /// Reads a literal or number token; any other value (string, object, array, null) is of json_kind::other.
    explicit scanned_scalar(std::string_view token) noexcept {
        const char* p = token.data();
        const char* const end = p + token.size();
        if (token == "true" || token == "false") {
            v_.type = scanned_value::kind::boolean;
            v_.boolean = token == "true";
            known_ = true;
        } else if (!token.empty() && (token[0] == '-' || (token[0] >= '0' && token[0] <= '9'))) {
            known_ = json_scanner::read_number(p, end, v_) && p == end;
        }
    }

    json_kind kind() const noexcept {
        if (!known_) return json_kind::other;
        switch (v_.type) {
        case scanned_value::kind::boolean: return json_kind::boolean;
        case scanned_value::kind::number_unsigned: return json_kind::number_unsigned;
        case scanned_value::kind::number_integer: return json_kind::number_integer;
        case scanned_value::kind::number_float: return json_kind::number_float;
        default: return json_kind::other;
        }
    }
    const scanned_value& value() const noexcept { return v_; }

private:
    scanned_value v_;
    bool known_ = false;
};

} // namespace jot::detail

namespace jot {
/// The scalar reads of a scanned_scalar: the part of the adaptor that json_as uses for booleans and numbers.
template <>
struct json_traits<detail::scanned_scalar> {
    static json_kind kind(const detail::scanned_scalar& v) noexcept { return v.kind(); }
    static bool as_bool(const detail::scanned_scalar& v) noexcept { return v.value().boolean; }
    static std::uint64_t as_unsigned(const detail::scanned_scalar& v) noexcept { return v.value().unsigned_value; }
    static std::int64_t as_integer(const detail::scanned_scalar& v) noexcept { return v.value().integer_value; }
    static double as_double(const detail::scanned_scalar& v) noexcept { return v.value().float_value; }
};
} // namespace jot

namespace jot::detail {

/// The types a claim set reads from its text without a DOM (std::string_view and the audience's list of
/// views are read there too, but fall back to the DOM for a string with escapes: basic_claims does that).
template <class T>
struct reads_from_text
    : std::bool_constant<std::is_same<T, std::string>::value || std::is_same<T, std::string_view>::value ||
                         std::is_arithmetic<T>::value || std::is_same<T, numeric_date>::value ||
                         std::is_same<T, std::vector<std::string>>::value> {};

/// Reads the member text `value` as a T (any reads_from_text type but std::string_view).
/// Errors: `wrong_type`, numeric_date_out_of_range (NumericDates), as json_as reads the DOM.
template <class T>
result<T> read_json_as(std::string_view value, errc wrong_type) {
    if constexpr (std::is_same<T, std::string>::value) {
        if (value.empty() || value[0] != '"') return wrong_type;
        return decode_json_string(value);
    } else if constexpr (std::is_same<T, std::vector<std::string>>::value) {
        if (value.empty() || value[0] != '[') return wrong_type;
        std::vector<std::string> out;
        out.reserve(count_json_elements(value));
        const bool ok = for_each_json_element(value, [&out](std::string_view e) {
            if (e.empty() || e[0] != '"') return false;
            out.push_back(decode_json_string(e));
            return true;
        });
        if (!ok) return wrong_type;
        return out;
    } else {
        static_assert(std::is_arithmetic<T>::value || std::is_same<T, numeric_date>::value,
                      "read_json_as reads strings, lists of strings, booleans, numbers and NumericDates");
        return json_as<T>(scanned_scalar(value), wrong_type);
    }
}

} // namespace jot::detail
