// SPDX-License-Identifier: MIT
// EVP_PKEY plumbing for the asymmetric keys: binding checks, prepared contexts, output and generation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../algorithm.hpp"
#include "../bytes.hpp"
#include "../error.hpp"
#include "../result.hpp"
#include "ecdsa_signature.hpp"
#include "eddsa_point.hpp"
#include "openssl.hpp"
#include "pkey_load.hpp"

namespace jot::detail {

/// Octets of one ECDSA coordinate, so the JWS signature r||s is twice this (RFC 7518 §3.4); 0 for non-ECDSA.
constexpr std::size_t ecdsa_coordinate_size(algorithm a) noexcept {
    return family_of(a) == algorithm_family::ecdsa ? facts_of(a).curve->public_size : 0;
}

/// The NID of the only curve an ECDSA algorithm may use; NID_undef for other algorithms.
constexpr int ecdsa_curve_nid(algorithm a) noexcept {
    return family_of(a) == algorithm_family::ecdsa ? facts_of(a).curve->nid : NID_undef;
}

/// The OpenSSL key type a generated key for `a` has (Ed25519 for "EdDSA"); nullptr for HS*.
inline const char* keygen_type(algorithm a) noexcept {
    const algorithm_facts& f = facts_of(a);
    if (f.family == algorithm_family::eddsa && !f.curve) return curve_ed25519->openssl_key_type;
    return f.openssl_key_type;
}
/// The EC group of a generated key for `a`; nullptr for other families.
inline const char* keygen_curve(algorithm a) noexcept {
    return family_of(a) == algorithm_family::ecdsa ? facts_of(a).curve->openssl_group : nullptr;
}

/// The OKP curve of an EdDSA key, or nullptr when the key is not Ed25519 or Ed448.
inline const curve_facts* eddsa_curve_of(const EVP_PKEY* pkey) noexcept {
    for (const curve_facts& c : curve_table)
        if (c.kty == jwk_key_type::okp && EVP_PKEY_is_a(pkey, c.openssl_key_type) == 1) return &c;
    return nullptr;
}

// ---------------------------------------------------------------------------------------------------------
// Binding checks

/// What the checks learned about a key that fits its algorithm.
struct key_shape {
    std::size_t signature_size = 0;                       ///< exact JWS signature length in octets
    std::size_t coordinate_size = 0;                      ///< ECDSA only
    std::array<std::uint8_t, ecdsa_max_coordinate> order{}; ///< ECDSA group order n, big-endian, coordinate_size octets
};

inline bool has_bn_param(const EVP_PKEY* pkey, const char* name) {
    BIGNUM* raw = nullptr;
    const int ok = EVP_PKEY_get_bn_param(pkey, name, &raw);
    bignum_ptr bn(raw);
    return ok == 1 && bn != nullptr;
}

/// Checks that the key holds private material: the private parameter is present (errc::key_not_private
/// otherwise), and for EC and EdDSA keys the public key is the one the private key gives (errc::key_invalid
/// otherwise). RSA keys skip that pairwise test: it costs tens of milliseconds.
inline result<void> check_private(EVP_PKEY* pkey, algorithm_family fam) {
    if (fam == algorithm_family::rsa_pkcs1 || fam == algorithm_family::rsa_pss) {
        if (!has_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D)) return errc::key_not_private;
        return {};
    }
    if (fam == algorithm_family::ecdsa && !has_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY)) return errc::key_not_private;
    if (fam == algorithm_family::eddsa) {
        std::size_t len = 0;
        if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, nullptr, 0, &len) != 1 || len == 0)
            return errc::key_not_private;
    }
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    if (!ctx) return errc::crypto_failure;
    if (EVP_PKEY_pairwise_check(ctx.get()) != 1) return errc::key_invalid;
    return {};
}

