// SPDX-License-Identifier: MIT
// The JWE protected header: its registered members (RFC 7516 §4.1, RFC 7518 §4.6-4.8) and their strict checks.
#pragma once

#include <cstdint>
#include <string_view>

#include "../error.hpp"
#include "../result.hpp"
#include "header_facts.hpp"
#include "header_registry.hpp"
#include "json_scan.hpp"

namespace jot::detail {

/// The header parameters RFC 7516 §4.1 and RFC 7518 §4.6.1, §4.7.1, §4.8.1 register for JWE, with their JSON
/// types (the JWS ones come from header_registry.hpp). "p2c" is an integer; every other one here a string,
/// except "epk" (an object). "zip" is refused whatever its type.
enum class jwe_member_type : unsigned char { string, object, number };
struct jwe_registered_member {
    std::string_view name;
    jwe_member_type type;
};
inline constexpr jwe_registered_member jwe_registered_members[] = {
    {"enc", jwe_member_type::string}, {"zip", jwe_member_type::string}, {"epk", jwe_member_type::object},
    {"apu", jwe_member_type::string}, {"apv", jwe_member_type::string}, {"iv", jwe_member_type::string},
    {"tag", jwe_member_type::string}, {"p2s", jwe_member_type::string}, {"p2c", jwe_member_type::number},
};

inline const jwe_registered_member* find_jwe_registered(std::string_view name) noexcept {
    for (const auto& m : jwe_registered_members)
        if (m.name == name) return &m;
    return nullptr;
}

/// What the decryption reads from a JWE protected header, gathered from json_scanner's events without a DOM
/// (RFC 7516 §5.2 steps 3-5): the JWS-registered members through header_facts (types, "kid", "typ", "cty",
/// "crit"), and the JWE ones of jwe_registered_members with their types. Views point into the scanned text and
/// live as long as the scanner.
struct jwe_header_scan {
    header_facts jws;
    std::string_view alg;       ///< the "alg" string (jws.alg says whether it was one)
    bool has_enc = false, has_zip = false, has_epk = false, has_p2s = false, has_p2c = false;
    bool bad_member = false;    ///< a JWE-registered member (other than "zip") of the wrong type
    std::string_view enc, apu, apv, iv, tag, p2s;
    std::uint64_t p2c = 0;      ///< "p2c" when a non-negative integer; 0 for a negative one

    void member(std::string_view name, const scanned_value& v) {
        jws.member(name, v);
        const bool is_string = v.type == scanned_value::kind::string;
        if (name == "alg") {
            if (is_string) alg = v.string;
            return;
        }
        const jwe_registered_member* j = find_jwe_registered(name);
        if (!j) return;
        if (name == "zip") {
            has_zip = true; // refused whatever its type
            return;
        }
        const bool ok = j->type == jwe_member_type::string   ? is_string
                        : j->type == jwe_member_type::object ? v.type == scanned_value::kind::object
                                                             : v.type == scanned_value::kind::number_unsigned ||
                                                                   v.type == scanned_value::kind::number_integer;
        bad_member = bad_member || !ok;
        if (!ok) return;
        if (name == "enc") {
            has_enc = true;
            enc = v.string;
        } else if (name == "p2s") {
            has_p2s = true;
            p2s = v.string;
        } else if (name == "p2c") {
            has_p2c = true;
            p2c = v.type == scanned_value::kind::number_unsigned ? v.unsigned_value : 0;
        } else if (name == "epk") {
            has_epk = true;
        } else {
            (name == "apu" ? apu : name == "apv" ? apv : name == "iv" ? iv : tag) = v.string;
        }
    }
    void element(const scanned_value& v) { jws.element(v); }
};

/// Scans the decoded protected header `text` under parse_object's rules and checks it (RFC 7516 §5.2 steps
/// 3-5): "alg" and "enc" present, every registered member of its JSON type, "zip" refused, "crit" as RFC 7515
/// §4.1.11 asks (and then refused: jot implements no extension). `scanner` must outlive the views returned.
/// Errors: the JSON errors of json_scanner::scan, errc::header_missing_alg, errc::header_missing_enc,
/// errc::header_invalid_member, errc::zip_unsupported, errc::crit_invalid, errc::crit_unsupported.
inline result<void> scan_jwe_header(std::string_view text, json_scanner& scanner, jwe_header_scan& h) {
    if (const errc e = scanner.scan(text, h); e != errc{}) return e;
    const header_facts& f = h.jws;
    if (f.alg == member_state::wrong_type || f.bad_member || f.x5c_empty || h.bad_member)
        return errc::header_invalid_member;
    if (f.alg == member_state::absent) return errc::header_missing_alg;
    if (!h.has_enc) return errc::header_missing_enc;
    // Compression before encryption leaks plaintext through lengths and invites decompression bombs.
    if (h.has_zip) return errc::zip_unsupported;
    if (f.crit != member_state::absent) {
        if (f.crit == member_state::wrong_type || f.crit_names.empty()) return errc::crit_invalid;
        for (std::string_view n : f.crit_names)
            if (is_registered_header_name(n) || find_jwe_registered(n) || !scanner.has_member(n))
                return errc::crit_invalid;
        return errc::crit_unsupported;
    }
    return {};
}

} // namespace jot::detail
