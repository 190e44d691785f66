// SPDX-License-Identifier: MIT
// The verifier builder: keys and policy in, an immutable thread-safe jot::verifier out (RFC 8725 defaults).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "claims.hpp"
#include "clock.hpp"
#include "detail/token_cache.hpp"
#include "detail/verifier_settings.hpp"
#include "error.hpp"
#include "header.hpp"
#include "jti_store.hpp"
#include "key_source.hpp"
#include "result.hpp"
#include "signer.hpp"
#include "token.hpp"

namespace jot {

template <class Json, class Clock>
class basic_verifier;

/// How far a token's "nbf" or "iat" may be ahead of the verifier's clock by default. Two hosts' clocks always
/// differ a little, and a token checked the instant it was issued by a host whose clock runs a fraction of a
/// second ahead would otherwise be refused: the outage reported against other JWT libraries again and again.
/// Accepting a genuine token up to a minute early costs no security (it is authentic, and it expires as
/// before); 60 s is what Nimbus JOSE+JWT and Spring Security allow. The expiry side keeps 0 by default.
inline constexpr std::chrono::seconds default_future_leeway{60};

/// Collects keys and policy, then build() makes an immutable basic_verifier. Secure defaults: "exp"
/// required, no leeway past "exp", 60 s for "nbf"/"iat" ahead of the clock (default_future_leeway), "aud" in
/// a token rejected unless expected or ignored, "typ" must be absent or "JWT",
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
    // Custom checks. require_claim, expect_claim, expect and expect_token are one family
    // (detail::verifier_settings::check): they run in the order they were added, after every built-in check,
    // on every verification and on every cache hit alike; a throw from any of them rejects the token with
    // errc::callback_failed. They read the claims DOM, so a verifier with any of them builds it.

