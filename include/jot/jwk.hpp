// SPDX-License-Identifier: MIT
// JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037 §2): keys from JWKs, public JWKs from keys, RFC 7638 thumbprints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "algorithm.hpp"
#include "base64url.hpp"
#include "bytes.hpp"
#include "detail/json_get.hpp"
#include "detail/jwk_pkey.hpp"
#include "detail/openssl.hpp"
#include "error.hpp"
#include "hmac_key.hpp"
#include "private_key.hpp"
#include "public_key.hpp"
#include "result.hpp"

namespace jot {

namespace detail::jwk {

/// A JSON value of a backend jot has an adaptor for (json_traits.hpp), not JSON text.
template <class T>
using is_json_value = is_json_backend<T>;

/// What the caller will do with the key, checked against "use" and "key_ops".
enum class operation { sign, verify, sign_and_verify };

/// Longest HMAC secret read from a JWK, in octets. Longer secrets add nothing (HMAC hashes any key longer than
/// the block size) and a bound keeps a hostile document from costing memory.
inline constexpr std::size_t max_hmac_secret_octets = 8192;

/// RFC 7517 §4.2 and §4.3: "use", when present, must be "sig"; "key_ops", when present, must be an array of
/// distinct strings containing "sign" (operation::sign), "verify" (operation::verify) or either one
/// (operation::sign_and_verify: an HMAC key both signs and verifies, and a JWK limited to one of them is the
/// caller's to honour). Errors: errc::key_invalid (wrong JSON types, duplicate operations),
/// errc::key_use_mismatch.
template <class Json>
result<void> check_intent(const Json& jwk, operation op) {
    if (const Json* use = find_member(jwk, "use")) {
        if (!json_is_string(*use)) return errc::key_invalid;
        if (json_string(*use) != "sig") return errc::key_use_mismatch;
    }
    if (const Json* ops = find_member(jwk, "key_ops")) {
        if (!json_is_array(*ops)) return errc::key_invalid;
        std::vector<std::string_view> seen;
        bool sign = false, verify = false;
        const bool distinct_strings = json_all_of(*ops, [&](const Json& o) {
            if (!json_is_string(o)) return false;
            const std::string_view v = json_string(o);
            for (std::string_view earlier : seen)
                if (earlier == v) return false; // RFC 7517 §4.3: no duplicate values
            seen.push_back(v);
            sign = sign || v == "sign";
            verify = verify || v == "verify";
            return true;
        });
        if (!distinct_strings) return errc::key_invalid;
        const bool allowed = op == operation::sign     ? sign
                             : op == operation::verify ? verify
                                                       : sign || verify;
        if (!allowed) return errc::key_use_mismatch;
    }
    return {};
}

/// True when a key of type `kty` (and curve `c`, for EC and OKP) can be used with `a`.
inline bool algorithm_fits(algorithm a, key_type kty, const curve* c) noexcept {
    switch (kty) {
    case key_type::rsa: return family_of(a) == algorithm_family::rsa_pkcs1 || family_of(a) == algorithm_family::rsa_pss;
    case key_type::ec: return c && family_of(a) == algorithm_family::ecdsa && c->alg == a;
    case key_type::okp:
        return c && (a == algorithm::eddsa || (a == algorithm::ed25519 && c->jose_name == "Ed25519") ||
                     (a == algorithm::ed448 && c->jose_name == "Ed448"));
    case key_type::oct: return family_of(a) == algorithm_family::hmac;
    }
    return false;
}

/// The algorithm a key from `jwk` is bound to. The JWK's "alg" (RFC 7517 §4.4), when present, must equal
/// `requested` when both are given; with neither, the algorithm is inferred only where a single one fits
/// (EC: the curve's ES*, OKP: EdDSA) and RSA and oct keys need the caller to say (RS* or PS*? which HS*?).
/// Errors: errc::key_invalid ("alg" not a string), errc::key_algorithm_mismatch ("alg" differs from
/// `requested`, names no JWS algorithm jot implements, or does not fit the key type or curve),
/// errc::invalid_argument (RSA or oct key and no algorithm from either side).
template <class Json>
result<algorithm> choose_algorithm(const Json& jwk, key_type kty, const curve* c, std::optional<algorithm> requested) {
    std::optional<algorithm> declared;
    if (const Json* a = find_member(jwk, "alg")) {
        if (!json_is_string(*a)) return errc::key_invalid;
        auto parsed = algorithm_from_string(json_string(*a));
        if (!parsed) return errc::key_algorithm_mismatch; // e.g. "RSA-OAEP", "A128KW", "none"
        declared = *parsed;
    }
    if (requested && declared && *requested != *declared) return errc::key_algorithm_mismatch;
    std::optional<algorithm> chosen = requested ? requested : declared;
    if (!chosen) {
        if (kty == key_type::rsa || kty == key_type::oct || !c) return errc::invalid_argument;
        chosen = c->alg;
    }
    if (!algorithm_fits(*chosen, kty, c)) return errc::key_algorithm_mismatch;
    return *chosen;
}

/// The "kid" member (RFC 7517 §4.5), empty when absent. Errors: errc::key_invalid (not a string).
template <class Json>
result<std::string> read_kid(const Json& jwk) {
    const Json* k = find_member(jwk, "kid");
    if (!k) return std::string();
    if (!json_is_string(*k)) return errc::key_invalid;
    return std::string(json_string(*k));
}

/// What every import checks before any key material is read.
struct import_plan {
    algorithm alg;
    std::string kid;
};

/// The common checks of an asymmetric import: an object, a known "kty" other than "oct", a known "crv", the
/// intent, the algorithm and the "kid". Errors: see public_key_from_jwk.
template <class Json>
result<import_plan> plan_asymmetric(const Json& jwk, operation op, std::optional<algorithm> requested) {
    if (!json_is_object(jwk)) return errc::key_invalid;
    auto kty = read_key_type(jwk);
    if (!kty) return kty.error();
    if (*kty == key_type::oct) return errc::key_algorithm_mismatch;
    const curve* c = nullptr;
    if (*kty != key_type::rsa) {
        auto found = read_curve(jwk, *kty);
        if (!found) return found.error();
        c = *found;
    }
    if (auto r = check_intent(jwk, op); !r) return r.error();
    auto alg = choose_algorithm(jwk, *kty, c, requested);
    if (!alg) return alg.error();
    auto kid = read_kid(jwk);
    if (!kid) return kid.error();
    return import_plan{*alg, std::move(*kid)};
}

/// SHA-256 of `text`, base64url-encoded (RFC 7638 §3.1 step 3 and 4). Errors: errc::crypto_failure.
inline result<std::string> sha256_b64(std::string_view text) {
    openssl_error_scope scope;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD* sha256 = sha2_md(32);
    if (!sha256 || EVP_Digest(text.data(), text.size(), md, &len, sha256, nullptr) != 1) return errc::crypto_failure;
    return base64url::encode(bytes_view(md, len));
}

/// The RFC 7638 §3.2 JSON text of (name, value) pairs already sorted by name, whose values need no escaping.
inline std::string thumbprint_input(const std::vector<std::pair<std::string, std::string>>& members) {
    std::string out = "{";
    for (const auto& [name, value] : members) {
        if (out.size() > 1) out += ',';
        out += '"';
        out += name;
        out += "\":\"";
        out += value;
        out += '"';
    }
    out += '}';
    return out;
}

/// The canonical value of a base64url member for a thumbprint: canonical base64url, not empty and, for the
/// RSA integers (`strip_zeros`), without leading zero octets (RFC 7638 §3.3: "n" and "e" in their minimal form).
/// Errors: errc::key_invalid.
template <class Json>
result<std::string> canonical_b64(const Json& jwk, std::string_view name, bool strip_zeros) {
    auto o = read_octets(jwk, name, max_rsa_modulus_octets + max_hmac_secret_octets);
    if (!o) return o.error();
    std::size_t skip = 0;
    if (strip_zeros)
        while (skip + 1 < o->size() && o->data()[skip] == 0) ++skip;
    return base64url::encode(bytes_view(o->data() + skip, o->size() - skip));
}

} // namespace detail::jwk

/// Makes a public_key from a JWK (RFC 7517 §4, RFC 7518 §6.2-6.3, RFC 8037 §2): "kty" RSA ("n", "e"), EC ("crv"
/// P-256, P-384, P-521 or secp256k1; "x", "y" each exactly the coordinate size) or OKP ("crv" Ed25519 or Ed448;
/// "x"). Private members, if any, are ignored. Members are strict: present where required, strings, canonical
/// unpadded base64url; EC points must lie on the curve.
///
/// The algorithm: the JWK's "alg", if present, must equal `alg`, if given; with neither, it is inferred only where
/// one algorithm fits (EC: ES256/ES384/ES512/ES256K by curve; OKP: EdDSA). An RSA key needs one of them, since
/// it could serve RS* or PS*. "use", if present, must be "sig" and "key_ops", if present, must contain "verify".
/// "kid" becomes the key's kid. With "x5c", the first certificate must hold the same key (RFC 7517 §4.7); the
/// chain is not validated (jot decides no trust in certificates).
///
/// Errors: errc::key_invalid (not an object, unknown "kty" or "crv", a member missing, of the wrong type, not
/// canonical base64url or of the wrong size, a point not on the curve, an x5c that does not match),
/// errc::key_algorithm_mismatch ("kty":"oct", X25519/X448, an "alg" that differs from `alg` or does not fit the
/// key), errc::key_use_mismatch, errc::invalid_argument (RSA key and no algorithm), errc::key_too_weak (e.g. an
/// RSA modulus under 2048 bits), errc::key_not_canonical and errc::key_small_order (an OKP "x" that is not a
/// canonical encoding, or is a point of small order: see public_key), errc::crypto_failure.
template <class Json>
result<public_key> public_key_from_jwk(const Json& jwk, std::optional<algorithm> alg = {}) {
    static_assert(detail::jwk::is_json_value<Json>::value,
                  "public_key_from_jwk takes a parsed JSON object (e.g. nlohmann::json), not JSON text");
    auto plan = detail::jwk::plan_asymmetric(jwk, detail::jwk::operation::verify, alg);
    if (!plan) return plan.error();
    auto pkey = detail::jwk::pkey_from_jwk(jwk, detail::jwk::part::public_key);
    if (!pkey) return pkey.error();
    if (auto r = detail::jwk::check_x5c(jwk, pkey->get()); !r) return r.error();
    return public_key::from_pkey(plan->alg, std::move(*pkey), std::move(plan->kid));
}

/// Makes a private_key from a private JWK: the members public_key_from_jwk reads plus "d" (RFC 7518 §6.2.2.1:
/// exactly the size of the curve order for EC; RFC 8037 §2 for OKP, whose "x" must be the public key of "d").
/// RSA: either all of "p", "q", "dp", "dq", "qi" or none (RFC 7518 §6.3.2); with none they are recovered from
/// n, e and d, so the key signs at full speed. The members are checked against each other (p·q = n, the CRT
/// values, d·G = (x, y)); multi-prime keys ("oth") are not supported. "key_ops", if present, must contain "sign";
/// the rest is as for public_key_from_jwk.
/// Security: the private members are decoded into memory that is wiped after use; the JSON value itself is
/// the caller's to clear.
/// Errors: those of public_key_from_jwk, and errc::key_not_private (no "d").
template <class Json>
result<private_key> private_key_from_jwk(const Json& jwk, std::optional<algorithm> alg = {}) {
    static_assert(detail::jwk::is_json_value<Json>::value,
                  "private_key_from_jwk takes a parsed JSON object (e.g. nlohmann::json), not JSON text");
    auto plan = detail::jwk::plan_asymmetric(jwk, detail::jwk::operation::sign, alg);
    if (!plan) return plan.error();
    auto pkey = detail::jwk::pkey_from_jwk(jwk, detail::jwk::part::private_key);
    if (!pkey) return pkey.error();
    if (auto r = detail::jwk::check_x5c(jwk, pkey->get()); !r) return r.error();
    return private_key::from_pkey(plan->alg, std::move(*pkey), std::move(plan->kid));
}

/// Makes an hmac_key from a symmetric JWK (RFC 7518 §6.4: "kty":"oct", the secret in "k"). The algorithm (HS256,
/// HS384 or HS512) comes from `alg` or the JWK's "alg", which must agree when both are present; one of them is
/// required. "use", if present, must be "sig"; "key_ops", if present, must contain "sign" or "verify" (an
/// hmac_key does both; a JWK restricted to one is the caller's to honour).
/// Errors: errc::key_invalid (not an object, "k" missing, not a string, not canonical base64url, or longer than
/// 8192 octets), errc::key_algorithm_mismatch (another "kty", or an "alg" that is not HS* or differs from
/// `alg`, e.g. "A128KW"), errc::key_use_mismatch, errc::invalid_argument (no algorithm), errc::key_too_short
/// (shorter than the hash output, RFC 7518 §3.2; an empty "k" included), errc::crypto_failure.
template <class Json>
result<hmac_key> hmac_key_from_jwk(const Json& jwk, std::optional<algorithm> alg = {}) {
    static_assert(detail::jwk::is_json_value<Json>::value,
                  "hmac_key_from_jwk takes a parsed JSON object (e.g. nlohmann::json), not JSON text");
    using namespace detail::jwk;
    if (!detail::json_is_object(jwk)) return errc::key_invalid;
    auto kty = read_key_type(jwk);
    if (!kty) return kty.error();
    if (*kty != key_type::oct) return errc::key_algorithm_mismatch;
    if (auto r = check_intent(jwk, operation::sign_and_verify); !r) return r.error();
    auto chosen = choose_algorithm(jwk, key_type::oct, nullptr, alg);
    if (!chosen) return chosen.error();
    auto kid = read_kid(jwk);
    if (!kid) return kid.error();
    std::string_view k;
    if (detail::find_string_member(jwk, "k", k) && k.empty()) return errc::key_too_short;
    auto secret = read_octets(jwk, "k", max_hmac_secret_octets);
    if (!secret) return secret.error();
    return hmac_key::create(*chosen, secret->view(), std::move(*kid));
}

/// The public JWK of a key: "kty" and its public members (RSA "n", "e"; EC "crv", "x", "y" with the coordinates
/// left-padded to the curve size; OKP "crv", "x"), plus "alg" (the key's algorithm), "kid" when the key has one,
/// and "use":"sig" (for consumers that select JWKS entries by "use"). Never any private member.
/// Errors: errc::key_invalid (a key JWK cannot describe), errc::crypto_failure.
template <class Json = nlohmann::json>
result<Json> to_jwk(const public_key& key) {
    static_assert(detail::jwk::is_json_value<Json>::value, "to_jwk produces a JSON type like nlohmann::json");
    auto members = detail::jwk::public_members(key.native_handle());
    if (!members) return members.error();
    using traits = json_traits<Json>;
    Json out = traits::make_object();
    for (auto& [name, value] : *members) traits::set_member(out, name, traits::make_string(value));
    traits::set_member(out, "alg", traits::make_string(to_string(key.alg())));
    if (!key.key_id().empty()) traits::set_member(out, "kid", traits::make_string(key.key_id()));
    traits::set_member(out, "use", traits::make_string("sig"));
    return out;
}

/// The symmetric JWK of an HMAC key (RFC 7518 §6.4): "kty":"oct", "k", "alg", "kid" when set, "use":"sig".
/// Security: the result holds the secret; treat it like the key itself. Errors: none in practice (the result
/// type leaves room for a JSON type whose allocation reports failure).
template <class Json = nlohmann::json>
result<Json> to_jwk(const hmac_key& key) {
    static_assert(detail::jwk::is_json_value<Json>::value, "to_jwk produces a JSON type like nlohmann::json");
    using traits = json_traits<Json>;
    Json out = traits::make_object();
    traits::set_member(out, "kty", traits::make_string(detail::jwk_name(detail::jwk_key_type::oct)));
    traits::set_member(out, "k", traits::make_string(base64url::encode(key.secret())));
    traits::set_member(out, "alg", traits::make_string(to_string(key.alg())));
    if (!key.key_id().empty()) traits::set_member(out, "kid", traits::make_string(key.key_id()));
    traits::set_member(out, "use", traits::make_string("sig"));
    return out;
}

/// The RFC 7638 JWK thumbprint with SHA-256, base64url-encoded: the hash of a JSON object holding only the
/// required members of the key type (RSA "e", "kty", "n"; EC "crv", "kty", "x", "y"; OKP "crv", "kty", "x"
/// (RFC 8037 §2); oct "k", "kty"), in that lexicographic order, without whitespace (RFC 7638 §3). Other members
/// ("alg", "kid", private ones) do not change it. RSA integers are hashed in their minimal form (RFC 7638 §3.3),
/// so a JWK whose "n" carries a leading zero octet has the thumbprint of the same key written canonically.
/// Usable as a "kid" (RFC 7638 §1). The key is not otherwise validated (the point, the curve size).
/// Errors: errc::key_invalid (not an object, unknown "kty", a required member missing, not a string, not
/// canonical base64url, or a "crv" that is not a plain name), errc::crypto_failure.
template <class Json>
result<std::string> jwk_thumbprint(const Json& jwk) {
    static_assert(detail::jwk::is_json_value<Json>::value,
                  "jwk_thumbprint takes a parsed JSON object (e.g. nlohmann::json) or a jot::public_key");
    using namespace detail::jwk;
    if (!detail::json_is_object(jwk)) return errc::key_invalid;
    auto kty = read_key_type(jwk);
    if (!kty) return kty.error();
    std::vector<std::pair<std::string, std::string>> m;
    auto add = [&](const char* name, bool strip_zeros) -> result<void> {
        auto v = canonical_b64(jwk, name, strip_zeros);
        if (!v) return v.error();
        m.emplace_back(name, std::move(*v));
        return {};
    };
    auto add_crv = [&]() -> result<void> {
        std::string_view s;
        if (!detail::find_string_member(jwk, "crv", s)) return errc::key_invalid;
        // Registered curve names need no JSON escaping; anything else could not be hashed canonically as is.
        if (s.empty()) return errc::key_invalid;
        for (char ch : s)
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '_' || ch == '.'))
                return errc::key_invalid;
        m.emplace_back("crv", std::string(s.data(), s.size()));
        return {};
    };
    result<void> r;
    switch (*kty) {
    case key_type::rsa:
        if (!(r = add("e", true))) return r.error();
        m.emplace_back("kty", jwk_name(key_type::rsa));
        if (!(r = add("n", true))) return r.error();
        break;
    case key_type::ec:
        if (!(r = add_crv())) return r.error();
        m.emplace_back("kty", jwk_name(key_type::ec));
        if (!(r = add("x", false)) || !(r = add("y", false))) return r.error();
        break;
    case key_type::okp:
        if (!(r = add_crv())) return r.error();
        m.emplace_back("kty", jwk_name(key_type::okp));
        if (!(r = add("x", false))) return r.error();
        break;
    case key_type::oct:
        if (!(r = add("k", false))) return r.error();
        m.emplace_back("kty", jwk_name(key_type::oct));
        break;
    }
    return sha256_b64(thumbprint_input(m));
}

/// The RFC 7638 SHA-256 thumbprint of a public key: equal to jwk_thumbprint(to_jwk(key)).
/// Errors: errc::key_invalid (a key JWK cannot describe), errc::crypto_failure.
inline result<std::string> jwk_thumbprint(const public_key& key) {
    auto members = detail::jwk::public_members(key.native_handle());
    if (!members) return members.error();
    return detail::jwk::sha256_b64(detail::jwk::thumbprint_input(*members));
}

} // namespace jot