/// Checks that `pkey` may be used with `alg` and measures it.
/// RSA (RS*, PS*): an "RSA" key (RSASSA-PSS-restricted "RSA-PSS" keys are refused), modulus of 2048 to 8192
/// bits, odd public exponent of at least 65537 (NIST SP 800-56B; smaller ones are key_too_weak).
/// ECDSA: an EC key on the algorithm's curve, public point valid. EdDSA: Ed25519 or Ed448 (eddsa), only
/// Ed25519 (ed25519), only Ed448 (ed448); the public key canonically encoded, on the curve and not of small
/// order (check_eddsa_point), whether or not the key has a private half.
/// Errors: errc::key_algorithm_mismatch, errc::key_too_weak, errc::key_invalid, errc::key_not_canonical,
/// errc::key_small_order, errc::key_not_private (with `need_private` and a public-only key).
inline result<key_shape> check_pkey(algorithm alg, EVP_PKEY* pkey, bool need_private) {
    if (!pkey) return errc::invalid_argument;
    openssl_error_scope scope;
    key_shape shape;
    const algorithm_facts& facts = facts_of(alg);
    const algorithm_family fam = facts.family;
    switch (fam) {
    case algorithm_family::hmac: return errc::key_algorithm_mismatch;
    case algorithm_family::rsa_pkcs1:
    case algorithm_family::rsa_pss: {
        if (!EVP_PKEY_is_a(pkey, facts.openssl_key_type)) return errc::key_algorithm_mismatch;
        const int bits = EVP_PKEY_get_bits(pkey);
        if (bits <= 0) return errc::key_invalid;
        if (static_cast<std::size_t>(bits) < facts.min_key_bits) return errc::key_too_weak;
        if (static_cast<std::size_t>(bits) > facts.max_key_bits) return errc::key_invalid;
        BIGNUM* raw = nullptr;
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &raw) != 1 || !raw) return errc::key_invalid;
        bignum_ptr e(raw);
        if (!BN_is_odd(e.get()) || BN_is_one(e.get())) return errc::key_invalid;
        if (BN_num_bits(e.get()) < 17) return errc::key_too_weak; // e < 65537 = 2^16 + 1
        shape.signature_size = static_cast<std::size_t>(EVP_PKEY_get_size(pkey));
        break;
    }
    case algorithm_family::ecdsa: {
        if (!EVP_PKEY_is_a(pkey, facts.openssl_key_type)) return errc::key_algorithm_mismatch;
        char name[80] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &len) != 1) return errc::key_algorithm_mismatch;
        int nid = OBJ_sn2nid(name);
        if (nid == NID_undef) nid = EC_curve_nist2nid(name);
        if (nid == NID_undef || nid != facts.curve->nid) return errc::key_algorithm_mismatch;
        shape.coordinate_size = facts.curve->public_size;
        shape.signature_size = facts.signature_size;
        BIGNUM* raw = nullptr;
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_ORDER, &raw) != 1 || !raw) return errc::key_invalid;
        bignum_ptr order(raw);
        if (BN_bn2binpad(order.get(), shape.order.data(), static_cast<int>(shape.coordinate_size)) < 0)
            return errc::key_invalid;
        // Rejects the point at infinity and points off the curve: with Q = infinity anyone could forge.
        pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
        if (!ctx) return errc::crypto_failure;
        if (ec_public_check(ctx.get()) != 1) return errc::key_invalid;
        break;
    }
    case algorithm_family::eddsa: {
        // "EdDSA" takes a key on either curve (RFC 8037 §3.1); Ed25519 and Ed448 only their own (RFC 9864).
        const curve_facts* curve = eddsa_curve_of(pkey);
        if (!curve || (facts.curve && facts.curve != curve)) return errc::key_algorithm_mismatch;
        shape.signature_size = curve->signature_size;
        // OpenSSL stores any 32 or 57 octets as a public key; under a small-order one anyone can forge.
        std::uint8_t raw[eddsa_public_size(eddsa_curve::ed448)];
        std::size_t len = sizeof raw;
        if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1) return errc::key_invalid;
        if (auto r = check_eddsa_point(curve == curve_ed25519 ? eddsa_curve::ed25519 : eddsa_curve::ed448, raw, len); !r)
            return r.error();
        break;
    }
    }
    if (need_private)
        if (auto r = check_private(pkey, fam); !r) return r.error();
    return shape;
}

// ---------------------------------------------------------------------------------------------------------
// Prepared contexts

/// An EVP_PKEY bound to one algorithm, with a DigestSign or DigestVerify context initialised once (digest,
/// padding, PSS salt length). Each operation copies that context instead of running the ...Init call again,
/// which costs a provider lookup and a dozen allocations (RSA-2048 verify: about 15% of the total). The
/// template is only ever read, so a const evp_key is safe to use from many threads at once.
class evp_key {
public:
    enum class operation { sign, verify };

    /// Takes `pkey` (already checked with check_pkey) and prepares its context.
    /// Errors: errc::crypto_failure.
    static result<evp_key> make(algorithm alg, pkey_ptr pkey, const key_shape& shape, operation op) {
        openssl_error_scope scope;
        evp_key k(alg, std::move(pkey), shape, op);
        md_ctx_ptr first = k.init_context();
        if (!first) return errc::crypto_failure;
        // A provider that cannot duplicate its signature context (EdDSA in some early 3.0 releases) gets no
        // template: each operation then initialises its own context.
        if (copy_context(first.get())) k.template_ = std::move(first);
        return k;
    }

