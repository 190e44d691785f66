// SPDX-License-Identifier: MIT
// Works out why a verifier refused a token, by reading the token again: only ever after a failure.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../algorithm.hpp"
#include "../base64url.hpp"
#include "../diagnostic.hpp"
#include "../error.hpp"
#include "../token.hpp"
#include "ascii.hpp"
#include "claim_facts.hpp"
#include "diagnose_facts.hpp"
#include "header_facts.hpp"
#include "json_scan.hpp"
#include "key_selection.hpp"
#include "user_code.hpp"
#include "verifier_settings.hpp"

namespace jot::detail {

/// Reads a refused token again and lists the checks it fails, in the order the verifier makes them.
/// `all`: every check that can be made (explain()); otherwise only what finding `first` (the code verify()
/// returned) needs, with no signature computed. Key choice reads the fixed keys and the key source's current
/// keys; the source is never asked to refresh.
template <class Json, class Clock>
class diagnoser {
public:
    diagnoser(const verifier_settings<Json, Clock>& s, std::error_code first, bool all)
        : s_(s), first_(first), all_(all) {}

    std::vector<diagnostic> run(std::string_view token) {
        walk(token);
        return std::move(out_);
    }

private:
    diagnostic& add(errc e, const char* check, std::string_view name = {}) {
        out_.emplace_back();
        diagnostic& d = out_.back();
        d.error = make_error_code(e);
        d.check = check;
        d.name = std::string(name);
        return d;
    }
    bool stop() const {
        return !all_ && std::any_of(out_.begin(), out_.end(), [this](const diagnostic& d) { return d.error == first_; });
    }

    void segment_error(errc e, const char* segment, std::string_view b64, std::string_view json,
                       std::size_t json_offset) {
        const bool b64_error = e >= errc::base64_padding && e <= errc::base64_non_canonical;
        diagnostic& d = add(e, b64_error ? "base64url" : "json");
        d.segment = segment;
        if (b64_error) {
            d.offset = base64url_error_offset(b64, e);
            if (e == errc::base64_invalid_character && d.offset < b64.size())
                d.found = "'" + sanitize_for_diagnostic(b64.substr(d.offset, 1)) + "'";
            if (e == errc::base64_invalid_length) d.found = "length " + std::to_string(b64.size());
        } else if (e == errc::invalid_utf8) {
            d.offset = utf8_error_offset(json);
        } else if (e == errc::json_invalid && json.find('\0') != std::string_view::npos) {
            d.offset = json.find('\0');
            d.found = "a NUL byte";
        } else {
            d.offset = e == errc::json_byte_order_mark ? 0 : json_offset;
        }
    }

    /// Decodes and scans one segment; false (with a diagnostic) when it is not a strict JSON object.
    template <class Handler>
    bool read_segment(std::string_view b64, const char* segment, std::string& text, Handler& h) {
        auto decoded = base64url::decode<std::string>(b64);
        if (!decoded) {
            segment_error(static_cast<errc>(decoded.error().value()), segment, b64, {}, 0);
            return false;
        }
        text = std::move(*decoded);
        json_scanner scan(s_.decode.max_json_depth);
        if (const errc e = scan.scan(text, h); e != errc{}) {
            segment_error(e, segment, b64, text, scan.stopped_at());
            return false;
        }
        if constexpr (std::is_same<Handler, header_watch>::value) {
            // check_extensions needs the member names, which live only as long as the scanner.
            for (std::string_view n : h.facts.crit_names)
                if (is_registered_header_name(n) || !scan.has_member(n)) crit_bad_ = true;
        }
        return true;
    }

