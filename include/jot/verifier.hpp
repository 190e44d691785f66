// SPDX-License-Identifier: MIT
// The fluent verifier: keys and policy in, an immutable thread-safe verifier out, verified tokens from it.
#pragma once

#include <chrono>
#include <cstdint>
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

/// Header parameters registered by RFC 7515 §4.1; "crit" may not name them (RFC 7515 §4.1.11).
inline bool is_registered_header_name(std::string_view n) noexcept {
    for (std::string_view r : {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"})
        if (n == r) return true;
    return false;
}

/// Most keys of a key source tried for a token without "kid" (a token with one is checked only against keys
/// with that kid, and keys without any).
inline constexpr std::size_t max_keys_without_kid = 4;

/// Longest signature jot decodes: an RSA-8192 signature. Longer is rejected before decoding.
inline constexpr std::size_t max_signature_octets = 1024;

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
    /// claim_mismatch, claim_predicate_failed.
    result<token_type> verify(std::string_view token) const {
        auto parts = detail::split_compact(token, s_.decode, /*allow_empty_signature=*/true);
        if (!parts) return parts.error();

        auto hjson = detail::decode_json_segment<Json>(parts->header, s_.decode);
        if (!hjson) return hjson.error();
        auto hdr = basic_header<Json>::from_json(std::move(*hjson));
        if (!hdr) return hdr.error();
        if (auto r = hdr->check_registered_types(); !r) return r.error();
        auto alg = algorithm_from_string(*hdr->alg());
        if (!alg) return alg.error();
        if (auto r = check_crit(*hdr); !r) return r.error();

        if (auto r = check_signature(*parts, *hdr, *alg); !r) return r.error();

        auto pjson = detail::decode_json_segment<Json>(parts->payload, s_.decode);
        if (!pjson) return pjson.error();
        auto cl = basic_claims<Json>::from_json(std::move(*pjson));
        if (!cl) return cl.error();
        if (auto r = check_type(*hdr); !r) return r.error();
        if (auto r = check_claims(*cl); !r) return r.error();
        for (const auto& check : s_.token_checks)
            if (std::error_code ec = check(*hdr, *cl)) return ec;
        return detail::verified_token_access::make<Json>(std::move(*hdr), std::move(*cl), *alg);
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
    };

    explicit basic_verifier(settings s) : s_(std::move(s)) {}

    result<void> check_crit(const basic_header<Json>& h) const {
        if (!h.contains("crit")) return {};
        auto names = h.critical();
        if (!names || names->empty()) return errc::crit_invalid;
        for (std::string_view n : *names)
            if (detail::is_registered_header_name(n) || !h.contains(n)) return errc::crit_invalid;
        // A syntactically valid "crit" names extensions that the recipient must understand; jot implements
        // none (RFC 7797 "b64" included), so it must reject the token (RFC 7515 §4.1.11).
        return errc::crit_unsupported;
    }

    result<void> check_signature(const detail::compact_parts& p, const basic_header<Json>& h, algorithm alg) const {
        // Only "alg":"none" may have an empty signature, and it was refused before we got here.
        if (p.signature.empty()) return errc::empty_segment;
        if (p.signature.size() > base64url::encoded_size(detail::max_signature_octets))
            return errc::signature_length_invalid;
        std::uint8_t sig[detail::max_signature_octets];
        auto n = base64url::decode_into(p.signature, sig);
        if (!n) return n.error();
        const bytes_view sv(sig, *n);

        auto kid_r = h.key_id();
        const std::string_view kid = kid_r ? *kid_r : std::string_view();
        key_attempt attempt{alg, kid, kid_r.has_value(), p.signing_input, sv};
        attempt.try_keys(s_.keys, /*bounded=*/false);
        if (attempt.verified) return {};
        if (s_.source) {
            attempt.try_keys(*s_.source->current_keys(), /*bounded=*/true);
            if (attempt.verified) return {};
            // A kid no current key has may be a rotation the source has not seen yet (RFC 7517 §4.5).
            if (attempt.has_kid && !attempt.kid_seen) {
                if (auto fresh = s_.source->refresh_for_unknown_kid(kid)) {
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
                auto r = k->verify(signing_input, signature);
                if (r) verified = true;
                else last = r.error();
            }
        }
    };

    result<void> check_type(const basic_header<Json>& h) const {
        if (s_.ignore_type) return {};
        auto typ = h.type();
        if (s_.types.empty()) {
            // RFC 8725 §3.11: with no expected type, only a plain JWT (or no typ at all) is accepted, so a
            // token minted for another purpose (at+jwt, secevent+jwt, ...) is not taken for a generic one.
            if (!typ || detail::media_type_equal(*typ, "JWT")) return {};
            return errc::type_mismatch;
        }
        if (!typ) return errc::type_mismatch;
        for (const auto& t : s_.types)
            if (detail::media_type_equal(*typ, t)) return {};
        return errc::type_mismatch;
    }

    result<void> check_claims(const basic_claims<Json>& c) const {
        if (auto r = c.check_registered_types(); !r) return r.error();
        const numeric_date now = std::chrono::time_point_cast<std::chrono::microseconds>(s_.clock.now());
        const auto leeway = s_.leeway;

        if (auto exp = c.expires_at()) {
            if (now >= *exp + leeway) return errc::token_expired;
        } else if (!s_.allow_missing_exp) {
            return errc::expiration_missing;
        }
        if (auto nbf = c.not_before())
            if (now + leeway < *nbf) return errc::token_not_yet_valid;
        if (auto iat = c.issued_at()) {
            if (*iat > now + leeway) return errc::issued_in_future;
            if (s_.has_max_age && now - *iat > s_.max_age + leeway) return errc::token_too_old;
        } else if (s_.has_max_age) {
            return errc::claim_missing;
        }

        if (!s_.issuers.empty()) {
            auto iss = c.issuer();
            if (!iss) return errc::claim_missing;
            if (!contains(s_.issuers, *iss)) return errc::issuer_mismatch;
        }
        if (!s_.audiences.empty()) {
            auto aud = c.audience();
            if (!aud) return errc::claim_missing;
            bool any = false;
            for (std::string_view a : *aud) any = any || contains(s_.audiences, a);
            if (!any) return errc::audience_mismatch;
        } else if (!s_.ignore_audience && c.contains("aud")) {
            return errc::audience_unexpected;
        }
        if (s_.has_subject) {
            auto sub = c.subject();
            if (!sub) return errc::claim_missing;
            if (*sub != s_.subject) return errc::subject_mismatch;
        }
        for (const auto& name : s_.required)
            if (!c.contains(name)) return errc::claim_missing;
        for (const auto& kv : s_.expected) {
            const Json* v = c.find(kv.first);
            if (!v) return errc::claim_missing;
            if (*v != kv.second) return errc::claim_mismatch;
        }
        for (const auto& p : s_.predicates)
            if (!p(c)) return errc::claim_predicate_failed;
        return {};
    }

    static bool contains(const std::vector<std::string>& set, std::string_view v) noexcept {
        for (const auto& s : set)
            if (s == v) return true; // exact, byte for byte: no case folding, no prefix match
        return false;
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
    /// A check of the caller's own; returning false rejects with errc::claim_predicate_failed. It runs after
    /// the signature and the standard claims are checked, and must be safe to call from several threads.
    basic_verifier_builder& expect(std::function<bool(const basic_claims<Json>&)> predicate) {
        s_.predicates.push_back(std::move(predicate));
        return *this;
    }
    /// A check of the caller's own over the verified header and claims, returning the error to report (an
    /// empty error_code accepts). It runs last, after every built-in check; profiles (profiles.hpp) use it.
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

    /// Makes the verifier. Errors: errc::no_keys, errc::leeway_too_large, errc::invalid_argument (negative
    /// leeway or max_age, a null key, expect_audience together with ignore_audience).
    result<verifier_type> build() const {
        if (deferred_) return deferred_;
        if (s_.keys.empty() && !s_.source) return errc::no_keys;
        if (leeway_ < std::chrono::microseconds::zero()) return errc::invalid_argument;
        if (leeway_ > std::chrono::minutes(10)) return errc::leeway_too_large;
        if (s_.has_max_age && s_.max_age < std::chrono::microseconds::zero()) return errc::invalid_argument;
        if (!s_.audiences.empty() && s_.ignore_audience) return errc::invalid_argument;
        auto s = s_;
        s.leeway = leeway_;
        return verifier_type(std::move(s));
    }

private:
    typename verifier_type::settings s_;
    std::chrono::microseconds leeway_{0};
    std::error_code deferred_;
};

/// The verifier over nlohmann::json and the system clock.
using verifier = basic_verifier<nlohmann::json, std::chrono::system_clock>;
/// Builds a jot::verifier.
using verifier_builder = basic_verifier_builder<nlohmann::json, std::chrono::system_clock>;

} // namespace jot
