// SPDX-License-Identifier: MIT
// jot::public_key: an RSA, EC or EdDSA public key bound to one JWS algorithm, for verifying (RFC 7518 §3, RFC 8037).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include "algorithm.hpp"
#include "bytes.hpp"
#include "detail/openssl.hpp"
#include "detail/pkey.hpp"
#include "error.hpp"
#include "evp_pkey.hpp"
#include "result.hpp"
#include "signer.hpp"

namespace jot {

/// A public key bound to one of RS256/384/512, PS256/384/512, ES256/384/512, ES256K, EdDSA, Ed25519 or Ed448;
/// it verifies that algorithm only. The key is parsed and checked once, when it is made:
/// - RS* and PS*: an RSA key ("rsaEncryption"; keys restricted to RSASSA-PSS by an id-RSASSA-PSS
///   SubjectPublicKeyInfo are refused with errc::key_algorithm_mismatch), modulus of 2048 bits or more
///   (RFC 7518 §3.3, §3.5) and at most 8192 bits, public exponent odd and at least 65537 (NIST SP 800-56B
///   asks e > 2^16; e = 3 keys are refused with errc::key_too_weak).
/// - ES256/ES384/ES512/ES256K: an EC key on P-256/P-384/P-521/secp256k1 respectively, a valid point.
/// - EdDSA: an Ed25519 or Ed448 key; Ed25519 and Ed448 (RFC 9864): only that curve. The public key must be
///   canonically encoded (errc::key_not_canonical: y >= p, or x = 0 with the sign bit set, RFC 8032 §5.1.3,
///   §5.2.3), a point on the curve (errc::key_invalid) and not of small order (errc::key_small_order: the
///   neutral point and the other points of order 2, 4 or 8, under which anyone could forge; RFC 8725 §3.4).
///   A non-canonical encoding of a small-order point is errc::key_not_canonical.
/// A const public_key is safe to use from many threads at once; copies share the parsed key.
class public_key final : public verification_key {
public:
    /// Reads a SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"), a PKCS#1 "BEGIN RSA PUBLIC KEY", or an X.509
    /// certificate PEM ("BEGIN CERTIFICATE"), whose public key is taken. Security: the certificate is not
    /// validated (no chain, dates or key usage); trust it for the key it carries only if you trust the file.
    /// A private key PEM is refused: make a private_key and call public_key() on it.
    /// Errors: errc::key_algorithm_mismatch (HS* algorithm, or a key of another type or curve),
    /// errc::key_invalid (no parsable public key), errc::key_too_weak, errc::key_not_canonical and
    /// errc::key_small_order (EdDSA), errc::crypto_failure.
    static result<public_key> from_pem(jot::algorithm alg, std::string_view pem, std::string kid = {}) {
        if (family_of(alg) == algorithm_family::hmac) return errc::key_algorithm_mismatch;
        auto pkey = detail::load_public_pem(pem);
        if (!pkey) return pkey.error();
        return from_pkey(alg, std::move(*pkey), std::move(kid));
    }

    /// Reads a DER SubjectPublicKeyInfo or a DER X.509 certificate (key taken, certificate not validated).
    /// The DER must span all of `der`. Errors: as from_pem().
    static result<public_key> from_der(jot::algorithm alg, bytes_view der, std::string kid = {}) {
        if (family_of(alg) == algorithm_family::hmac) return errc::key_algorithm_mismatch;
        auto pkey = detail::load_public_der(der);
        if (!pkey) return pkey.error();
        return from_pkey(alg, std::move(*pkey), std::move(kid));
    }

    /// Takes ownership of an OpenSSL key (jot::evp_pkey_ptr) and applies the same checks as from_pem(). A key
    /// with a private half is accepted and only its public operations are used. The EVP_PKEY must not be
    /// modified after.
    /// Errors: errc::invalid_argument (null key), errc::key_algorithm_mismatch, errc::key_too_weak,
    /// errc::key_invalid, errc::key_not_canonical, errc::key_small_order, errc::crypto_failure.
    static result<public_key> from_pkey(jot::algorithm alg, evp_pkey_ptr pkey, std::string kid = {}) {
        auto shape = detail::check_pkey(alg, pkey.get(), false);
        if (!shape) return shape.error();
        auto key = detail::evp_key::make(alg, std::move(pkey), *shape, detail::evp_key::operation::verify);
        if (!key) return key.error();
        return public_key(std::move(*key), std::move(kid));
    }

    jot::algorithm alg() const noexcept override { return key_.alg(); }
    std::string_view key_id() const noexcept override { return kid_; }

    /// The exact length of this key's signatures in octets: the modulus length for RSA, 64/96/132 for ES*
    /// (r||s), 64 for Ed25519 and 114 for Ed448.
    std::size_t signature_size() const noexcept { return key_.signature_size(); }

    /// Checks a JWS signature over `signing_input` (RFC 7515 §5.2). The length is checked before any
    /// cryptography; ECDSA signatures are r||s (RFC 7518 §3.4) with r and s in [1, n-1] (high s accepted);
    /// PS* requires MGF1 with the same hash and a salt of the hash length (RFC 7518 §3.5).
    /// Errors: errc::signature_length_invalid, errc::signature_invalid, errc::crypto_failure. The OpenSSL
    /// error queue is left empty after a failure.
    result<void> verify(std::string_view signing_input, bytes_view signature) const override {
        return key_.verify(signing_input, signature);
    }

    /// The key as a SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"). Errors: errc::crypto_failure.
    result<std::string> to_pem() const {
        return detail::encode_pkey(key_.get(), EVP_PKEY_PUBLIC_KEY, "PEM", "SubjectPublicKeyInfo");
    }

    /// The key as a DER SubjectPublicKeyInfo. Errors: errc::crypto_failure.
    result<std::vector<std::uint8_t>> to_der() const {
        auto der = detail::encode_pkey(key_.get(), EVP_PKEY_PUBLIC_KEY, "DER", "SubjectPublicKeyInfo");
        if (!der) return der.error();
        return std::vector<std::uint8_t>(der->begin(), der->end());
    }

    /// The OpenSSL key, owned by this object (e.g. to export JWK parameters). Do not modify it.
    EVP_PKEY* native_handle() const noexcept { return key_.get(); }

private:
    public_key(detail::evp_key key, std::string kid) : key_(std::move(key)), kid_(std::move(kid)) {}

    detail::evp_key key_;
    std::string kid_;
};

} // namespace jot