    void walk(std::string_view token) {
        if (token.size() > s_.decode.max_token_size) {
            diagnostic& d = add(errc::token_too_large, "size");
            d.found = std::to_string(token.size()) + " bytes";
            d.expected = "at most " + std::to_string(s_.decode.max_token_size) + " bytes";
            return;
        }
        const std::size_t dots = static_cast<std::size_t>(std::count(token.begin(), token.end(), '.'));
        if (dots != 2) {
            diagnostic& d = add(errc::token_not_compact, "segments");
            d.found = std::to_string(dots + 1) + (dots ? " segments" : " segment");
            d.expected = "3 segments: header.payload.signature";
            return;
        }
        auto parts = split_compact(token, s_.decode, /*allow_empty_signature=*/true);
        if (!parts) {
            diagnostic& d = add(errc::empty_segment, "segments");
            d.segment = token.front() == '.' ? "header" : "payload";
            d.found = "an empty " + d.segment + " segment";
            return;
        }
        std::string htext, ptext;
        header_watch hw;
        const bool header_ok = read_segment(parts->header, "header", htext, hw);
        if (header_ok) {
            hw.finish();
            check_header(hw);
        }
        const bool has_alg = header_ok && hw.facts.alg == member_state::valid && !hw.facts.alg_error;
        if (stop()) return;
        if (has_alg) check_signature(*parts, hw.facts);
        if (stop()) return;
        claims_watch cw({&s_.issuers, &s_.audiences, s_.has_subject ? &s_.subject : nullptr});
        if (!read_segment(parts->payload, "payload", ptext, cw)) return;
        if (header_ok) check_type(hw.facts);
        check_claims(cw);
    }

    void check_header(const header_watch& hw) {
        const header_facts& h = hw.facts;
        if (h.alg == member_state::absent) {
            diagnostic& d = add(errc::header_missing_alg, "alg", "alg");
            d.found = "absent";
            d.expected = expected_algs();
            return;
        }
        if (!hw.bad_name.empty()) {
            diagnostic& d = add(errc::header_invalid_member, "header", hw.bad_name);
            d.found = hw.bad_found;
            d.expected = hw.bad_name == "x5c" ? "a non-empty array of base64 strings"
                         : hw.bad_name == "jwk" ? "an object" : "a string";
            if (hw.bad_name == "alg") return;
        }
        if (h.alg_error) {
            diagnostic& d = add(static_cast<errc>(h.alg_error.value()), "alg", "alg");
            d.found = diag_quoted(hw.alg_text);
            d.expected = expected_algs();
        }
        if (h.crit != member_state::absent) {
            const bool invalid = h.crit == member_state::wrong_type || h.crit_names.empty() || crit_bad_;
            diagnostic& d = add(invalid ? errc::crit_invalid : errc::crit_unsupported, "crit", "crit");
            d.found = h.crit == member_state::wrong_type ? "not an array of strings"
                      : h.crit_names.empty()             ? "an empty array"
                                                         : diag_list(h.crit_names, ", ");
            d.expected = invalid ? "names of extension members present in the header" : "absent: jot implements no extension";
        } else if (h.cty == member_state::valid && media_type_equal(h.cty_value, "JWT")) {
            diagnostic& d = add(errc::nested_token_unsupported, "cty", "cty");
            d.found = diag_quoted(h.cty_value);
            d.expected = "no nested token";
        }
    }

    /// The algorithms of the verifier's keys, for an "alg" it refused.
    std::string expected_algs() {
        std::vector<std::string> names;
        for_each_key([&names](const verification_key& k) {
            const std::string n(to_string(k.alg()));
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
        });
        return names.empty() ? "an algorithm of the verifier's keys, which has none now" : diag_list(names);
    }

    template <class F>
    void for_each_key(F&& f) {
        for (const auto& k : s_.keys)
            if (k) f(*k);
        if (!s_.source) return;
        if (!source_) {
            auto current = source_keys(*s_.source);
            source_ = current ? std::move(*current) : std::make_shared<const key_list>();
        }
        for (const auto& k : *source_)
            if (k) f(*k);
    }

