// SPDX-License-Identifier: MIT
// jot::private_key: an RSA, EC or EdDSA private key bound to one JWS algorithm, for signing (RFC 7518 §3, RFC 8037).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/evp.h>

#include "algorithm.hpp"
#include "bytes.hpp"
#include "detail/openssl.hpp"
#include "detail/pkey.hpp"
#include "error.hpp"
#include "evp_pkey.hpp"
#include "public_key.hpp"
#include "result.hpp"
#include "signer.hpp"

namespace jot {

/// A private key bound to one of RS256/384/512, PS256/384/512, ES256/384/512, ES256K, EdDSA, Ed25519 or
/// Ed448; it signs that algorithm only. It is checked when made exactly as jot::public_key is (key type,
/// RSA size and exponent, EC curve, EdDSA curve and public point), and must hold the private half. The key material stays in
/// OpenSSL's memory and is freed (and wiped by OpenSSL) with the last copy. A const private_key is safe to
/// use from many threads at once.
class private_key final : public signer {
public:
    /// Reads a PKCS#8 PEM ("BEGIN PRIVATE KEY"), an encrypted PKCS#8 PEM ("BEGIN ENCRYPTED PRIVATE KEY",
    /// decrypted with `password`), or a traditional "BEGIN RSA PRIVATE KEY" / "BEGIN EC PRIVATE KEY"
    /// (legacy PEM encryption included). The first block labelled "... PRIVATE KEY" is read, so a file with
    /// a certificate before the key works. An empty `password` means none: an encrypted key then fails.
    /// Errors: errc::key_not_private (a public key or certificate), errc::key_invalid (no parsable key, a
    /// wrong or missing password), errc::key_algorithm_mismatch, errc::key_too_weak, errc::crypto_failure.
    static result<private_key> from_pem(jot::algorithm alg, std::string_view pem, std::string kid = {},
                                        std::string_view password = {}) {
        if (family_of(alg) == algorithm_family::hmac) return errc::key_algorithm_mismatch;
        auto pkey = detail::load_private("PEM", bytes_view(pem.data(), pem.size()), password);
        if (!pkey) return pkey.error();
        return from_pkey(alg, std::move(*pkey), std::move(kid));
    }

    /// Reads a DER PKCS#8 PrivateKeyInfo, EncryptedPrivateKeyInfo (with `password`), PKCS#1 RSAPrivateKey or
    /// SEC 1 ECPrivateKey spanning all of `der`. Errors: as from_pem().
    static result<private_key> from_der(jot::algorithm alg, bytes_view der, std::string kid = {},
                                        std::string_view password = {}) {
        if (family_of(alg) == algorithm_family::hmac) return errc::key_algorithm_mismatch;
        auto pkey = detail::load_private("DER", der, password);
        if (!pkey) return pkey.error();
        return from_pkey(alg, std::move(*pkey), std::move(kid));
    }

    /// Takes ownership of an OpenSSL key and applies the checks of from_pem(). For EC and EdDSA keys the
    /// public half must match the private one; RSA keys are not tested that way (the test costs tens of
    /// milliseconds). The EVP_PKEY must not be modified after.
    /// Errors: errc::invalid_argument (null key), errc::key_not_private, errc::key_algorithm_mismatch,
    /// errc::key_too_weak, errc::key_invalid, errc::key_not_canonical and errc::key_small_order (an EdDSA key
    /// whose public half is given with it), errc::crypto_failure.
    static result<private_key> from_pkey(jot::algorithm alg, evp_pkey_ptr pkey, std::string kid = {}) {
        auto shape = detail::check_pkey(alg, pkey.get(), true);
        if (!shape) return shape.error();
        auto key = detail::evp_key::make(alg, std::move(pkey), *shape, detail::evp_key::operation::sign);
        if (!key) return key.error();
        return private_key(std::move(*key), std::move(kid));
    }

    /// A new random key: RSA 2048 bits for RS*/PS*, the algorithm's curve for ES*, Ed25519 for EdDSA and
    /// Ed25519, Ed448 for Ed448. Errors: errc::key_algorithm_mismatch (HS*), errc::crypto_failure.
    static result<private_key> generate(jot::algorithm alg, std::string kid = {}) {
        auto pkey = detail::generate_pkey(alg);
        if (!pkey) return pkey.error();
        return from_pkey(alg, std::move(*pkey), std::move(kid));
    }

    jot::algorithm alg() const noexcept override { return key_.alg(); }
    std::string_view key_id() const noexcept override { return kid_; }
    /// The exact signature length: modulus octets for RSA, 64/96/132 for ES* (r||s), 64 or 114 for EdDSA.
    std::size_t max_signature_size() const noexcept override { return key_.signature_size(); }

    /// Signs `signing_input` (RFC 7515 §5.1) into `out`; ECDSA signatures come out as r||s (RFC 7518 §3.4),
    /// PS* with a salt of the hash length (RFC 7518 §3.5). Errors: errc::invalid_argument (capacity under
    /// max_signature_size()), errc::crypto_failure.
    result<std::size_t> sign(std::string_view signing_input, std::uint8_t* out,
                             std::size_t capacity) const override {
        return key_.sign(signing_input, out, capacity);
    }

    /// The matching public key, with the same algorithm and kid; it holds no private material.
    /// Errors: errc::crypto_failure.
    result<jot::public_key> public_key() const {
        auto pub = detail::public_half(key_.get());
        if (!pub) return pub.error();
        return jot::public_key::from_pkey(key_.alg(), std::move(*pub), kid_);
    }

    /// The key as an unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). Security: the string holds the secret
    /// key; store it with care and wipe it when done. Errors: errc::crypto_failure.
    result<std::string> to_pem() const {
        return detail::encode_pkey(key_.get(), EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo");
    }

    /// The OpenSSL key, owned by this object. Do not modify it.
    EVP_PKEY* native_handle() const noexcept { return key_.get(); }

private:
    private_key(detail::evp_key key, std::string kid) : key_(std::move(key)), kid_(std::move(kid)) {}

    detail::evp_key key_;
    std::string kid_;
};

} // namespace jot
