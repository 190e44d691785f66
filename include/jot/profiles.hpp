// SPDX-License-Identifier: MIT
// Verifier presets for two common token kinds: OAuth 2.0 JWT access tokens (RFC 9068) and OpenID Connect
// ID tokens (OpenID Connect Core 1.0 §3.1.3.7, with at_hash/c_hash of §3.1.3.8 and §3.3.2.11).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <openssl/evp.h>

#include "algorithm.hpp"
#include "base64url.hpp"
#include "claims.hpp"
#include "detail/openssl.hpp"
#include "error.hpp"
#include "header.hpp"
#include "verifier.hpp"

namespace jot::profiles {

/// Configures `b` for RFC 9068 access tokens: "typ" must be "at+jwt" (RFC 9068 §4), "iss" and "aud" must match,
/// and "iss", "exp", "aud", "sub", "client_id", "iat", "jti" are required (RFC 9068 §2.2), "client_id" a
/// string. "exp" stays required even if allow_missing_expiration() was called on `b`.
/// Errors (from verify): type_mismatch, issuer_mismatch, audience_mismatch, claim_missing, claim_wrong_type,
/// expiration_missing, plus every default check.
template <class Json, class Clock>
basic_verifier_builder<Json, Clock>& access_token(basic_verifier_builder<Json, Clock>& b, std::string issuer,
                                                  std::string audience) {
    b.expect_type("at+jwt").expect_issuer(std::move(issuer)).expect_audience(std::move(audience));
    b.require_claim("sub").require_claim("client_id").require_claim("iat").require_claim("jti");
    b.expect_token([](const basic_header<Json>&, const basic_claims<Json>& c) -> std::error_code {
        if (!c.contains("exp")) return errc::expiration_missing;
        if (auto id = c.template get<std::string_view>("client_id"); !id) return id.error();
        return {};
    });
    return b;
}

/// What a relying party knows when it checks an ID token.
struct id_token_options {
    std::string issuer;        ///< the OpenID Provider's issuer identifier, compared exactly
    std::string client_id;     ///< this client's id: must be in "aud", and equal "azp" when present
    std::string nonce;         ///< the nonce sent in the authentication request; empty if none was sent
    std::string access_token;  ///< the access token issued with the ID token, to check "at_hash"; may be empty
    std::string code;          ///< the authorization code issued with the ID token, to check "c_hash"; may be empty
    bool require_at_hash = false;  ///< true when the ID token came from the authorization endpoint with a token
};

namespace detail {
/// The left half of the hash of `value` that matches the JWS algorithm, base64url-encoded (OIDC §3.1.3.6:
/// SHA-256 for *256, SHA-384 for *384, SHA-512 for *512 and for EdDSA over Ed25519).
inline result<std::string> left_half_hash(std::string_view alg_name, std::string_view value) {
    auto alg = algorithm_from_string(alg_name);
    if (!alg) return alg.error();
    std::size_t hs = hash_size(*alg);
    if (*alg == algorithm::eddsa || *alg == algorithm::ed25519) hs = 64;
    const EVP_MD* md = jot::detail::sha2_md(hs);
    if (!md) return errc::unsupported_algorithm;
    jot::detail::openssl_error_scope scope;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(value.data(), value.size(), digest, &n, md, nullptr) != 1) return errc::crypto_failure;
    return base64url::encode(bytes_view(digest, n / 2));
}

template <class Json>
std::error_code check_hash_claim(const basic_header<Json>& h, const basic_claims<Json>& c, const char* name,
                                 const std::string& value, bool required) {
    if (value.empty()) return {};
    auto claimed = c.template get<std::string_view>(name);
    if (!claimed) {
        if (claimed.error() == errc::claim_missing && !required) return {};
        return claimed.error();
    }
    auto expected = left_half_hash(*h.alg(), value);
    if (!expected) return expected.error();
    if (*claimed != *expected) return errc::claim_mismatch;
    return {};
}
} // namespace detail

/// Configures `b` for OpenID Connect ID tokens (Core §3.1.3.7): "iss" exact, "aud" contains the client id,
/// "azp" required when there are several audiences and equal to the client id when present, "iat" and "sub"
/// required, "nonce" equal to the one sent (when one was sent), "at_hash"/"c_hash" checked against the
/// access token/code passed in (c_hash required when a code is given; at_hash when `require_at_hash`).
/// Errors (from verify): issuer_mismatch, audience_mismatch, claim_missing, claim_mismatch, claim_wrong_type,
/// unsupported_algorithm (Ed448 hashes), plus every default check.
template <class Json, class Clock>
basic_verifier_builder<Json, Clock>& id_token(basic_verifier_builder<Json, Clock>& b, id_token_options o) {
    b.expect_issuer(o.issuer).expect_audience(o.client_id).require_claim("sub").require_claim("iat");
    if (!o.nonce.empty()) b.expect_claim("nonce", json_traits<Json>::make_string(o.nonce));
    b.expect_token([o = std::move(o)](const basic_header<Json>& h, const basic_claims<Json>& c) -> std::error_code {
        auto aud = c.audience();
        if (!aud) return aud.error();
        auto azp = c.template get<std::string_view>("azp");
        if (azp) {
            if (*azp != o.client_id) return errc::claim_mismatch;
        } else if (azp.error() != errc::claim_missing) {
            return azp.error();
        } else if (aud->size() > 1) {
            return errc::claim_missing;
        }
        if (auto sub = c.template get<std::string_view>("sub"); !sub) return sub.error();
        if (auto ec = detail::check_hash_claim(h, c, "at_hash", o.access_token, o.require_at_hash)) return ec;
        if (auto ec = detail::check_hash_claim(h, c, "c_hash", o.code, true)) return ec;
        return {};
    });
    return b;
}

} // namespace jot::profiles