    void check_signature(const compact_parts& p, const header_facts& h) {
        if (p.signature.empty()) {
            diagnostic& d = add(errc::empty_segment, "segments");
            d.segment = "signature";
            d.found = "an empty signature segment";
            return;
        }
        const std::size_t limit = base64url::encoded_size(max_signature_octets);
        if (p.signature.size() > limit) {
            diagnostic& d = add(errc::signature_length_invalid, "signature");
            d.found = std::to_string(p.signature.size()) + " base64url characters";
            d.expected = "at most " + std::to_string(limit);
            return;
        }
        std::uint8_t sig[max_signature_octets];
        auto n = base64url::decode_into(p.signature, sig);
        if (!n) {
            // The offset and the one character at it: never the signature itself.
            segment_error(static_cast<errc>(n.error().value()), "signature", p.signature, {}, 0);
            return;
        }
        const bool has_kid = h.kid == member_state::valid;
        key_attempt attempt{h.alg_value, has_kid ? h.kid_value : std::string_view(), has_kid, p.signing_input,
                            bytes_view(sig, *n)};
        std::vector<std::string> kids;
        for_each_key([&](const verification_key& k) {
            if (k.alg() != h.alg_value) return;
            attempt.alg_matched = true;
            const std::string_view kid = k.key_id();
            if (!kid.empty() && std::find(kids.begin(), kids.end(), kid) == kids.end()) kids.emplace_back(kid);
            if (!has_kid || kid.empty() || kid == h.kid_value) ++attempt.tried;
        });
        std::error_code verdict = first_;
        if (all_) {
            // explain(): the signature itself decides, over the same keys as above.
            key_attempt real{attempt.alg, attempt.kid, has_kid, p.signing_input, attempt.signature};
            real.try_keys(s_.keys, /*bounded=*/false);
            if (!real.verified && source_) real.try_keys(*source_, /*bounded=*/true);
            verdict = real.verified ? std::error_code() : real.last;
        }
        if (!attempt.alg_matched) {
            diagnostic& d = add(errc::algorithm_not_allowed, "alg", "alg");
            d.found = diag_quoted(to_string(h.alg_value));
            d.expected = expected_algs();
        } else if (!attempt.tried) {
            diagnostic& d = add(errc::key_not_found, "key", "kid");
            d.found = has_kid ? diag_quoted(h.kid_value) : "absent";
            d.expected = diag_list(kids);
        } else if (verdict == errc::signature_invalid || verdict == errc::signature_length_invalid) {
            diagnostic& d = add(static_cast<errc>(verdict.value()), "signature");
            const algorithm_facts& f = facts_of(h.alg_value);
            if (verdict == errc::signature_length_invalid) {
                d.found = std::to_string(*n) + " octets";
                d.expected = f.signature_size ? std::to_string(f.signature_size) + " octets"
                                              : std::to_string(f.min_signature_size) + " to " +
                                                    std::to_string(f.max_signature_size) + " octets";
            } else {
                d.expected = "a " + std::string(to_string(h.alg_value)) + " signature by " +
                             (attempt.tried == 1 ? std::string("the one candidate key")
                                                 : "one of the " + std::to_string(attempt.tried) + " candidate keys") +
                             (has_kid ? " with kid " + diag_quoted(h.kid_value) : std::string());
            }
        }
    }

    void check_type(const header_facts& h) {
        if (s_.ignore_type) return;
        const bool has_typ = h.typ == member_state::valid;
        bool ok = false;
        if (s_.types.empty()) ok = !has_typ || media_type_equal(h.typ_value, "JWT");
        else
            for (const auto& t : s_.types) ok = ok || (has_typ && media_type_equal(h.typ_value, t));
        if (ok) return;
        diagnostic& d = add(errc::type_mismatch, "typ", "typ");
        d.found = has_typ ? diag_quoted(h.typ_value) : "absent";
        d.expected = s_.types.empty() ? "\"JWT\" or absent" : diag_list(s_.types);
    }

