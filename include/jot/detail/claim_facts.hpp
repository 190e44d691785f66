// SPDX-License-Identifier: MIT
// What the verifier reads from a claim set: registered claims' types, the expectations they meet, NumericDates.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../claims.hpp"
#include "../error.hpp"
#include "../numeric_date.hpp"
#include "../result.hpp"
#include "claim_registry.hpp"
#include "header_facts.hpp"
#include "json_get.hpp"
#include "json_scan.hpp"

namespace jot::detail {

/// A NumericDate claim as the verifier read it: absent, present with an error (claim_wrong_type,
/// numeric_date_out_of_range), or present with its value.
struct date_claim {
    bool present = false;
    std::error_code error;
    numeric_date value{};
};

/// "exp", "nbf" and "iat": the claims that depend on when a token is checked, so a cache hit checks them
/// against the clock again.
struct time_claims {
    date_claim exp, nbf, iat;
};

/// What the verifier reads from a claim set (RFC 7519 §4.1): the types of the registered claims, whether
/// iss, sub and aud meet the verifier's expectations (compared where they are read, never copied), and the
/// NumericDates.
struct claim_facts {
    member_state iss = member_state::absent, sub = member_state::absent, jti = member_state::absent,
                 aud = member_state::absent;
    bool iss_expected = false, sub_expected = false, aud_expected = false;
    std::string_view jti_value;  ///< when jti is valid: a view into the scanned text or the claims DOM
    time_claims times;
};

/// The verifier's expectations a claims_collector compares against.
struct claim_expectations {
    const std::vector<std::string>* issuers;
    const std::vector<std::string>* audiences;
    const std::string* subject;  ///< null when no subject is expected

    static bool contains(const std::vector<std::string>& set, std::string_view v) noexcept {
        for (const auto& s : set)
            if (s == v) return true; // exact, byte for byte: no case folding, no prefix match
        return false;
    }
};

/// Reads a NumericDate exactly as basic_claims does (through numeric_date_from_json on a scalar, which
/// allocates nothing).
template <class Json>
date_claim date_of(const Json& v) {
    date_claim d;
    d.present = true;
    auto r = numeric_date_from_json(v);
    if (r) d.value = *r;
    else d.error = r.error();
    return d;
}

/// json_scanner handler that fills claim_facts from a payload's top-level members.
template <class Json>
class claims_collector {
public:
    explicit claims_collector(claim_expectations e) noexcept : e_(e) {}

    claim_facts facts;

    void member(std::string_view name, const scanned_value& v) {
        in_aud_ = false;
        const registered_claim* c = find_registered_claim(name);
        if (!c) return;
        const bool is_string = v.type == scanned_value::kind::string;
        switch (c->type) {
        case claim_type::string: {
            const member_state state = is_string ? member_state::valid : member_state::wrong_type;
            if (name == "iss") {
                facts.iss = state;
                facts.iss_expected = is_string && claim_expectations::contains(*e_.issuers, v.string);
            } else if (name == "sub") {
                facts.sub = state;
                facts.sub_expected = is_string && e_.subject && *e_.subject == v.string;
            } else {
                facts.jti = state;
                facts.jti_value = is_string ? v.string : std::string_view();
            }
            return;
        }
        case claim_type::audience:
            if (is_string) {
                facts.aud = member_state::valid;
                facts.aud_expected = claim_expectations::contains(*e_.audiences, v.string);
            } else if (v.type == scanned_value::kind::array) {
                facts.aud = member_state::valid;
                in_aud_ = true;
            } else {
                facts.aud = member_state::wrong_type;
            }
            return;
        case claim_type::numeric_date:
            (name == "exp" ? facts.times.exp : name == "nbf" ? facts.times.nbf : facts.times.iat) = date(v);
            return;
        }
    }
    void element(const scanned_value& v) {
        if (!in_aud_) return;
        if (v.type != scanned_value::kind::string) {
            // A malformed "aud" meets no expectation, as claims_collector::of finds for it.
            facts.aud = member_state::wrong_type;
            facts.aud_expected = false;
            in_aud_ = false;
        } else if (!facts.aud_expected) {
            facts.aud_expected = claim_expectations::contains(*e_.audiences, v.string);
        }
    }

    /// The same facts from a claims DOM.
    static claim_facts of(const basic_claims<Json>& c, claim_expectations e) {
        claim_facts f;
        auto text = [&c](const char* name, member_state& state) -> std::string_view {
            const Json* v = c.find(name);
            if (!v) return {};
            state = json_is_string(*v) ? member_state::valid : member_state::wrong_type;
            return json_string(*v);
        };
        const std::string_view iss = text("iss", f.iss), sub = text("sub", f.sub);
        f.jti_value = text("jti", f.jti);
        f.iss_expected = f.iss == member_state::valid && claim_expectations::contains(*e.issuers, iss);
        f.sub_expected = f.sub == member_state::valid && e.subject && *e.subject == sub;
        if (c.contains("aud")) {
            auto aud = c.audience();
            f.aud = aud ? member_state::valid : member_state::wrong_type;
            if (aud)
                for (std::string_view a : *aud) f.aud_expected = f.aud_expected || claim_expectations::contains(*e.audiences, a);
        }
        if (const Json* v = c.find("exp")) f.times.exp = date_of(*v);
        if (const Json* v = c.find("nbf")) f.times.nbf = date_of(*v);
        if (const Json* v = c.find("iat")) f.times.iat = date_of(*v);
        return f;
    }

private:
    static date_claim date(const scanned_value& v) {
        switch (v.type) {
        case scanned_value::kind::number_unsigned: return date_of(json_traits<Json>::make_unsigned(v.unsigned_value));
        case scanned_value::kind::number_integer: return date_of(json_traits<Json>::make_integer(v.integer_value));
        case scanned_value::kind::number_float: return date_of(json_traits<Json>::make_double(v.float_value));
        default: {
            date_claim d;
            d.present = true;
            d.error = make_error_code(errc::claim_wrong_type);
            return d;
        }
        }
    }

    claim_expectations e_;
    bool in_aud_ = false;
};

} // namespace jot::detail
