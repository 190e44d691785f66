// SPDX-License-Identifier: MIT
// JWE keys bound to one key management algorithm: jwe_encryption_key (sender) and jwe_decryption_key (recipient).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/evp.h>

#include "bytes.hpp"
#include "detail/jwe_keys.hpp"
#include "detail/openssl.hpp"
#include "detail/pkey.hpp"
#include "error.hpp"
#include "jwe_algorithm.hpp"
#include "result.hpp"

namespace jot {

class jwe_decryption_key;

/// The opt-in to PBES2 (RFC 7518 §4.8): a password key's PBKDF2 iteration counts. A recipient runs PBKDF2 for
/// "p2c" iterations the token chooses, so an unbounded count lets anyone who can send a token burn the
/// recipient's CPU (RFC 8725 §3.1 asks to bound it); jot refuses a "p2c" over max_count before any PBKDF2
/// work, and under 1000 (RFC 7518 §4.8.1.2) always.
struct pbes2_options {
    /// The "p2c" a sender writes (at least 1000, at most max_count).
    std::uint32_t count = 10000;
    /// The largest "p2c" a recipient accepts: 10000 by default, the bound panva/jose and erlang-jose adopted
    /// for the large-p2c denial of service (CVE-2022-36083, CVE-2023-50966); raise it only for known senders.
    std::uint32_t max_count = 10000;
};

namespace detail {
struct jwe_key_access;
}

/// What a sender needs to encrypt to one recipient, bound to one key management algorithm ("the key decides
/// the algorithm"): an RSA public key (RSA-OAEP, RSA-OAEP-256), an EC P-256/P-384/P-521 or X25519 public key
/// (ECDH-ES, ECDH-ES+A*KW), a shared AES key (A*KW, A*GCMKW) or, for dir, the CEK itself with the one "enc"
/// it serves. Copies share the key material; a const key is safe to use from many threads at once.
class jwe_encryption_key {
public:
    /// A shared key for A128KW/A192KW/A256KW or A128GCMKW/A192GCMKW/A256GCMKW: exactly 16, 24 or 32 octets
    /// (RFC 7518 §4.4, §4.7). Errors: errc::key_algorithm_mismatch (an RSA, ECDH or dir algorithm),
    /// errc::key_size_invalid.
    static result<jwe_encryption_key> from_secret(key_management alg, bytes_view secret, std::string kid = {}) {
        if (alg == key_management::dir) return errc::key_algorithm_mismatch;
        return make(detail::symmetric_key_data(alg, content_encryption::a256gcm, secret, std::move(kid)));
    }

    /// A dir key (RFC 7518 §4.5): the CEK for `enc`, exactly cek_size(enc) octets; tokens are made with `enc`
    /// only. Errors: errc::key_size_invalid.
    static result<jwe_encryption_key> direct(content_encryption enc, bytes_view cek, std::string kid = {}) {
        return make(detail::symmetric_key_data(key_management::dir, enc, cek, std::move(kid)));
    }

    /// A password for PBES2-HS256+A128KW, PBES2-HS384+A192KW or PBES2-HS512+A256KW (RFC 7518 §4.8): each token
    /// gets a fresh 16-octet salt ("p2s") and options.count iterations ("p2c"). Passwords are weak keys: prefer
    /// a random key (A*KW) wherever the sender can hold one. Errors: errc::key_algorithm_mismatch (not a
    /// PBES2 algorithm), errc::key_size_invalid (an empty password), errc::invalid_argument (a count under
    /// 1000 or over options.max_count).
    static result<jwe_encryption_key> from_password(key_management alg, bytes_view password,
                                                    pbes2_options options = {}, std::string kid = {}) {
        return make(detail::password_key_data(alg, password, options.count, options.max_count, std::move(kid)));
    }

    /// A SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY", or a certificate whose key is taken unvalidated).
    /// Errors: errc::key_invalid, errc::key_algorithm_mismatch (a symmetric algorithm, or a key of another
    /// type or curve), errc::key_too_weak (RSA under 2048 bits), errc::crypto_failure.
    static result<jwe_encryption_key> from_pem(key_management alg, std::string_view pem, std::string kid = {}) {
        auto pkey = detail::load_public_pem(pem);
        if (!pkey) return pkey.error();
        return from_pkey(alg, std::move(*pkey), std::move(kid));
    }

    /// A JWK (RFC 7517): "RSA", "EC" (P-256, P-384, P-521), "OKP" (X25519) or "oct" (A*KW, A*GCMKW). Private
    /// members are ignored. "use", when present, must be "enc"; "alg", when present, must name `alg`; "kid"
    /// becomes the key's kid. Errors: errc::key_invalid, errc::key_use_mismatch, errc::key_algorithm_mismatch,
    /// errc::key_size_invalid, errc::key_too_weak, errc::invalid_argument (dir), errc::crypto_failure.
    static result<jwe_encryption_key> from_jwk(key_management alg, std::string_view jwk) {
        return make(detail::key_data_from_jwk(alg, jwk, false));
    }

