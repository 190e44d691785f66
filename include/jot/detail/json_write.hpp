// SPDX-License-Identifier: MIT
// JSON written straight into an output buffer: for nlohmann/json byte for byte what dump() writes, for any other
// backend by the value kinds its adaptor reports (json_traits.hpp).
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "../json_traits.hpp"
#include "utf8.hpp"

namespace jot::detail {

// ---------------------------------------------------------------------------------------------------------
// Writing. The builder serializes straight into its output buffer; the text is byte for byte what
// nlohmann's dump() writes (no indentation, UTF-8 kept, the same escapes), which tests/test_json_scan.cpp
// checks.

/// Appends `s` as a JSON string literal; false (and nothing useful appended) when `s` is not UTF-8.
inline bool write_json_string(std::string_view s, std::string& out) {
    if (!is_valid_utf8(s)) return false;
    out.push_back('"');
    const char* run = s.data();
    const char* const end = s.data() + s.size();
    for (const char* p = run; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(run, static_cast<std::size_t>(p - run));
        run = p + 1;
        switch (c) {
        case '"': out.append("\\\"", 2); break;
        case '\\': out.append("\\\\", 2); break;
        case '\b': out.append("\\b", 2); break;
        case '\f': out.append("\\f", 2); break;
        case '\n': out.append("\\n", 2); break;
        case '\r': out.append("\\r", 2); break;
        case '\t': out.append("\\t", 2); break;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(esc, 6);
        }
        }
    }
    out.append(run, static_cast<std::size_t>(end - run));
    out.push_back('"');
    return true;
}

/// Appends the decimal digits of an integer.
template <class Int>
void write_json_integer(Int v, std::string& out) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

/// True when no number in `v` is infinite or NaN (JSON has no such number; nlohmann would write null).
template <class Json>
bool json_numbers_finite(const Json& v) {
    using traits = json_traits<Json>;
    switch (traits::kind(v)) {
    case json_kind::number_float: return std::isfinite(traits::as_double(v));
    case json_kind::array: return json_all_of(v, [](const Json& e) { return json_numbers_finite(e); });
    case json_kind::object:
        return traits::for_each_member(v, [](std::string_view, const Json& e) { return json_numbers_finite(e); });
    default: return true;
    }
}

/// Appends a finite double in its shortest round-trip form, with ".0" when that form would read back as an
/// integer (so the number keeps its kind).
inline void write_json_double(double d, std::string& out) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    const std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
    out.append(text);
    if (text.find_first_of(".e") == std::string_view::npos) out.append(".0", 2);
}

/// Appends `v` as compact JSON text through the backend's adaptor, for any backend: members in the backend's
/// order, strings as write_json_string writes them, doubles by write_json_double. False when a string is not
/// UTF-8, a number is not finite, or a value is of json_kind::other.
template <class Json>
bool write_json_by_kind(const Json& v, std::string& out) {
    using traits = json_traits<Json>;
    switch (traits::kind(v)) {
    case json_kind::object: {
        out.push_back('{');
        bool first = true;
        const bool ok = traits::for_each_member(v, [&](std::string_view name, const Json& e) {
            if (!first) out.push_back(',');
            first = false;
            if (!write_json_string(name, out)) return false;
            out.push_back(':');
            return write_json_by_kind(e, out);
        });
        out.push_back('}');
        return ok;
    }
    case json_kind::array: {
        out.push_back('[');
        bool first = true;
        const bool ok = json_all_of(v, [&](const Json& e) {
            if (!first) out.push_back(',');
            first = false;
            return write_json_by_kind(e, out);
        });
        out.push_back(']');
        return ok;
    }
    case json_kind::string: return write_json_string(traits::as_string(v), out);
    case json_kind::boolean: out.append(traits::as_bool(v) ? "true" : "false"); return true;
    case json_kind::null: out.append("null", 4); return true;
    case json_kind::number_integer: write_json_integer(traits::as_integer(v), out); return true;
    case json_kind::number_unsigned: write_json_integer(traits::as_unsigned(v), out); return true;
    case json_kind::number_float: {
        const double d = traits::as_double(v);
        if (!std::isfinite(d)) return false;
        write_json_double(d, out);
        return true;
    }
    case json_kind::other: return false;
    }
    return false;
}

/// Appends `v` as compact JSON text, exactly as v.dump() would; false when a string (or a member name) is
/// not UTF-8, which dump() would throw for. Recursion depth is the value's own depth, built by the caller.
template <class Json>
bool write_nlohmann_json(const Json& v, std::string& out) {
    switch (v.type()) {
    case Json::value_t::object: {
        out.push_back('{');
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (!first) out.push_back(',');
            first = false;
            if (!write_json_string(it.key(), out)) return false;
            out.push_back(':');
            if (!write_nlohmann_json(it.value(), out)) return false;
        }
        out.push_back('}');
        return true;
    }
    case Json::value_t::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& e : v) {
            if (!first) out.push_back(',');
            first = false;
            if (!write_nlohmann_json(e, out)) return false;
        }
        out.push_back(']');
        return true;
    }
    case Json::value_t::string:
        return write_json_string(v.template get_ref<const typename Json::string_t&>(), out);
    case Json::value_t::boolean:
        out.append(v.template get<bool>() ? "true" : "false");
        return true;
    case Json::value_t::null:
        out.append("null", 4);
        return true;
    case Json::value_t::number_integer:
        write_json_integer(v.template get<typename Json::number_integer_t>(), out);
        return true;
    case Json::value_t::number_unsigned:
        write_json_integer(v.template get<typename Json::number_unsigned_t>(), out);
        return true;
    default:
        // Doubles (nlohmann's shortest round-trip form), binary values and the rest: rare in a claim set,
        // so nlohmann writes them itself. A non-finite double would become null: refuse it instead.
        if (!json_numbers_finite(v)) return false;
        out.append(v.dump());
        return true;
    }
}

/// Appends `v` as compact JSON text through its backend (json_traits<Json>::write).
template <class Json>
bool write_json(const Json& v, std::string& out) {
    return json_traits<Json>::write(v, out);
}

} // namespace jot::detail
