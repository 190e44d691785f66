// SPDX-License-Identifier: MIT
// The fluent verifier: keys and policy in, an immutable thread-safe verifier out, verified tokens from it.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithm.hpp"
#include "base64url.hpp"
#include "bytes.hpp"
#include "claims.hpp"
#include "clock.hpp"
#include "detail/header_registry.hpp"
#include "detail/json.hpp"
#include "detail/token_cache.hpp"
#include "detail/user_code.hpp"
#include "error.hpp"
#include "header.hpp"
#include "key_source.hpp"
#include "result.hpp"
#include "signer.hpp"
#include "token.hpp"

namespace jot {

template <class Json, class Clock>
class basic_verifier_builder;

namespace detail {

inline char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

/// Compares media types as RFC 7515 §4.1.9 asks: case-insensitively, "application/" optional.
inline bool media_type_equal(std::string_view a, std::string_view b) noexcept {
    auto strip = [](std::string_view s) {
        constexpr std::string_view prefix = "application/";
        if (s.size() > prefix.size() && iequals(s.substr(0, prefix.size()), prefix)) s.remove_prefix(prefix.size());
        return s;
    };
    return iequals(strip(a), strip(b));
}

/// True when basic_verifier<Json> verifies through DOMs rather than json_scanner: for Json types the scanner
/// does not mirror. The differential fuzzer specialises it for a second, otherwise identical nlohmann type, so
/// both paths run on the same bytes and must agree.
template <class Json>
struct verify_through_dom : std::bool_constant<!is_scannable_json<Json>::value> {};

/// Most keys of a key source tried for a token without "kid" (a token with one is checked only against keys
/// with that kid, and keys without any).
inline constexpr std::size_t max_keys_without_kid = 4;

/// Longest signature jot decodes: an RSA-8192 signature. Longer is rejected before decoding.
inline constexpr std::size_t max_signature_octets = 1024;

/// Longest JOSE header decoded on the stack; a longer one is decoded into the heap.
inline constexpr std::size_t header_stack_octets = 512;

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
            if (m.type == header_member_type::base64_strings && v->is_array() && v->empty()) f.x5c_empty = true;
            else if (!has_header_member_type(*v, m.type)) f.bad_member = true;
        }
        if (const Json* a = h.find("alg")) {
            f.alg = a->is_string() ? member_state::valid : member_state::wrong_type;
            if (a->is_string()) f.set_alg(*h.alg());
        }
        auto text = [&h](std::string_view name, member_state& state, std::string_view& value) {
            const Json* v = h.find(name);
            if (!v) return;
            state = v->is_string() ? member_state::valid : member_state::wrong_type;
            if (v->is_string()) value = v->template get_ref<const typename Json::string_t&>();
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

/// What the verifier reads from a claim set (RFC 7519 §4.1): the types of the registered claims, whether
/// iss, sub and aud meet the verifier's expectations (compared where they are read, never copied), and the
/// NumericDates.
struct claim_facts {
    member_state iss = member_state::absent, sub = member_state::absent, jti = member_state::absent,
                 aud = member_state::absent;
    bool iss_expected = false, sub_expected = false, aud_expected = false;
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
        const bool is_string = v.type == scanned_value::kind::string;
        if (name == "iss") {
            facts.iss = is_string ? member_state::valid : member_state::wrong_type;
            facts.iss_expected = is_string && claim_expectations::contains(*e_.issuers, v.string);
        } else if (name == "sub") {
            facts.sub = is_string ? member_state::valid : member_state::wrong_type;
            facts.sub_expected = is_string && e_.subject && *e_.subject == v.string;
        } else if (name == "jti") {
            facts.jti = is_string ? member_state::valid : member_state::wrong_type;
        } else if (name == "aud") {
            if (is_string) {
                facts.aud = member_state::valid;
                facts.aud_expected = claim_expectations::contains(*e_.audiences, v.string);
            } else if (v.type == scanned_value::kind::array) {
                facts.aud = member_state::valid;
                in_aud_ = true;
            } else {
                facts.aud = member_state::wrong_type;
            }
        } else if (name == "exp") {
            facts.times.exp = date(v);
        } else if (name == "nbf") {
            facts.times.nbf = date(v);
        } else if (name == "iat") {
            facts.times.iat = date(v);
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
            state = v->is_string() ? member_state::valid : member_state::wrong_type;
            return v->is_string() ? std::string_view(v->template get_ref<const typename Json::string_t&>()) : "";
        };
        const std::string_view iss = text("iss", f.iss), sub = text("sub", f.sub);
        text("jti", f.jti);
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
        case scanned_value::kind::number_unsigned: return date_of(Json(v.unsigned_value));
        case scanned_value::kind::number_integer: return date_of(Json(v.integer_value));
        case scanned_value::kind::number_float: return date_of(Json(v.float_value));
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

} // namespace detail

/// An immutable, thread-safe verifier: made by basic_verifier_builder::build(), used by calling verify().
template <class Json = nlohmann::json, class Clock = std::chrono::system_clock>
class basic_verifier {
public:
    using json_type = Json;
    using token_type = basic_verified_token<Json>;
    using claims_type = basic_claims<Json>;

    /// Verifies a compact JWT and applies the policy: on success returns the verified token.
    ///
    /// Order: size and shape, header (strict JSON, "alg", "crit"), key choice by "alg" and "kid", signature,
    /// and only then the payload is decoded and parsed, then "typ" and the claims are checked.
    /// Errors: any malformed condition code; unsecured_token, unsupported_algorithm, algorithm_not_allowed,
    /// key_not_found, crit_unsupported, signature_invalid, signature_length_invalid; token_expired,
    /// token_not_yet_valid, issued_in_future, token_too_old, expiration_missing, claim_missing,
    /// issuer_mismatch, audience_mismatch, audience_unexpected, subject_mismatch, type_mismatch,
    /// claim_mismatch, claim_predicate_failed; nested_token_unsupported ("cty":"JWT"); callback_failed when
    /// code the caller plugged in (a key_source, a verification_key of its own, a predicate, a token hook, the
    /// clock) throws: no exception of theirs leaves verify().
    ///
    /// With a cache (basic_verifier_builder::cache), a token accepted before is found by a keyed hash of its
    /// exact bytes; "exp", "nbf", "iat" (and max_age) are checked against the clock again, expect() and
    /// expect_token() checks run again, and the signature and the rest of the policy are not redone.
    result<token_type> verify(std::string_view token) const {
        if (s_.cache) return verify_cached(token);
        return verify_uncached(token, nullptr);
    }

    /// Empties the verified-token cache, if the verifier has one (e.g. after revoking a token elsewhere).
    void clear_cache() const {
        if (s_.cache) s_.cache->clear();
    }

private:
    friend class basic_verifier_builder<Json, Clock>;

    struct settings {
        key_list keys;
        std::shared_ptr<const key_source> source;
        std::vector<std::string> issuers, audiences, types, required;
        std::vector<std::pair<std::string, Json>> expected;
        std::vector<std::function<bool(const basic_claims<Json>&)>> predicates;
        std::vector<std::function<std::error_code(const basic_header<Json>&, const basic_claims<Json>&)>> token_checks;
        std::string subject;
        bool has_subject = false;
        bool ignore_type = false;
        bool ignore_audience = false;
        bool allow_missing_exp = false;
        std::chrono::microseconds leeway{0};
        std::chrono::microseconds max_age{0};
        bool has_max_age = false;
        decode_options decode;
        Clock clock{};
        std::shared_ptr<detail::token_cache<basic_verified_token<Json>>> cache;
    };

    explicit basic_verifier(settings s) : s_(std::move(s)) {}

    /// The key source's current keys. Errors: errc::callback_failed when the source throws. A source that
    /// breaks its contract by returning null gives an empty list (fail closed, never a null dereference).
    result<std::shared_ptr<const key_list>> source_keys() const {
        static const auto none = std::make_shared<const key_list>();
        bool threw = false;
        auto keys = detail::call_user_code([this] { return s_.source->current_keys(); },
                                           [&threw] {
                                               threw = true;
                                               return std::shared_ptr<const key_list>();
                                           });
        if (threw) return errc::callback_failed;
        if (!keys) return none;
        return keys;
    }

    detail::claim_expectations expectations() const noexcept {
        return {&s_.issuers, &s_.audiences, s_.has_subject ? &s_.subject : nullptr};
    }

    result<token_type> verify_cached(std::string_view token) const {
        // The size bound comes first, so an oversized token is not even hashed.
        if (token.size() > s_.decode.max_token_size) return errc::token_too_large;
        std::shared_ptr<const key_list> keys;
        if (s_.source) {
            auto current = source_keys();
            if (!current) return current.error();
            keys = std::move(*current);
            s_.cache->observe_keys(keys);
        }
        typename detail::token_cache<token_type>::digest d;
        if (!s_.cache->digest_of(token, d)) return verify_uncached(token, nullptr);
        if (auto hit = s_.cache->find(d, keys.get())) {
            if (auto r = check_times(hit->times); !r) {
                s_.cache->erase(d);
                return r.error();
            }
            if (auto r = check_with_dom(hit->token, /*again=*/true); !r) return r.error();
            return std::move(hit->token);
        }
        detail::time_claims times;
        auto r = verify_uncached(token, &times);
        if (r) s_.cache->insert(d, *r, times, std::move(keys));
        return r;
    }

    result<token_type> verify_uncached(std::string_view token, detail::time_claims* times) const {
        if constexpr (!detail::verify_through_dom<Json>::value) return verify_scanned(token, times);
        else return verify_dom(token, times);
    }

    /// verify() without DOMs: the header and the payload are each read once by json_scanner, which reports
    /// the registered members; the token keeps the decoded text and builds DOMs only when they are read.
    result<token_type> verify_scanned(std::string_view token, detail::time_claims* times) const {
        auto parts = detail::split_compact(token, s_.decode, /*allow_empty_signature=*/true);
        if (!parts) return parts.error();

        std::uint8_t small[detail::header_stack_octets];
        std::string big;
        std::uint8_t* hbuf = small;
        if (parts->header.size() % 4 != 1 && base64url::decoded_size(parts->header.size()) > sizeof small) {
            big.resize(base64url::decoded_size(parts->header.size()));
            hbuf = reinterpret_cast<std::uint8_t*>(&big[0]);
        }
        auto hn = base64url::decode_into(parts->header, hbuf);
        if (!hn) return hn.error();
        const std::string_view htext(reinterpret_cast<const char*>(hbuf), *hn);
        detail::json_scanner hscan(s_.decode.max_json_depth);
        detail::header_facts hf;
        if (const errc e = hscan.scan(htext, hf); e != errc{}) return e;
        if (auto r = hf.check_registered(); !r) return r.error();
        if (hf.alg_error) return hf.alg_error;
        if (auto r = check_extensions(hf, [&hscan](std::string_view n) { return hscan.has_member(n); }); !r)
            return r.error();
        if (auto r = check_signature(*parts, hf, hf.alg_value); !r) return r.error();

        // One buffer holds both texts for the token's lifetime; the payload is decoded straight into it.
        auto data = std::make_shared<detail::token_data<Json>>(s_.decode.max_json_depth);
        std::string& text = data->text();
        const std::size_t plen =
            parts->payload.size() % 4 == 1 ? 0 : base64url::decoded_size(parts->payload.size());
        text.resize(htext.size() + plen);
        if (!htext.empty()) std::memcpy(&text[0], htext.data(), htext.size());
        auto pn = base64url::decode_into(parts->payload, reinterpret_cast<std::uint8_t*>(&text[0] + htext.size()));
        if (!pn) return pn.error();
        text.resize(htext.size() + *pn);
        data->set_header_size(htext.size());

        detail::json_scanner pscan(s_.decode.max_json_depth);
        detail::claims_collector<Json> collected(expectations());
        if (const errc e = pscan.scan(data->payload_text(), collected); e != errc{}) return e;
        if (auto r = check_type(hf); !r) return r.error();
        if (auto r = check_claims(collected.facts); !r) return r.error();
        auto tok = detail::verified_token_access::make<Json>(std::move(data), hf.alg_value);
        if (auto r = check_with_dom(tok, /*again=*/false); !r) return r.error();
        if (times) *times = collected.facts.times;
        return tok;
    }

    /// verify() through DOMs, for Json types json_scanner does not mirror (other number or string types).
    result<token_type> verify_dom(std::string_view token, detail::time_claims* times) const {
        auto parts = detail::split_compact(token, s_.decode, /*allow_empty_signature=*/true);
        if (!parts) return parts.error();

        auto hjson = detail::decode_json_segment<Json>(parts->header, s_.decode);
        if (!hjson) return hjson.error();
        auto hdr = basic_header<Json>::from_json(std::move(*hjson));
        if (!hdr) return hdr.error();
        const auto hf = detail::header_facts::of(*hdr);
        if (auto r = hf.check_registered(); !r) return r.error();
        if (hf.alg_error) return hf.alg_error;
        if (auto r = check_extensions(hf, [&hdr](std::string_view n) { return hdr->contains(n); }); !r)
            return r.error();

        if (auto r = check_signature(*parts, hf, hf.alg_value); !r) return r.error();

        auto pjson = detail::decode_json_segment<Json>(parts->payload, s_.decode);
        if (!pjson) return pjson.error();
        auto cl = basic_claims<Json>::from_json(std::move(*pjson));
        if (!cl) return cl.error();
        if (auto r = check_type(hf); !r) return r.error();
        const auto facts = detail::claims_collector<Json>::of(*cl, expectations());
        if (auto r = check_claims(facts); !r) return r.error();
        auto tok = detail::verified_token_access::make<Json>(std::move(*hdr), std::move(*cl), hf.alg_value);
        if (auto r = check_with_dom(tok, /*again=*/false); !r) return r.error();
        if (times) *times = facts.times;
        return tok;
    }

    /// What the header asks of the recipient beyond JWS itself: "crit" extensions, and a nested JWT announced
    /// by "cty":"JWT" (RFC 7519 §5.2; compared as a media type, so "jwt" and "application/JWT" count), whose
    /// payload is another token, never a claim set to read (RFC 7519 §7.2 step 8).
    template <class HasMember>
    static result<void> check_extensions(const detail::header_facts& h, HasMember&& has_member) {
        if (h.crit != detail::member_state::absent) {
            if (h.crit == detail::member_state::wrong_type || h.crit_names.empty()) return errc::crit_invalid;
            for (std::string_view n : h.crit_names)
                if (detail::is_registered_header_name(n) || !has_member(n)) return errc::crit_invalid;
            // A syntactically valid "crit" names extensions that the recipient must understand; jot implements
            // none (RFC 7797 "b64" included), so it must reject the token (RFC 7515 §4.1.11).
            return errc::crit_unsupported;
        }
        if (h.cty == detail::member_state::valid && detail::media_type_equal(h.cty_value, "JWT"))
            return errc::nested_token_unsupported;
        return {};
    }

    result<void> check_signature(const detail::compact_parts& p, const detail::header_facts& h, algorithm alg) const {
        // Only "alg":"none" may have an empty signature, and it was refused before we got here.
        if (p.signature.empty()) return errc::empty_segment;
        if (p.signature.size() > base64url::encoded_size(detail::max_signature_octets))
            return errc::signature_length_invalid;
        std::uint8_t sig[detail::max_signature_octets];
        auto n = base64url::decode_into(p.signature, sig);
        if (!n) return n.error();
        const bytes_view sv(sig, *n);

        const bool has_kid = h.kid == detail::member_state::valid;
        const std::string_view kid = has_kid ? h.kid_value : std::string_view();
        key_attempt attempt{alg, kid, has_kid, p.signing_input, sv};
        attempt.try_keys(s_.keys, /*bounded=*/false);
        if (attempt.verified) return {};
        if (s_.source) {
            auto current = source_keys();
            if (!current) return current.error();
            attempt.try_keys(**current, /*bounded=*/true);
            if (attempt.verified) return {};
            // A kid no current key has may be a rotation the source has not seen yet (RFC 7517 §4.5).
            if (attempt.has_kid && !attempt.kid_seen) {
                bool threw = false;
                auto fresh = detail::call_user_code([&] { return s_.source->refresh_for_unknown_kid(kid); },
                                                    [&threw] {
                                                        threw = true;
                                                        return std::shared_ptr<const key_list>();
                                                    });
                if (threw) return errc::callback_failed;
                if (fresh) {
                    attempt.try_keys(*fresh, /*bounded=*/true);
                    if (attempt.verified) return {};
                }
            }
        }
        if (!attempt.alg_matched) return errc::algorithm_not_allowed;
        if (!attempt.tried) return errc::key_not_found;
        return attempt.last;
    }

    /// One signature check over candidate keys: only keys of the token's algorithm; with a "kid", keys with
    /// another kid are skipped (keys without a kid are tried); from a key source, at most
    /// max_keys_without_kid keys are tried for a token that names none, so a set of many keys cannot be made
    /// to cost many signature checks per token.
    struct key_attempt {
        algorithm alg;
        std::string_view kid;
        bool has_kid;
        std::string_view signing_input;
        bytes_view signature;
        bool alg_matched = false;
        bool kid_seen = false;
        bool verified = false;
        std::size_t tried = 0;
        std::error_code last = make_error_code(errc::key_not_found);

        void try_keys(const key_list& keys, bool bounded) {
            std::size_t tried_here = 0;
            for (const auto& k : keys) {
                if (verified) return;
                if (!k || k->alg() != alg) continue;
                alg_matched = true;
                const std::string_view key_kid = k->key_id();
                if (has_kid && !key_kid.empty()) {
                    if (key_kid != kid) continue;
                    kid_seen = true;
                } else if (bounded && tried_here >= detail::max_keys_without_kid) {
                    continue;
                }
                ++tried;
                ++tried_here;
                // A verification_key of the caller's own may throw: that key counts as failed, closed.
                auto r = detail::call_user_code([&] { return k->verify(signing_input, signature); },
                                                [] { return result<void>(errc::callback_failed); });
                if (r) verified = true;
                else last = r.error();
            }
        }
    };

    result<void> check_type(const detail::header_facts& h) const {
        if (s_.ignore_type) return {};
        const bool has_typ = h.typ == detail::member_state::valid;
        if (s_.types.empty()) {
            // RFC 8725 §3.11: with no expected type, only a plain JWT (or no typ at all) is accepted, so a
            // token minted for another purpose (at+jwt, secevent+jwt, ...) is not taken for a generic one.
            if (!has_typ || detail::media_type_equal(h.typ_value, "JWT")) return {};
            return errc::type_mismatch;
        }
        if (!has_typ) return errc::type_mismatch;
        for (const auto& t : s_.types)
            if (detail::media_type_equal(h.typ_value, t)) return {};
        return errc::type_mismatch;
    }

    /// The registered claims, in basic_claims::check_registered_types order, then the time claims, then
    /// iss, aud and sub against the expectations.
    result<void> check_claims(const detail::claim_facts& c) const {
        using detail::member_state;
        if (c.iss == member_state::wrong_type || c.sub == member_state::wrong_type ||
            c.jti == member_state::wrong_type || c.aud == member_state::wrong_type)
            return errc::claim_wrong_type;
        for (const detail::date_claim* d : {&c.times.exp, &c.times.nbf, &c.times.iat})
            if (d->present && d->error) return d->error;
        if (auto r = check_times(c.times); !r) return r.error();

        if (!s_.issuers.empty()) {
            if (c.iss == member_state::absent) return errc::claim_missing;
            if (!c.iss_expected) return errc::issuer_mismatch;
        }
        if (!s_.audiences.empty()) {
            if (c.aud == member_state::absent) return errc::claim_missing;
            if (!c.aud_expected) return errc::audience_mismatch;
        } else if (!s_.ignore_audience && c.aud != member_state::absent) {
            return errc::audience_unexpected;
        }
        if (s_.has_subject) {
            if (c.sub == member_state::absent) return errc::claim_missing;
            if (!c.sub_expected) return errc::subject_mismatch;
        }
        return {};
    }

    /// exp, nbf, iat and max_age against the clock (also on every cache hit).
    result<void> check_times(const detail::time_claims& t) const {
        bool threw = false;
        const auto clock_now = detail::call_user_code([this] { return s_.clock.now(); },
                                                      [&threw] {
                                                          threw = true;
                                                          return decltype(s_.clock.now())();
                                                      });
        if (threw) return errc::callback_failed;
        const numeric_date now = std::chrono::time_point_cast<std::chrono::microseconds>(clock_now);
        const auto leeway = s_.leeway;
        if (t.exp.present) {
            if (now >= t.exp.value + leeway) return errc::token_expired;
        } else if (!s_.allow_missing_exp) {
            return errc::expiration_missing;
        }
        if (t.nbf.present && now + leeway < t.nbf.value) return errc::token_not_yet_valid;
        if (t.iat.present) {
            if (t.iat.value > now + leeway) return errc::issued_in_future;
            if (s_.has_max_age && now - t.iat.value > s_.max_age + leeway) return errc::token_too_old;
        } else if (s_.has_max_age) {
            return errc::claim_missing;
        }
        return {};
    }

    /// The checks that read the DOMs: require_claim, expect_claim, expect() predicates, then expect_token()
    /// checks. The DOMs are built here (once per token) only when the verifier has such checks. On a cache
    /// hit (`again`) only the caller's own checks run: the claim set cannot have changed, but what a
    /// predicate consults (a revocation list, say) can.
    result<void> check_with_dom(const token_type& tok, bool again) const {
        if (!again) {
            if (s_.required.empty() && s_.expected.empty() && s_.predicates.empty() && s_.token_checks.empty())
                return {};
            const auto& c = tok.claims();
            for (const auto& name : s_.required)
                if (!c.contains(name)) return errc::claim_missing;
            for (const auto& kv : s_.expected) {
                const Json* v = c.find(kv.first);
                if (!v) return errc::claim_missing;
                if (*v != kv.second) return errc::claim_mismatch;
            }
        }
        if (s_.predicates.empty() && s_.token_checks.empty()) return {};
        const auto& c = tok.claims();
        // The caller's own code: a throw rejects the token with errc::callback_failed (detail/user_code.hpp).
        for (const auto& p : s_.predicates) {
            const std::error_code ec = detail::call_user_code(
                [&] { return p(c) ? std::error_code() : make_error_code(errc::claim_predicate_failed); },
                [] { return make_error_code(errc::callback_failed); });
            if (ec) return ec;
        }
        for (const auto& check : s_.token_checks) {
            const std::error_code ec = detail::call_user_code([&] { return check(tok.header(), c); },
                                                              [] { return make_error_code(errc::callback_failed); });
            if (ec) return ec;
        }
        return {};
    }

    settings s_;
};

/// Collects keys and policy, then build() makes an immutable basic_verifier. Secure defaults: "exp"
/// required, no leeway, "aud" in a token rejected unless expected or ignored, "typ" must be absent or "JWT",
/// unknown "crit" rejected, "alg" bound to the keys.
template <class Json = nlohmann::json, class Clock = std::chrono::system_clock>
class basic_verifier_builder {
    static_assert(detail::is_jot_clock<Clock>::value,
                  "a jot clock needs now() returning a std::chrono::system_clock time point");

public:
    using verifier_type = basic_verifier<Json, Clock>;

    basic_verifier_builder() = default;

    /// Adds a key. A token is only checked with keys whose alg() equals its "alg"; when the token has a
    /// "kid", keys with a different key_id() are skipped.
    basic_verifier_builder& key(std::shared_ptr<const verification_key> k) {
        if (k) s_.keys.push_back(std::move(k));
        else if (!deferred_) deferred_ = make_error_code(errc::invalid_argument);
        return *this;
    }
    /// Adds a copy of a key object (any type derived from jot::verification_key).
    template <class Key, std::enable_if_t<std::is_base_of<verification_key, std::decay_t<Key>>::value, int> = 0>
    basic_verifier_builder& key(Key&& k) {
        return key(std::shared_ptr<const verification_key>(std::make_shared<std::decay_t<Key>>(std::forward<Key>(k))));
    }

    /// Adds every key of a list (e.g. jwk_set::keys()).
    basic_verifier_builder& keys(const key_list& list) {
        for (const auto& k : list) key(k);
        return *this;
    }
    /// Takes keys from a source asked on every verification (e.g. a rotating jwks_source), after the keys
    /// added with key(). A token whose "kid" no current key has makes the source refresh (rate-limited).
    basic_verifier_builder& key_source(std::shared_ptr<const jot::key_source> source) {
        if (source) s_.source = std::move(source);
        else if (!deferred_) deferred_ = make_error_code(errc::invalid_argument);
        return *this;
    }

    /// "iss" must equal `issuer` exactly (case-sensitive, RFC 7519 §4.1.1). Several calls accept any of them.
    basic_verifier_builder& expect_issuer(std::string issuer) {
        s_.issuers.push_back(std::move(issuer));
        return *this;
    }
    /// "aud" (a string, or an array) must contain `audience` exactly. Several calls accept any of them.
    basic_verifier_builder& expect_audience(std::string audience) {
        s_.audiences.push_back(std::move(audience));
        return *this;
    }
    basic_verifier_builder& expect_audience(std::initializer_list<std::string> any_of) {
        for (const auto& a : any_of) s_.audiences.push_back(a);
        return *this;
    }
    /// "sub" must equal `subject` exactly.
    basic_verifier_builder& expect_subject(std::string subject) {
        s_.subject = std::move(subject);
        s_.has_subject = true;
        return *this;
    }
    /// Header "typ" must equal `type` (case-insensitive, "application/" optional). Several calls accept any.
    basic_verifier_builder& expect_type(std::string type) {
        s_.types.push_back(std::move(type));
        return *this;
    }
    /// The claim must be present (any value).
    basic_verifier_builder& require_claim(std::string name) {
        s_.required.push_back(std::move(name));
        return *this;
    }
    /// The claim must be present and equal `value` (JSON equality).
    basic_verifier_builder& expect_claim(std::string name, Json value) {
        s_.expected.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    /// A check of the caller's own; returning false rejects with errc::claim_predicate_failed, throwing with
    /// errc::callback_failed. It runs after the signature and the standard claims are checked, and must be
    /// safe to call from several threads.
    basic_verifier_builder& expect(std::function<bool(const basic_claims<Json>&)> predicate) {
        s_.predicates.push_back(std::move(predicate));
        return *this;
    }
    /// A check of the caller's own over the verified header and claims, returning the error to report (an
    /// empty error_code accepts; a throw rejects with errc::callback_failed). It runs last, after every built-in check; profiles (profiles.hpp) use it.
    /// It must be safe to call from several threads.
    basic_verifier_builder& expect_token(
        std::function<std::error_code(const basic_header<Json>&, const basic_claims<Json>&)> check) {
        s_.token_checks.push_back(std::move(check));
        return *this;
    }
    /// Tolerance for exp, nbf and iat. Default 0; more than 10 minutes makes build() fail with
    /// errc::leeway_too_large, a negative value with errc::invalid_argument.
    template <class Rep, class Period>
    basic_verifier_builder& leeway(std::chrono::duration<Rep, Period> d) {
        leeway_ = std::chrono::duration_cast<std::chrono::microseconds>(d);
        return *this;
    }
    /// Rejects tokens whose "iat" is older than `d` (errc::token_too_old); makes "iat" required.
    template <class Rep, class Period>
    basic_verifier_builder& max_age(std::chrono::duration<Rep, Period> d) {
        s_.max_age = std::chrono::duration_cast<std::chrono::microseconds>(d);
        s_.has_max_age = true;
        return *this;
    }
    /// Relaxes the default that "exp" is required.
    basic_verifier_builder& allow_missing_expiration() {
        s_.allow_missing_exp = true;
        return *this;
    }
    /// Accepts a token's "aud" without checking it. Only for a verifier that expects no audience.
    basic_verifier_builder& ignore_audience() {
        s_.ignore_audience = true;
        return *this;
    }
    /// Accepts any header "typ".
    basic_verifier_builder& ignore_type() {
        s_.ignore_type = true;
        return *this;
    }
    /// The clock used for exp, nbf, iat and max_age.
    basic_verifier_builder& clock(Clock c) {
        s_.clock = std::move(c);
        return *this;
    }
    /// Size and depth limits applied before decoding.
    basic_verifier_builder& limits(decode_options o) {
        s_.decode = o;
        return *this;
    }
    /// Remembers up to `entries` accepted tokens (0, the default, keeps the cache off), so a token presented
    /// again costs a keyed hash and a lookup instead of a signature check: least recently used entries go
    /// first. On a hit the time claims are checked against the clock again and expect()/expect_token() checks
    /// run again; an expired entry is dropped. Entries are keyed by HMAC-SHA-256 of the exact token bytes
    /// under a random key of this verifier's own, so a token that differs in any byte never hits and
    /// another verifier's entries are unreachable; a key_source's key list changing empties the cache.
    /// Copies of the verifier share its cache. Security: see docs/security.md, "Verified-token cache".
    basic_verifier_builder& cache(std::size_t entries) {
        cache_entries_ = entries;
        return *this;
    }

    /// Makes the verifier. Errors: errc::no_keys, errc::leeway_too_large, errc::invalid_argument (negative
    /// leeway or max_age, a null key, expect_audience together with ignore_audience), errc::crypto_failure
    /// (no randomness for the cache key).
    result<verifier_type> build() const {
        if (deferred_) return deferred_;
        if (s_.keys.empty() && !s_.source) return errc::no_keys;
        if (leeway_ < std::chrono::microseconds::zero()) return errc::invalid_argument;
        if (leeway_ > std::chrono::minutes(10)) return errc::leeway_too_large;
        if (s_.has_max_age && s_.max_age < std::chrono::microseconds::zero()) return errc::invalid_argument;
        if (!s_.audiences.empty() && s_.ignore_audience) return errc::invalid_argument;
        auto s = s_;
        s.leeway = leeway_;
        if (cache_entries_ != 0) {
            auto cache = detail::token_cache<basic_verified_token<Json>>::make(cache_entries_);
            if (!cache) return cache.error();
            s.cache = std::move(*cache);
        }
        return verifier_type(std::move(s));
    }

private:
    typename verifier_type::settings s_;
    std::chrono::microseconds leeway_{0};
    std::size_t cache_entries_ = 0;
    std::error_code deferred_;
};

/// The verifier over nlohmann::json and the system clock.
using verifier = basic_verifier<nlohmann::json, std::chrono::system_clock>;
/// Builds a jot::verifier.
using verifier_builder = basic_verifier_builder<nlohmann::json, std::chrono::system_clock>;

} // namespace jot