    evp_key(const evp_key& o)
        : alg_(o.alg_), op_(o.op_), shape_(o.shape_), pkey_(o.pkey_ ? up_ref(o.pkey_.get()) : nullptr) {
        openssl_error_scope scope; // a copy that fails leaves no template: each operation then makes its own
        if (o.template_) template_ = copy_context(o.template_.get());
    }
    evp_key(evp_key&&) noexcept = default;
    evp_key& operator=(const evp_key& o) {
        if (this != &o) {
            evp_key tmp(o);
            *this = std::move(tmp);
        }
        return *this;
    }
    evp_key& operator=(evp_key&&) noexcept = default;
    ~evp_key() = default;

    algorithm alg() const noexcept { return alg_; }
    EVP_PKEY* get() const noexcept { return pkey_.get(); }
    std::size_t signature_size() const noexcept { return shape_.signature_size; }

    /// Checks a raw JWS signature. The length is checked exactly before OpenSSL sees it; ECDSA r and s must
    /// be in [1, n-1] (high s is valid: RFC 7515 A.3 uses it). Errors: errc::signature_length_invalid,
    /// errc::signature_invalid, errc::crypto_failure. Nothing is left on the OpenSSL error queue.
    result<void> verify(std::string_view input, bytes_view signature) const {
        if (signature.size() != shape_.signature_size) return errc::signature_length_invalid;
        openssl_error_scope scope;
        const std::uint8_t* sig = signature.data();
        std::size_t sig_len = signature.size();
        std::uint8_t der[ecdsa_der_max];
        if (const std::size_t c = shape_.coordinate_size; c != 0) {
            if (!ecdsa_scalar_in_range(sig, shape_.order.data(), c) ||
                !ecdsa_scalar_in_range(sig + c, shape_.order.data(), c))
                return errc::signature_invalid;
            sig_len = ecdsa_p1363_to_der(sig, c, der);
            sig = der;
        }
        md_ctx_ptr ctx = context();
        if (!ctx) return errc::crypto_failure;
        // 1 is a valid signature; 0 and negative values both mean "not valid" for input a caller cannot
        // trust (e.g. an RSA signature representative >= n), so they are one code.
        if (EVP_DigestVerify(ctx.get(), sig, sig_len, reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) != 1)
            return errc::signature_invalid;
        return {};
    }

    /// Signs into `out` and returns the JWS signature length (ECDSA as r||s).
    /// Errors: errc::invalid_argument (capacity under signature_size()), errc::crypto_failure.
    result<std::size_t> sign(std::string_view input, std::uint8_t* out, std::size_t capacity) const {
        if (capacity < shape_.signature_size || !out) return errc::invalid_argument;
        openssl_error_scope scope;
        md_ctx_ptr ctx = context();
        if (!ctx) return errc::crypto_failure;
        const auto* in = reinterpret_cast<const unsigned char*>(input.data());
        if (const std::size_t c = shape_.coordinate_size; c != 0) {
            std::uint8_t der[ecdsa_der_max];
            std::size_t len = sizeof der;
            if (EVP_DigestSign(ctx.get(), der, &len, in, input.size()) != 1 ||
                !ecdsa_der_to_p1363(der, len, c, out))
                return errc::crypto_failure;
            return 2 * c;
        }
        std::size_t len = capacity;
        if (EVP_DigestSign(ctx.get(), out, &len, in, input.size()) != 1 || len != shape_.signature_size)
            return errc::crypto_failure;
        return len;
    }

private:
    evp_key(algorithm alg, pkey_ptr pkey, const key_shape& shape, operation op)
        : alg_(alg), op_(op), shape_(shape), pkey_(std::move(pkey)) {}

    static pkey_ptr up_ref(EVP_PKEY* p) noexcept { return pkey_ptr(EVP_PKEY_up_ref(p) == 1 ? p : nullptr); }

