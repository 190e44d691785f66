// SPDX-License-Identifier: MIT
// What the verifier reads from a JOSE header, gathered from json_scanner's events or from a header DOM.
#pragma once

#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../algorithm.hpp"
#include "../error.hpp"
#include "../header.hpp"
#include "../result.hpp"
#include "header_registry.hpp"
#include "json_scan.hpp"

namespace jot::detail {

/// A registered header member or claim as the verifier found it.
enum class member_state : unsigned char { absent, valid, wrong_type };

/// What the verifier reads from a JOSE header (RFC 7515 §4.1): gathered from json_scanner's events, or from
/// a header DOM, with the types of detail::registered_header_members. Views point into the scanned text or
/// the DOM.
struct header_facts {
    member_state alg = member_state::absent;
    std::error_code alg_error;  ///< unsupported_algorithm or unsecured_token for a string "alg" jot cannot use
    algorithm alg_value = algorithm::hs256;
    bool bad_member = false;    ///< a registered member other than "alg" and "crit" has the wrong type
    member_state kid = member_state::absent;
    std::string_view kid_value;
    member_state typ = member_state::absent;
    std::string_view typ_value;
    member_state cty = member_state::absent;
    std::string_view cty_value;
    bool x5c_empty = false;     ///< "x5c" is an empty array (wrong too: it must hold the certificate)
    member_state crit = member_state::absent;  ///< valid: an array of strings (its names below)
    std::vector<std::string_view> crit_names;

    // json_scanner handler
    void member(std::string_view name, const scanned_value& v) {
        in_array_ = nullptr;
        const registered_header_member* m = find_registered_header(name);
        if (!m) return;
        const bool is_string = v.type == scanned_value::kind::string;
        const bool is_array = v.type == scanned_value::kind::array;
        switch (m->type) {
        case header_member_type::string:
            if (name == "alg") {
                alg = is_string ? member_state::valid : member_state::wrong_type;
                if (is_string) set_alg(v.string);
                return;
            }
            bad_member = bad_member || !is_string;
            if (name == "kid") set(kid, kid_value, is_string, v.string);
            else if (name == "typ") set(typ, typ_value, is_string, v.string);
            else if (name == "cty") set(cty, cty_value, is_string, v.string);
            return;
        case header_member_type::object: bad_member = bad_member || v.type != scanned_value::kind::object; return;
        case header_member_type::base64_strings:
            bad_member = bad_member || !is_array;
            x5c_empty = is_array; // until element() sees one
            if (is_array) in_array_ = m;
            return;
        case header_member_type::names:
            crit = is_array ? member_state::valid : member_state::wrong_type;
            if (is_array) in_array_ = m;
            return;
        }
    }
    void element(const scanned_value& v) {
        if (!in_array_) return;
        const bool is_string = v.type == scanned_value::kind::string;
        if (in_array_->type == header_member_type::names) {
            if (is_string) {
                crit_names.push_back(v.string);
            } else {
                // A malformed "crit" keeps no names, as header_facts::of gives none for it.
                crit = member_state::wrong_type;
                crit_names.clear();
                in_array_ = nullptr;
            }
        } else {
            x5c_empty = false;
            bad_member = bad_member || !is_string || !is_padded_base64(v.string);
        }
    }

    /// The same facts from a header DOM.
    template <class Json>
    static header_facts of(const basic_header<Json>& h) {
        header_facts f;
        for (const auto& m : registered_header_members) {
            const Json* v = h.find(m.name);
            if (!v || m.name == "alg" || m.type == header_member_type::names) continue;
            if (m.type == header_member_type::base64_strings && json_is_array(*v) && json_traits<Json>::size(*v) == 0)
                f.x5c_empty = true;
            else if (!has_header_member_type(*v, m.type)) f.bad_member = true;
        }
        if (const Json* a = h.find("alg")) {
            f.alg = json_is_string(*a) ? member_state::valid : member_state::wrong_type;
            if (json_is_string(*a)) f.set_alg(*h.alg());
        }
        auto text = [&h](std::string_view name, member_state& state, std::string_view& value) {
            const Json* v = h.find(name);
            if (!v) return;
            state = json_is_string(*v) ? member_state::valid : member_state::wrong_type;
            if (json_is_string(*v)) value = json_string(*v);
        };
        text("kid", f.kid, f.kid_value);
        text("typ", f.typ, f.typ_value);
        text("cty", f.cty, f.cty_value);
        if (h.contains("crit")) {
            auto names = h.critical();
            f.crit = names ? member_state::valid : member_state::wrong_type;
            if (names) f.crit_names = std::move(*names);
        }
        return f;
    }

    /// What basic_header::check_registered_types reports. Errors: header_missing_alg, header_invalid_member.
    result<void> check_registered() const {
        if (alg == member_state::absent) return errc::header_missing_alg;
        if (alg == member_state::wrong_type || bad_member || x5c_empty) return errc::header_invalid_member;
        return {};
    }

private:
    static void set(member_state& state, std::string_view& value, bool is_string, std::string_view s) {
        state = is_string ? member_state::valid : member_state::wrong_type;
        if (is_string) value = s;
    }
    void set_alg(std::string_view name) {
        auto a = algorithm_from_string(name);
        if (a) alg_value = *a;
        else alg_error = a.error();
    }

    const registered_header_member* in_array_ = nullptr;
};

} // namespace jot::detail