    /// Takes ownership of an OpenSSL public (or private) key and applies the checks of from_pem().
    static result<jwe_encryption_key> from_pkey(key_management alg, detail::pkey_ptr pkey, std::string kid = {}) {
        return make(detail::asymmetric_key_data(alg, std::move(pkey), false, std::move(kid)));
    }

    key_management alg() const noexcept { return d_->alg; }
    std::string_view key_id() const noexcept { return d_->kid; }
    /// For a dir key, the one content encryption it serves; meaningless for other algorithms.
    content_encryption direct_encryption() const noexcept { return d_->dir_enc; }

private:
    friend struct detail::jwe_key_access;
    friend class jwe_decryption_key;

/// The opt-in to PBES2 (RFC 7518 §4.8): a password key's PBKDF2 iteration counts. A recipient runs PBKDF2 for
/// "p2c" iterations the token chooses, so an unbounded count lets anyone who can send a token burn the
/// recipient's CPU (RFC 8725 §3.1 asks to bound it); jot refuses a "p2c" over max_count before any PBKDF2
/// work, and under 1000 (RFC 7518 §4.8.1.2) always.
struct pbes2_options {
    /// The "p2c" a sender writes (at least 1000, at most max_count).
    std::uint32_t count = 10000;
    /// The largest "p2c" a recipient accepts: 10000 by default, the bound panva/jose and erlang-jose adopted
    /// for the large-p2c denial of service (CVE-2022-36083, CVE-2023-50966); raise it only for known senders.
    std::uint32_t max_count = 10000;
};
    explicit jwe_encryption_key(std::shared_ptr<const detail::jwe_key_data> d) : d_(std::move(d)) {}
    static result<jwe_encryption_key> make(result<detail::jwe_key_data> d) {
        if (!d) return d.error();
        return jwe_encryption_key(std::make_shared<const detail::jwe_key_data>(std::move(*d)));
    }
    std::shared_ptr<const detail::jwe_key_data> d_;
};

/// What a recipient needs to decrypt, bound to one key management algorithm: an RSA private key, an EC
/// (P-256/P-384/P-521) or X25519 private key, or the shared AES key or dir CEK. Copies share the key
/// material (wiped by OpenSSL or by jot when the last copy dies); a const key is safe to share between threads.
class jwe_decryption_key {
public:
    /// See jwe_encryption_key::from_secret. Errors: the same.
    static result<jwe_decryption_key> from_secret(key_management alg, bytes_view secret, std::string kid = {}) {
        if (alg == key_management::dir) return errc::key_algorithm_mismatch;
        return make(detail::symmetric_key_data(alg, content_encryption::a256gcm, secret, std::move(kid)));
    }

    /// See jwe_encryption_key::direct: tokens whose "enc" is not `enc` are refused. Errors: the same.
    static result<jwe_decryption_key> direct(content_encryption enc, bytes_view cek, std::string kid = {}) {
        return make(detail::symmetric_key_data(key_management::dir, enc, cek, std::move(kid)));
    }

    /// The explicit opt-in to PBES2 (RFC 7518 §4.8): a key that decrypts PBES2-* tokens of `alg` with
    /// `password`, running PBKDF2 only for a "p2c" between 1000 and options.max_count and a "p2s" of at least 8
    /// octets (checked before any PBKDF2 work: errc::pbes2_count_out_of_range, errc::pbes2_salt_invalid when
    /// decrypting). A decrypter whose key was not made here refuses every PBES2-* token as
    /// errc::unsupported_algorithm. A wrong password is errc::decryption_failed. Errors:
    /// errc::key_algorithm_mismatch (not a PBES2 algorithm), errc::key_size_invalid (an empty password),
    /// errc::invalid_argument (options.count or options.max_count under 1000, or count over max_count).
    static result<jwe_decryption_key> from_password(key_management alg, bytes_view password,
                                                    pbes2_options options = {}, std::string kid = {}) {
        return make(detail::password_key_data(alg, password, options.count, options.max_count, std::move(kid)));
    }

    /// A PKCS#8 PEM ("BEGIN PRIVATE KEY"; encrypted with `password`) or a traditional RSA/EC private key PEM.
    /// Errors: errc::key_not_private, errc::key_invalid, errc::key_algorithm_mismatch, errc::key_too_weak,
    /// errc::crypto_failure.
    static result<jwe_decryption_key> from_pem(key_management alg, std::string_view pem, std::string kid = {},
                                               std::string_view password = {}) {
        auto pkey = detail::load_private("PEM", bytes_view(pem.data(), pem.size()), password);
        if (!pkey) return pkey.error();
        return from_pkey(alg, std::move(*pkey), std::move(kid));
    }

    /// A private JWK ("d" and, for RSA, the CRT members or none of them) or an "oct" JWK; see
    /// jwe_encryption_key::from_jwk. Errors: those, and errc::key_not_private.
    static result<jwe_decryption_key> from_jwk(key_management alg, std::string_view jwk) {
        return make(detail::key_data_from_jwk(alg, jwk, true));
    }