    void wrong_type(const claims_watch::seen& s, const char* name, const char* expected) {
        diagnostic& d = add(errc::claim_wrong_type, "claim", name);
        d.found = json_kind_name(s.kind);
        d.expected = expected;
    }

    void check_claims(const claims_watch& w) {
        const claim_facts& c = w.collector.facts;
        if (c.iss == member_state::wrong_type) wrong_type(w.iss, "iss", "a string");
        if (c.sub == member_state::wrong_type) wrong_type(w.sub, "sub", "a string");
        if (c.jti == member_state::wrong_type) wrong_type(w.jti, "jti", "a string");
        if (c.aud == member_state::wrong_type)
            wrong_type(w.aud, "aud", "a string or an array of strings");
        const std::pair<const date_claim*, const claims_watch::seen*> dates[] = {
            {&c.times.exp, &w.exp}, {&c.times.nbf, &w.nbf}, {&c.times.iat, &w.iat}};
        const char* names[] = {"exp", "nbf", "iat"};
        for (int i = 0; i < 3; ++i) {
            if (!dates[i].first->present || !dates[i].first->error) continue;
            if (dates[i].first->error == errc::claim_wrong_type) {
                wrong_type(*dates[i].second, names[i], "a NumericDate, a number");
            } else {
                diagnostic& d = add(errc::numeric_date_out_of_range, "claim", names[i]);
                d.found = dates[i].second->text;
                d.expected = "a number from 0 to 253402300799";
            }
        }
        check_times(c.times);
        expectation(c.iss, c.iss_expected, !s_.issuers.empty(), errc::issuer_mismatch, "iss", w.iss.text,
                    diag_list(s_.issuers));
        if (!s_.audiences.empty()) {
            expectation(c.aud, c.aud_expected, true, errc::audience_mismatch, "aud", aud_found(w),
                        diag_list(s_.audiences));
        } else if (!s_.ignore_audience && c.aud != member_state::absent) {
            diagnostic& d = add(errc::audience_unexpected, "aud", "aud");
            d.found = aud_found(w);
            d.expected = "absent: the verifier expects no audience";
        }
        expectation(c.sub, c.sub_expected, s_.has_subject, errc::subject_mismatch, "sub", w.sub.text,
                    diag_quoted(s_.subject));
        if (s_.require_jti && c.jti == member_state::absent) {
            diagnostic& d = add(errc::claim_missing, "jti", "jti");
            d.found = "absent";
            d.expected = "a string: require_jti() is set";
        }
    }

    static std::string aud_found(const claims_watch& w) {
        if (w.aud.kind != scanned_value::kind::array) return w.aud.text;
        if (w.aud_values.empty()) return "an empty array";
        return "[" + diag_list(w.aud_values, ", ") + "]";
    }

    void expectation(member_state state, bool met, bool expected_any, errc mismatch, const char* name,
                     const std::string& found, std::string expected) {
        if (!expected_any || state == member_state::wrong_type || (state == member_state::valid && met)) return;
        diagnostic& d = add(state == member_state::absent ? errc::claim_missing : mismatch, name, name);
        d.found = state == member_state::absent ? "absent" : found;
        d.expected = std::move(expected);
    }