    static md_ctx_ptr copy_context(const EVP_MD_CTX* from) {
        md_ctx_ptr ctx(EVP_MD_CTX_new());
        if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), from) != 1) return nullptr;
        return ctx;
    }

    /// A fresh DigestSign/DigestVerify context for this key: RS* PKCS#1 v1.5; PS* PSS with MGF1 over the
    /// same hash and a salt as long as the hash, on signing and verifying alike (RFC 7518 §3.5: a verifier
    /// that accepted any salt length would accept signatures JWS does not define); EdDSA without a digest.
    md_ctx_ptr init_context() const {
        if (!pkey_) return nullptr;
        md_ctx_ptr ctx(EVP_MD_CTX_new());
        if (!ctx) return nullptr;
        char* md = const_cast<char*>(sha2_name(alg_));
        OSSL_PARAM params[4];
        std::size_t n = 0;
        const algorithm_family fam = family_of(alg_);
        if (fam == algorithm_family::rsa_pkcs1) {
            params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE,
                                                           const_cast<char*>(OSSL_PKEY_RSA_PAD_MODE_PKCSV15), 0);
        } else if (fam == algorithm_family::rsa_pss) {
            params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE,
                                                           const_cast<char*>(OSSL_PKEY_RSA_PAD_MODE_PSS), 0);
            params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN,
                                                           const_cast<char*>(OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST), 0);
            params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, md, 0);
        }
        params[n] = OSSL_PARAM_construct_end();
        const int ok = op_ == operation::sign
                           ? EVP_DigestSignInit_ex(ctx.get(), nullptr, md, nullptr, nullptr, pkey_.get(), params)
                           : EVP_DigestVerifyInit_ex(ctx.get(), nullptr, md, nullptr, nullptr, pkey_.get(), params);
        if (ok != 1) return nullptr;
        return ctx;
    }

    /// A context ready for one operation: a copy of the template, or (should a provider not support copying)
    /// a freshly initialised one. FINALISE stops the Final call from duplicating the context once more.
    /// The caller holds an openssl_error_scope.
    md_ctx_ptr context() const {
        md_ctx_ptr ctx = template_ ? copy_context(template_.get()) : nullptr;
        if (!ctx) ctx = init_context();
        if (ctx) EVP_MD_CTX_set_flags(ctx.get(), EVP_MD_CTX_FLAG_FINALISE);
        return ctx;
    }

    algorithm alg_;
    operation op_;
    key_shape shape_;
    pkey_ptr pkey_;
    md_ctx_ptr template_;
};

// ---------------------------------------------------------------------------------------------------------
// Output and generation

/// Encodes with OSSL_ENCODER ("PEM" or "DER"; "SubjectPublicKeyInfo" or "PrivateKeyInfo").
/// Errors: errc::crypto_failure.
inline result<std::string> encode_pkey(EVP_PKEY* pkey, int selection, const char* format, const char* structure) {
    if (!pkey) return errc::crypto_failure;
    openssl_error_scope scope;
    encoder_ctx_ptr ctx(OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, format, structure, nullptr));
    openssl_buffer data;
    if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0 ||
        OSSL_ENCODER_to_data(ctx.get(), data.out_data(), data.out_size()) != 1 || !data.data())
        return errc::crypto_failure;
    return std::string(reinterpret_cast<const char*>(data.data()), data.size());
}

/// A new public-only EVP_PKEY holding the public half of `pkey`. Errors: errc::crypto_failure.
inline result<pkey_ptr> public_half(EVP_PKEY* pkey) {
    openssl_error_scope scope;
    OSSL_PARAM* raw = nullptr;
    if (!pkey || EVP_PKEY_todata(pkey, EVP_PKEY_PUBLIC_KEY, &raw) != 1) return errc::crypto_failure;
    params_ptr params(raw);
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || !out)
        return errc::crypto_failure;
    return pkey_ptr(out);
}

/// A fresh key for `alg`: RSA 2048 bits for RS*/PS*, the algorithm's curve for ES*, Ed25519 for EdDSA and
/// Ed25519, Ed448 for Ed448. Errors: errc::key_algorithm_mismatch (HS*), errc::crypto_failure.
inline result<pkey_ptr> generate_pkey(algorithm alg) {
    const char* type = keygen_type(alg);
    if (!type) return errc::key_algorithm_mismatch;
    openssl_error_scope scope;
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return errc::crypto_failure;
    OSSL_PARAM params[2];
    unsigned int bits = static_cast<unsigned int>(facts_of(alg).min_key_bits);
    if (const char* curve = keygen_curve(alg))
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(curve), 0);
    else if (family_of(alg) != algorithm_family::eddsa)
        params[0] = OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_BITS, &bits);
    else
        params[0] = OSSL_PARAM_construct_end();
    params[1] = OSSL_PARAM_construct_end();
    EVP_PKEY* out = nullptr;
    if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1 || EVP_PKEY_generate(ctx.get(), &out) != 1 || !out)
        return errc::crypto_failure;
    return pkey_ptr(out);
}

} // namespace jot::detail
