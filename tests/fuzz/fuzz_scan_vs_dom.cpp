// SPDX-License-Identifier: MIT
// Differential: json_scanner against parse_object on the same bytes, read as a JOSE header and as a claim set:
// the same verdict, the same error code, and the same registered facts (header_facts, claim_facts).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/claims.hpp>
#include <jot/detail/json_dom.hpp>
#include <jot/detail/json_scan.hpp>
#include <jot/detail/json_write.hpp>
#include <jot/error.hpp>
#include <jot/header.hpp>
#include <jot/token.hpp>
#include <jot/verifier.hpp>

#include "dom_json.hpp"

// Why the error codes must agree exactly (so any difference aborts, not only a different verdict): both
// readers check UTF-8, raw NUL and a leading byte-order mark over the whole text before reading it, and
// after that each of the other codes is decided by the first token where the readers stop. nlohmann's parser
// calls the SAX handler as soon as it has lexed a token and never reads ahead, and json_scanner checks at the
// same tokens: json_not_object at the first token ('[' or a complete scalar), json_too_deep at the '{' or '['
// that opens one level too many, json_duplicate_member at the repeated name (before its ':'). Every other
// failure is json_invalid in both, so which syntax error is met first cannot change the code.

namespace {

using json = nlohmann::json;
using jot_fuzz::dom_json;
using jot_fuzz::printable;
using jot::detail::claim_expectations;
using jot::detail::claim_facts;
using jot::detail::date_claim;
using jot::detail::header_facts;
using jot::detail::member_state;

const char* name_of(member_state s) {
    switch (s) {
    case member_state::absent: return "absent";
    case member_state::valid: return "valid";
    case member_state::wrong_type: return "wrong_type";
    }
    return "?";
}

std::string code_of(jot::errc e) { return e == jot::errc{} ? "accepted" : jot::make_error_code(e).message(); }

std::string describe(const date_claim& d) {
    return std::string(d.present ? "present" : "absent") + " value_us=" +
           std::to_string(d.value.time_since_epoch().count()) + " error=" + (d.error ? d.error.message() : "none");
}

std::string describe(const header_facts& f) {
    std::string s = "alg=" + std::string(name_of(f.alg)) + " alg_value=" + std::to_string(static_cast<int>(f.alg_value)) +
                    " alg_error=" + (f.alg_error ? f.alg_error.message() : "none") +
                    " bad_member=" + (f.bad_member ? "true" : "false") + " kid=" + name_of(f.kid) + " kid_value=\"" +
                    printable(f.kid_value) + "\" typ=" + name_of(f.typ) + " typ_value=\"" + printable(f.typ_value) +
                    "\" cty=" + name_of(f.cty) + " cty_value=\"" + printable(f.cty_value) +
                    "\" x5c_empty=" + (f.x5c_empty ? "true" : "false") + " crit=" + name_of(f.crit) + " crit_names=[";
    for (std::string_view n : f.crit_names) s += "\"" + printable(n) + "\",";
    return s + "]";
}

std::string describe(const claim_facts& f) {
    return std::string("iss=") + name_of(f.iss) + " sub=" + name_of(f.sub) + " jti=" + name_of(f.jti) +
           " aud=" + name_of(f.aud) + " iss_expected=" + (f.iss_expected ? "true" : "false") +
           " sub_expected=" + (f.sub_expected ? "true" : "false") + " aud_expected=" + (f.aud_expected ? "true" : "false") +
           "\n  exp: " + describe(f.times.exp) + "\n  nbf: " + describe(f.times.nbf) + "\n  iat: " + describe(f.times.iat);
}

[[noreturn]] void disagree(const char* what, std::string_view text, const std::string& scanned, const std::string& dom) {
    std::fprintf(stderr, "fuzz_scan_vs_dom: %s\n  input:   \"%s\"\n  scanner: %s\n  dom:     %s\n", what,
                 printable(text).c_str(), scanned.c_str(), dom.c_str());
    __builtin_trap();
}

/// The first header_facts member on which the scanner and the DOM disagree, or nullptr. Every member is
/// compared, exactly: a member added to header_facts gets its line here.
const char* header_difference(const header_facts& s, const header_facts& d) {
    if (s.alg != d.alg) return "alg";
    if (s.alg_error != d.alg_error) return "alg_error";
    if (s.alg_value != d.alg_value) return "alg_value";
    if (s.bad_member != d.bad_member) return "bad_member";
    if (s.kid != d.kid) return "kid";
    if (s.kid_value != d.kid_value) return "kid_value";
    if (s.typ != d.typ) return "typ";
    if (s.typ_value != d.typ_value) return "typ_value";
    if (s.cty != d.cty) return "cty";
    if (s.cty_value != d.cty_value) return "cty_value";
    if (s.x5c_empty != d.x5c_empty) return "x5c_empty";
    if (s.crit != d.crit) return "crit";
    if (s.crit_names != d.crit_names) return "crit_names";
    return nullptr;
}

/// What check_crit() and every later reader sees must also agree: the scanner's has_member() against the DOM.
const char* membership_difference(const jot::detail::json_scanner& scan, const jot::basic_header<json>& h,
                                  const header_facts& f) {
    for (auto it = h.json().begin(); it != h.json().end(); ++it)
        if (!scan.has_member(it.key())) return "has_member (a member of the DOM)";
    for (std::string_view n : f.crit_names)
        if (scan.has_member(n) != h.contains(n)) return "has_member (a crit name)";
    for (std::string_view n : {"alg", "kid", "typ", "cty", "crit", "b64", "jwk", "x5c", "zip", "enc", ""})
        if (scan.has_member(n) != h.contains(n)) return "has_member (a registered name)";
    return nullptr;
}

/// One typed read from a verified token's text against the same read from the DOM: the same error, or the
/// same value.
template <class T>
void typed_read_agrees(std::string_view text, const jot::claims& over_text, const jot::claims& dom,
                       std::string_view name, const char* type) {
    const auto a = over_text.get<T>(name);
    const auto b = dom.get<T>(name);
    const std::string what = "typed read of \"" + printable(name) + "\" as " + type;
    if (a.has_value() != b.has_value() || (!a && a.error() != b.error()))
        disagree(what.c_str(), text, a ? "a value" : a.error().message(), b ? "a value" : b.error().message());
    if (a && !(*a == *b)) disagree(what.c_str(), text, "one value", "another value");
}

/// The claims a caller reads after verifying come from the text (detail/claim_read.hpp), the rest from the
/// DOM: every member the DOM has, and a few it may not, read as every type both ways must agree.
void typed_reads_agree(std::string_view text, const json& dom, std::size_t depth) {
    jot::detail::token_data<json> data(depth);
    data.text().assign(text.data(), text.size());
    data.set_header_size(0);
    const jot::claims& t = data.claims();
    const jot::claims d = *jot::claims::from_json(dom);
    std::vector<std::string> names{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", ""};
    for (auto it = dom.begin(); it != dom.end(); ++it) names.push_back(it.key());
    for (const std::string& n : names) {
        typed_read_agrees<std::string>(text, t, d, n, "std::string");
        typed_read_agrees<std::string_view>(text, t, d, n, "std::string_view");
        typed_read_agrees<bool>(text, t, d, n, "bool");
        typed_read_agrees<std::int64_t>(text, t, d, n, "std::int64_t");
        typed_read_agrees<std::uint64_t>(text, t, d, n, "std::uint64_t");
        typed_read_agrees<std::int8_t>(text, t, d, n, "std::int8_t");
        typed_read_agrees<double>(text, t, d, n, "double");
        typed_read_agrees<jot::numeric_date>(text, t, d, n, "numeric_date");
        typed_read_agrees<std::vector<std::string>>(text, t, d, n, "std::vector<std::string>");
        if (t.contains(n) != d.contains(n)) disagree("contains", text, "", n);
    }
    const auto a = t.audience();
    const auto b = d.audience();
    if (a.has_value() != b.has_value() || (a && *a != *b) || (!a && a.error() != b.error()))
        disagree("audience()", text, a ? "a list" : a.error().message(), b ? "a list" : b.error().message());
}

bool same_date(const date_claim& a, const date_claim& b) {
    return a.present == b.present && a.error == b.error && a.value == b.value;
}

/// The first claim_facts member on which the scanner and the DOM disagree, or nullptr. Every member is
/// compared, exactly.
const char* claims_difference(const claim_facts& s, const claim_facts& d) {
    if (s.iss != d.iss) return "iss";
    if (s.sub != d.sub) return "sub";
    if (s.jti != d.jti) return "jti";
    if (s.aud != d.aud) return "aud";
    if (s.iss_expected != d.iss_expected) return "iss_expected";
    if (s.sub_expected != d.sub_expected) return "sub_expected";
    if (s.aud_expected != d.aud_expected) return "aud_expected";
    if (!same_date(s.times.exp, d.times.exp)) return "times.exp";
    if (!same_date(s.times.nbf, d.times.nbf)) return "times.nbf";
    if (!same_date(s.times.iat, d.times.iat)) return "times.iat";
    return nullptr;
}

/// Expectations owned here and viewed by claim_expectations.
struct expectations {
    std::vector<std::string> issuers{"https://issuer.example", "iss-a"};
    std::vector<std::string> audiences{"aud-a"};
    std::string subject = "sub-a";
    bool has_subject = true;

    claim_expectations view() const { return {&issuers, &audiences, has_subject ? &subject : nullptr}; }
};

/// Fixed expectations, plus (chosen by bits of the input's length and byte sum) the claim set's own iss,
/// sub and one aud element, so matches are as common as mismatches.
expectations expectations_for(const jot::basic_claims<json>* c, std::size_t size, unsigned sum) {
    expectations e;
    e.has_subject = (sum & 8) == 0;
    if (!c) return e;
    if (size & 1)
        if (auto iss = c->issuer()) e.issuers.emplace_back(*iss);
    if (size & 2)
        if (auto sub = c->subject()) e.subject = std::string(*sub);
    if (size & 4)
        if (const json* aud = c->find("aud")) {
            if (aud->is_string()) e.audiences.push_back(aud->get<std::string>());
            else if (aud->is_array() && !aud->empty()) {
                const json& pick = (*aud)[(sum >> 4) % aud->size()];
                if (pick.is_string()) e.audiences.push_back(pick.get<std::string>());
            }
        }
    if (sum & 16) e.audiences.clear();
    return e;
}

void check(std::string_view text, std::size_t depth, unsigned sum) {
    auto dom = jot::detail::parse_object<json>(text, depth);
    auto dom2 = jot::detail::parse_object<dom_json>(text, depth);
    auto code = [text](const std::error_code& ec) {
        if (ec && ec.category() != jot::error_category())
            disagree("parse_object error outside jot's category", text, "", ec.message());
        return static_cast<jot::errc>(ec.value());
    };
    const jot::errc dom_code = dom ? jot::errc{} : code(dom.error());
    const jot::errc dom2_code = dom2 ? jot::errc{} : code(dom2.error());
    if (dom_code != dom2_code)
        disagree("parse_object<json> and parse_object<dom_json> verdicts differ", text, code_of(dom_code),
                 code_of(dom2_code));

    // As a header.
    jot::detail::json_scanner hscan(depth);
    header_facts hf;
    const jot::errc hcode = hscan.scan(text, hf);
    if (hcode != dom_code) disagree("verdict or error code (header handler)", text, code_of(hcode), code_of(dom_code));

    // As a claim set: the expectations are fixed before either reader runs.
    std::optional<jot::basic_claims<json>> claims;
    if (dom) claims = *jot::basic_claims<json>::from_json(*dom);
    const expectations e = expectations_for(claims ? &*claims : nullptr, text.size(), sum);
    jot::detail::json_scanner cscan(depth);
    jot::detail::claims_collector<json> collected(e.view());
    const jot::errc ccode = cscan.scan(text, collected);
    if (ccode != dom_code) disagree("verdict or error code (claims handler)", text, code_of(ccode), code_of(dom_code));
    if (!dom) return;

    auto header = jot::basic_header<json>::from_json(*dom);
    if (!header) disagree("basic_header::from_json refused a parsed object", text, "", header.error().message());
    const header_facts hd = header_facts::of(*header);
    if (const char* field = header_difference(hf, hd)) {
        const std::string what = std::string("header_facts.") + field;
        disagree(what.c_str(), text, describe(hf), describe(hd));
    }
    if (const char* what = membership_difference(hscan, *header, hf)) disagree(what, text, describe(hf), describe(hd));
    // The second type reads the same facts (its DOM is what basic_verifier<dom_json> checks). The facts view
    // into the header, so it stays alive while they are compared.
    const auto header2 = jot::basic_header<dom_json>::from_json(*dom2);
    const header_facts hd2 = header_facts::of(*header2);
    if (const char* field = header_difference(hd, hd2)) {
        const std::string what = std::string("header_facts.") + field + " (json DOM against dom_json DOM)";
        disagree(what.c_str(), text, describe(hd), describe(hd2));
    }

    const claim_facts cd = jot::detail::claims_collector<json>::of(*claims, e.view());
    if (const char* field = claims_difference(collected.facts, cd)) {
        const std::string what = std::string("claim_facts.") + field;
        disagree(what.c_str(), text, describe(collected.facts), describe(cd));
    }
    const claim_facts cd2 =
        jot::detail::claims_collector<dom_json>::of(*jot::basic_claims<dom_json>::from_json(*dom2), e.view());
    if (const char* field = claims_difference(cd, cd2)) {
        const std::string what = std::string("claim_facts.") + field + " (json DOM against dom_json DOM)";
        disagree(what.c_str(), text, describe(cd), describe(cd2));
    }
    typed_reads_agree(text, *dom, depth);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    unsigned sum = 0;
    for (std::size_t i = 0; i < size; ++i) sum += data[i];
    // The verifier's default depth, and a small one (0 included) so json_too_deep is met at every level.
    check(text, jot::decode_options{}.max_json_depth, sum);
    check(text, sum % 5, sum);
    return 0;
}