    /// Takes ownership of an OpenSSL private key and applies the checks of from_pem() (EC and X25519 keys:
    /// the public half must match the private one).
    static result<jwe_decryption_key> from_pkey(key_management alg, detail::pkey_ptr pkey, std::string kid = {}) {
        return make(detail::asymmetric_key_data(alg, std::move(pkey), true, std::move(kid)));
    }

    /// A new random key for `alg`: RSA 2048 bits for RSA-OAEP*, a key on `curve` ("P-256", "P-384", "P-521",
    /// "X25519") for ECDH-ES*, a random AES key of the algorithm's size for A*KW and A*GCMKW.
    /// Errors: errc::invalid_argument (dir: use generate_direct; PBES2: use from_password; an unknown curve),
    /// errc::crypto_failure.
    static result<jwe_decryption_key> generate(key_management alg, std::string kid = {},
                                               std::string_view curve = "P-256") {
        const key_management_family fam = family_of(alg);
        if (fam == key_management_family::direct || fam == key_management_family::pbes2)
            return errc::invalid_argument;
        if (fam == key_management_family::aes_kw || fam == key_management_family::aes_gcm_kw) {
            detail::wiped_buffer k(detail::jwe_facts(alg).kek_octets);
            if (auto r = detail::random_bytes(k.data(), k.size()); !r) return r.error();
            return from_secret(alg, k.view(), std::move(kid));
        }
        detail::pkey_ptr pkey;
        if (fam == key_management_family::rsa_oaep) {
            detail::openssl_error_scope scope;
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)));
            if (!pkey) return errc::crypto_failure;
        } else {
            const detail::ecdh_curve* c = detail::find_ecdh_curve(curve);
            if (!c) return errc::invalid_argument;
            auto k = detail::generate_ecdh_key(*c);
            if (!k) return k.error();
            pkey = std::move(*k);
        }
        return from_pkey(alg, std::move(pkey), std::move(kid));
    }

    /// A new random dir key (the CEK) for `enc`. Errors: errc::crypto_failure.
    static result<jwe_decryption_key> generate_direct(content_encryption enc, std::string kid = {}) {
        detail::wiped_buffer k(cek_size(enc));
        if (auto r = detail::random_bytes(k.data(), k.size()); !r) return r.error();
        return direct(enc, k.view(), std::move(kid));
    }

    key_management alg() const noexcept { return d_->alg; }
    std::string_view key_id() const noexcept { return d_->kid; }
    /// For a dir key, the one content encryption it serves; meaningless for other algorithms.
    content_encryption direct_encryption() const noexcept { return d_->dir_enc; }

    /// The key a sender encrypts to this recipient with: the public half for RSA and ECDH, the same secret
    /// for symmetric algorithms; same algorithm and kid. Errors: errc::crypto_failure.
    result<jwe_encryption_key> encryption_key() const {
        if (!d_->pkey) return jwe_encryption_key(d_);
        auto pub = detail::public_half(d_->pkey.get());
        if (!pub) return pub.error();
        return jwe_encryption_key::from_pkey(d_->alg, std::move(*pub), d_->kid);
    }

    /// The private key as an unencrypted PKCS#8 PEM (RSA and ECDH keys). Security: the string holds the
    /// secret key. Errors: errc::invalid_argument (a symmetric key: see secret()), errc::crypto_failure.
    result<std::string> to_pem() const {
        if (!d_->pkey) return errc::invalid_argument;
        return detail::encode_pkey(d_->pkey.get(), EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo");
    }

    /// The public key as a SubjectPublicKeyInfo PEM (RSA and ECDH keys). Errors: errc::invalid_argument,
    /// errc::crypto_failure.
    result<std::string> public_pem() const {
        if (!d_->pkey) return errc::invalid_argument;
        return detail::encode_pkey(d_->pkey.get(), EVP_PKEY_PUBLIC_KEY, "PEM", "SubjectPublicKeyInfo");
    }

    /// The shared secret of a symmetric key (empty for RSA and ECDH keys); handle with care.
    bytes_view secret() const noexcept { return {d_->secret.data(), d_->secret.size()}; }

private:
    friend struct detail::jwe_key_access;
    explicit jwe_decryption_key(std::shared_ptr<const detail::jwe_key_data> d) : d_(std::move(d)) {}
    static result<jwe_decryption_key> make(result<detail::jwe_key_data> d) {
        if (!d) return d.error();
        return jwe_decryption_key(std::make_shared<const detail::jwe_key_data>(std::move(*d)));
    }
    std::shared_ptr<const detail::jwe_key_data> d_;
};

namespace detail {
/// jot's own access to the key material behind the two key classes.
struct jwe_key_access {
    static const jwe_key_data& of(const jwe_encryption_key& k) noexcept { return *k.d_; }
    static const jwe_key_data& of(const jwe_decryption_key& k) noexcept { return *k.d_; }
};
} // namespace detail

} // namespace jot