    void check_times(const time_claims& t) {
        bool threw = false;
        const auto clock_now = call_user_code([this] { return s_.clock.now(); },
                                              [&threw] {
                                                  threw = true;
                                                  return decltype(s_.clock.now())();
                                              });
        if (threw) {
            add(errc::callback_failed, "callback", "clock").found = "the clock threw";
            return;
        }
        const numeric_date now = std::chrono::time_point_cast<std::chrono::microseconds>(clock_now);
        const auto late = s_.expiry_leeway, early = s_.future_leeway;
        if (t.exp.present && !t.exp.error) {
            if (now >= t.exp.value + late) {
                diagnostic& d = add(errc::token_expired, "exp", "exp");
                d.found = diag_seconds(t.exp.value);
                d.expected = "after " + diag_seconds(now - late) + ": now " + diag_seconds(now) + " less expiry leeway " + diag_duration(late);
            }
        } else if (!t.exp.present && !s_.allow_missing_exp) {
            diagnostic& d = add(errc::expiration_missing, "exp", "exp");
            d.found = "absent";
            d.expected = "a NumericDate, or allow_missing_expiration()";
        }
        if (t.nbf.present && !t.nbf.error && now + early < t.nbf.value) {
            diagnostic& d = add(errc::token_not_yet_valid, "nbf", "nbf");
            d.found = diag_seconds(t.nbf.value);
            d.expected = "at most " + diag_seconds(now + early) + ": now " + diag_seconds(now) + " plus future leeway " + diag_duration(early);
        }
        if (t.iat.present && !t.iat.error) {
            if (t.iat.value > now + early) {
                diagnostic& d = add(errc::issued_in_future, "iat", "iat");
                d.found = diag_seconds(t.iat.value);
                d.expected = "at most " + diag_seconds(now + early) + ": now " + diag_seconds(now) + " plus future leeway " + diag_duration(early);
            } else if (s_.has_max_age && now - t.iat.value > s_.max_age + late) {
                diagnostic& d = add(errc::token_too_old, "max_age", "iat");
                d.found = diag_seconds(t.iat.value);
                d.expected = "at least " + diag_seconds(now - s_.max_age - late) + ": now " + diag_seconds(now) + " less max_age " +
                             diag_duration(s_.max_age) + " and expiry leeway " + diag_duration(late);
            }
        } else if (!t.iat.present && s_.has_max_age) {
            diagnostic& d = add(errc::claim_missing, "max_age", "iat");
            d.found = "absent";
            d.expected = "a NumericDate: the verifier has a max_age";
        }
    }

    const verifier_settings<Json, Clock>& s_;
    std::error_code first_;
    bool all_;
    bool crit_bad_ = false;
    std::shared_ptr<const key_list> source_;
    std::vector<diagnostic> out_;
};

/// A diagnostic for a check whose details jot cannot see (custom checks, revocation, the caller's code).
inline diagnostic opaque_diagnostic(std::error_code ec) {
    diagnostic d;
    d.error = ec;
    // claim_missing lands here only from require_claim / expect_claim: the built-in ones are found above.
    d.check = ec == errc::claim_mismatch || ec == errc::claim_predicate_failed || ec == errc::claim_missing ? "custom"
              : ec == errc::token_revoked || ec == errc::jti_store_unavailable ? "revocation"
              : ec == errc::callback_failed                                    ? "callback"
                                                                               : "token";
    return d;
}

/// Why verify() refused `token` with `ec`: the first failed check with that code, or an opaque diagnostic
/// when the re-reading does not find it (a custom check, the jti_store, or keys that changed since).
template <class Json, class Clock>
diagnostic diagnose(const verifier_settings<Json, Clock>& s, std::string_view token, std::error_code ec) {
    if (!ec) return {};
    auto found = diagnoser<Json, Clock>(s, ec, /*all=*/false).run(token);
    for (auto& d : found)
        if (d.error == ec) return std::move(d);
    return opaque_diagnostic(ec);
}

/// Every check `token` fails; `ec` is verify()'s verdict, listed (opaquely) when the re-reading finds nothing.
template <class Json, class Clock>
std::vector<diagnostic> explain(const verifier_settings<Json, Clock>& s, std::string_view token, std::error_code ec) {
    if (!ec) return {};
    auto found = diagnoser<Json, Clock>(s, ec, /*all=*/true).run(token);
    if (std::none_of(found.begin(), found.end(), [&ec](const diagnostic& d) { return d.error == ec; }))
        found.insert(found.begin(), opaque_diagnostic(ec));
    return found;
}

} // namespace jot::detail
