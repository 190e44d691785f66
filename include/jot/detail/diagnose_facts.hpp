// SPDX-License-Identifier: MIT
// What a diagnosis reads from a refused token: escaped values, error offsets, and the facts with their text.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "../diagnostic.hpp"
#include "../error.hpp"
#include "../numeric_date.hpp"
#include "claim_facts.hpp"
#include "header_facts.hpp"
#include "json_scan.hpp"
#include "utf8.hpp"

namespace jot::detail {

/// Most values (expected issuers, a token's audiences, key ids, ...) a diagnostic lists before "...".
inline constexpr std::size_t diagnostic_list_limit = 8;

inline std::string diag_quoted(std::string_view v) { return "\"" + sanitize_for_diagnostic(v) + "\""; }

template <class Range>
std::string diag_list(const Range& values, const char* separator = " or ") {
    std::string out;
    std::size_t n = 0;
    for (const auto& v : values) {
        if (n == diagnostic_list_limit) return out + separator + "...";
        if (n++) out += separator;
        out += diag_quoted(v);
    }
    return out;
}

inline const char* json_kind_name(scanned_value::kind k) noexcept {
    switch (k) {
    case scanned_value::kind::null: return "null";
    case scanned_value::kind::boolean: return "a boolean";
    case scanned_value::kind::number_unsigned:
    case scanned_value::kind::number_integer:
    case scanned_value::kind::number_float: return "a number";
    case scanned_value::kind::string: return "a string";
    case scanned_value::kind::object: return "an object";
    case scanned_value::kind::array: return "an array";
    }
    return "?";
}

/// Seconds since the epoch of a NumericDate, with its fraction when it has one.
inline std::string diag_seconds(numeric_date d) {
    const auto us = d.time_since_epoch().count();
    std::string s = std::to_string(us / 1000000);
    if (const auto frac = us % 1000000; frac != 0) {
        char buf[16];
        std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac < 0 ? -frac : frac));
        std::string f(buf);
        while (f.back() == '0') f.pop_back();
        s += f;
    }
    return s;
}

inline std::string diag_duration(std::chrono::microseconds d) {
    return diag_seconds(numeric_date(d)) + " s";
}

/// Where base64url text `b64` goes wrong, for the code base64url::decode gave it (same order of checks).
inline std::size_t base64url_error_offset(std::string_view b64, errc e) noexcept {
    const auto in_alphabet = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    };
    switch (e) {
    case errc::base64_padding: return b64.find('=');
    case errc::base64_invalid_character:
        for (std::size_t i = 0; i < b64.size(); ++i)
            if (!in_alphabet(b64[i]) && b64[i] != '=') return i;
        return diagnostic::npos;
    case errc::base64_invalid_length: return b64.size();
    case errc::base64_non_canonical: return b64.empty() ? 0 : b64.size() - 1;
    default: return diagnostic::npos;
    }
}

/// The offset of the first byte of `s` that does not start a well-formed UTF-8 sequence (RFC 3629 §4).
inline std::size_t utf8_error_offset(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t len = 1;
        while (len <= 4 && !(i + len <= s.size() && is_valid_utf8(s.substr(i, len)))) ++len;
        if (len > 4) return i;
        i += len;
    }
    return s.size();
}

/// header_facts, plus what a diagnostic shows: the "alg" text, and the first registered member of a wrong type.
struct header_watch {
    header_facts facts;
    std::string_view alg_text;
    std::string bad_name, bad_found;

    void member(std::string_view name, const scanned_value& v) {
        const bool was_bad = facts.bad_member;
        facts.member(name, v);
        current_ = name;
        if (name == "alg") {
            if (v.type == scanned_value::kind::string) alg_text = v.string;
            else note(name, json_kind_name(v.type));
        }
        if (!was_bad && facts.bad_member) note(name, json_kind_name(v.type));
    }
    void element(const scanned_value& v) {
        const bool was_bad = facts.bad_member;
        facts.element(v);
        if (!was_bad && facts.bad_member)
            note(current_, v.type == scanned_value::kind::string ? "an array holding a string that is not base64"
                                                                  : "an array holding " + std::string(json_kind_name(v.type)));
    }

    /// After the scan: an empty "x5c" counts as a member of the wrong type.
    void finish() {
        if (facts.x5c_empty) note("x5c", "an empty array");
    }

private:
    void note(std::string_view name, std::string found) {
        if (!bad_name.empty()) return;
        bad_name = std::string(name);
        bad_found = std::move(found);
    }
    std::string_view current_;
};

/// claims_collector, plus what a diagnostic shows: the registered claims' values and JSON kinds.
struct claims_watch {
    explicit claims_watch(claim_expectations e) : collector(e) {}
    claims_collector<nlohmann::json> collector;
    struct seen {
        scanned_value::kind kind = scanned_value::kind::null;
        std::string text;  ///< a string's value or a number's JSON text (sanitised)
    };
    seen iss, sub, jti, aud, exp, nbf, iat;
    std::vector<std::string> aud_values;  ///< the first diagnostic_list_limit + 1 strings of "aud"
    bool aud_bad_element = false;

    void member(std::string_view name, const scanned_value& v) {
        collector.member(name, v);
        in_aud_ = false;
        seen* s = name == "iss" ? &iss : name == "sub" ? &sub : name == "jti" ? &jti : name == "aud" ? &aud
                : name == "exp" ? &exp : name == "nbf" ? &nbf : name == "iat" ? &iat : nullptr;
        if (!s) return;
        s->kind = v.type;
        if (v.type == scanned_value::kind::string) s->text = diag_quoted(v.string);
        else if (v.type == scanned_value::kind::number_unsigned) s->text = std::to_string(v.unsigned_value);
        else if (v.type == scanned_value::kind::number_integer) s->text = std::to_string(v.integer_value);
        else if (v.type == scanned_value::kind::number_float) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.17g", v.float_value);
            s->text = buf;
        }
        if (s == &aud && v.type == scanned_value::kind::string) aud_values.emplace_back(v.string);
        in_aud_ = s == &aud && v.type == scanned_value::kind::array;
    }
    void element(const scanned_value& v) {
        collector.element(v);
        if (!in_aud_) return;
        if (v.type != scanned_value::kind::string) aud_bad_element = true;
        else if (aud_values.size() <= diagnostic_list_limit) aud_values.emplace_back(v.string);
    }

private:
    bool in_aud_ = false;
};

} // namespace jot::detail