    /// The claim must be present, whatever its value (errc::claim_missing).
    basic_verifier_builder& require_claim(std::string name) {
        s_.checks.push_back([name = std::move(name)](const basic_header<Json>&, const basic_claims<Json>& c) {
            return c.contains(name) ? std::error_code() : make_error_code(errc::claim_missing);
        });
        return *this;
    }
    /// The claim must be present (errc::claim_missing) and equal `value` by JSON equality
    /// (errc::claim_mismatch).
    basic_verifier_builder& expect_claim(std::string name, Json value) {
        s_.checks.push_back([name = std::move(name), value = std::move(value)](const basic_header<Json>&,
                                                                             const basic_claims<Json>& c) {
            const Json* v = c.find(name);
            if (!v) return make_error_code(errc::claim_missing);
            return json_traits<Json>::equal(*v, value) ? std::error_code() : make_error_code(errc::claim_mismatch);
        });
        return *this;
    }
    /// A check of the caller's own; returning false rejects with errc::claim_predicate_failed, throwing with
    /// errc::callback_failed. It runs after the signature and the standard claims are checked, and must be
    /// safe to call from several threads.
    basic_verifier_builder& expect(std::function<bool(const basic_claims<Json>&)> predicate) {
        if (!predicate) return misuse();
        s_.checks.push_back([p = std::move(predicate)](const basic_header<Json>&, const basic_claims<Json>& c) {
            return p(c) ? std::error_code() : make_error_code(errc::claim_predicate_failed);
        });
        return *this;
    }
    /// A check of the caller's own over the verified header and claims, returning the error to report (an
    /// empty error_code accepts; a throw rejects with errc::callback_failed). It runs last, after every built-in check; profiles (profiles.hpp) use it.
    /// It must be safe to call from several threads.
    basic_verifier_builder& expect_token(
        std::function<std::error_code(const basic_header<Json>&, const basic_claims<Json>&)> check) {
        if (!check) return misuse();
        s_.checks.push_back(std::move(check));
        return *this;
    }
    /// Sets both tolerances to `d`, exactly: how long past "exp" a token still passes (expiry_leeway) and how
    /// far "nbf" and "iat" may be ahead of the clock (future_leeway). Without it: 0 and default_future_leeway.
    /// More than 10 minutes makes build() fail with errc::leeway_too_large, a negative value with
    /// errc::invalid_argument.
    template <class Rep, class Period>
    basic_verifier_builder& leeway(std::chrono::duration<Rep, Period> d) {
        expiry_leeway_ = future_leeway_ = std::chrono::duration_cast<std::chrono::microseconds>(d);
        return *this;
    }
    /// How long past "exp" (and past max_age) a token still passes. Default 0. Limits as leeway().
    template <class Rep, class Period>
    basic_verifier_builder& expiry_leeway(std::chrono::duration<Rep, Period> d) {
        expiry_leeway_ = std::chrono::duration_cast<std::chrono::microseconds>(d);
        return *this;
    }
    /// How far "nbf" and "iat" may be ahead of the clock (errc::token_not_yet_valid, errc::issued_in_future
    /// beyond it). Default default_future_leeway (60 s). Limits as leeway().
    template <class Rep, class Period>
    basic_verifier_builder& future_leeway(std::chrono::duration<Rep, Period> d) {
        future_leeway_ = std::chrono::duration_cast<std::chrono::microseconds>(d);
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
    /// first. On a hit the time claims are checked against the clock again, the custom checks (require_claim,
    /// expect_claim, expect, expect_token) run again and a revocation() store is asked again; an expired entry
    /// is dropped. Entries are keyed by HMAC-SHA-256 of the exact token bytes
    /// under a random key of this verifier's own, so a token that differs in any byte never hits and
    /// another verifier's entries are unreachable; a key_source's key list changing empties the cache.
    /// Copies of the verifier share its cache. Security: see docs/security.md, "Verified-token cache".
    basic_verifier_builder& cache(std::size_t entries) {
        cache_entries_ = entries;
        return *this;
    }

    /// Refuses tokens whose "jti" `store` holds as revoked under `options.purpose` (errc::token_revoked). The
    /// store is asked after the signature, the time claims and every other check pass, so a forged or expired
    /// token never costs a store round trip, and again on every cache hit, so a revocation made by another
    /// instance is never hidden by the cache. When the store fails (or throws), `options.on_failure` decides:
    /// store_failure::reject (the default) fails closed with errc::jti_store_unavailable. Tokens without "jti"
    /// cannot be revoked: add require_jti(). A null store makes build() fail with errc::invalid_argument.
    basic_verifier_builder& revocation(std::shared_ptr<jti_store> store, revocation_options options = {}) {
        if (!store && !deferred_) deferred_ = make_error_code(errc::invalid_argument);
        s_.revocation = std::move(store);
        s_.revocation_opts = std::move(options);
        return *this;
    }
    /// "jti" must be present (errc::claim_missing), so that every accepted token can be revoked (RFC 7519 §4.1.7).
    basic_verifier_builder& require_jti() {
        s_.require_jti = true;
        return *this;
    }

    /// Makes the verifier. Errors: errc::no_keys, errc::leeway_too_large, errc::invalid_argument (negative
    /// leeway or max_age, a null key or store, an empty predicate or hook, expect_audience together with
    /// ignore_audience), errc::crypto_failure (no randomness for the cache key).
    result<verifier_type> build() const {
        if (deferred_) return deferred_;
        if (s_.keys.empty() && !s_.source) return errc::no_keys;
        for (const auto l : {expiry_leeway_, future_leeway_}) {
            if (l < std::chrono::microseconds::zero()) return errc::invalid_argument;
            if (l > std::chrono::minutes(10)) return errc::leeway_too_large;
        }
        if (s_.has_max_age && s_.max_age < std::chrono::microseconds::zero()) return errc::invalid_argument;
        if (!s_.audiences.empty() && s_.ignore_audience) return errc::invalid_argument;
        auto s = s_;
        s.expiry_leeway = expiry_leeway_;
        s.future_leeway = future_leeway_;
        if (cache_entries_ != 0) {
            auto cache = detail::token_cache<basic_verified_token<Json>>::make(cache_entries_);
            if (!cache) return cache.error();
            s.cache = std::move(*cache);
        }
        return verifier_type(std::move(s));
    }

private:
    basic_verifier_builder& misuse() {
        if (!deferred_) deferred_ = make_error_code(errc::invalid_argument);
        return *this;
    }

    detail::verifier_settings<Json, Clock> s_;
    std::chrono::microseconds expiry_leeway_{0};
    std::chrono::microseconds future_leeway_{default_future_leeway};
    std::size_t cache_entries_ = 0;
    std::error_code deferred_;
};

/// Builds a jot::verifier.
using verifier_builder = basic_verifier_builder<nlohmann::json, std::chrono::system_clock>;

} // namespace jot

// build() makes a basic_verifier, so the verifier comes with the builder (verifier.hpp includes this header
// first; #pragma once makes the pair safe in either order).
#include "verifier.hpp"
