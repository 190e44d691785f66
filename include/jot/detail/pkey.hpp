// SPDX-License-Identifier: MIT
// EVP_PKEY plumbing for the asymmetric keys: loading, binding checks, ECDSA r||s <-> DER, prepared contexts.
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
#include "eddsa_point.hpp"
#include "openssl.hpp"

namespace jot::detail {

struct bio_deleter {
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct x509_deleter {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
struct ecdsa_sig_deleter {
    void operator()(ECDSA_SIG* p) const noexcept { ECDSA_SIG_free(p); }
};
struct decoder_ctx_deleter {
    void operator()(OSSL_DECODER_CTX* p) const noexcept { OSSL_DECODER_CTX_free(p); }
};
struct encoder_ctx_deleter {
    void operator()(OSSL_ENCODER_CTX* p) const noexcept { OSSL_ENCODER_CTX_free(p); }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, ecdsa_sig_deleter>;
using decoder_ctx_ptr = std::unique_ptr<OSSL_DECODER_CTX, decoder_ctx_deleter>;
using encoder_ctx_ptr = std::unique_ptr<OSSL_ENCODER_CTX, encoder_ctx_deleter>;

/// Removes every OpenSSL error pushed while it lives and leaves older entries alone. Key loading tries
/// several decoders, and each failed attempt pushes errors even when a later one succeeds.
class openssl_error_scope {
public:
    openssl_error_scope() noexcept { ERR_set_mark(); }
    ~openssl_error_scope() { ERR_pop_to_mark(); }
    openssl_error_scope(const openssl_error_scope&) = delete;
    openssl_error_scope& operator=(const openssl_error_scope&) = delete;
};

/// Smallest RSA modulus jot accepts, in bits (RFC 7518 §3.3 and §3.5: "2048 bits or larger MUST be used").
inline constexpr int rsa_min_bits = 2048;
/// Largest RSA modulus jot accepts, in bits: its signature must fit the verifier's decoding limit.
inline constexpr int rsa_max_bits = 8192;
/// Longest ECDSA coordinate (P-521), in octets.
inline constexpr std::size_t ecdsa_max_coordinate = 66;

/// Octets of one ECDSA coordinate, so the JWS signature r||s is twice this (RFC 7518 §3.4); 0 for non-ECDSA.
constexpr std::size_t ecdsa_coordinate_size(algorithm a) noexcept {
    switch (a) {
    case algorithm::es256: case algorithm::es256k: return 32;
    case algorithm::es384: return 48;
    case algorithm::es512: return 66;
    default: return 0;
    }
}

/// The NID of the only curve an ECDSA algorithm may use; NID_undef for other algorithms.
inline int ecdsa_curve_nid(algorithm a) noexcept {
    switch (a) {
    case algorithm::es256: return NID_X9_62_prime256v1;
    case algorithm::es384: return NID_secp384r1;
    case algorithm::es512: return NID_secp521r1;
    case algorithm::es256k: return NID_secp256k1;
    default: return NID_undef;
    }
}

/// The OpenSSL key type a generated key for `a` has, and the curve for EC keys.
inline const char* keygen_type(algorithm a) noexcept {
    switch (family_of(a)) {
    case algorithm_family::rsa_pkcs1: case algorithm_family::rsa_pss: return "RSA";
    case algorithm_family::ecdsa: return "EC";
    case algorithm_family::eddsa: return a == algorithm::ed448 ? "ED448" : "ED25519";
    case algorithm_family::hmac: break;
    }
    return nullptr;
}
inline const char* keygen_curve(algorithm a) noexcept {
    switch (a) {
    case algorithm::es256: return "prime256v1";
    case algorithm::es384: return "secp384r1";
    case algorithm::es512: return "secp521r1";
    case algorithm::es256k: return "secp256k1";
    default: return nullptr;
    }
}

// ---------------------------------------------------------------------------------------------------------
// Loading

/// The offset of the first PEM block ("-----BEGIN <label>-----") whose label satisfies `pred`, or npos.
template <class Pred>
std::size_t find_pem_block(std::string_view pem, Pred pred) {
    constexpr std::string_view begin = "-----BEGIN ";
    for (auto b = pem.find(begin); b != std::string_view::npos; b = pem.find(begin, b + 1)) {
        const auto start = b + begin.size();
        const auto end = pem.find("-----", start);
        if (end == std::string_view::npos) break;
        if (pred(pem.substr(start, end - start))) return b;
    }
    return std::string_view::npos;
}

/// The label of the first PEM block, or empty when there is none.
inline std::string_view first_pem_label(std::string_view pem) {
    std::string_view label;
    find_pem_block(pem, [&](std::string_view l) {
        label = l;
        return true;
    });
    return label;
}

inline bool is_certificate_label(std::string_view label) noexcept {
    return label == "CERTIFICATE" || label == "X509 CERTIFICATE";
}

/// "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", ...
inline bool is_private_key_label(std::string_view label) noexcept {
    constexpr std::string_view suffix = "PRIVATE KEY";
    return label.size() >= suffix.size() && label.substr(label.size() - suffix.size()) == suffix;
}

/// Decodes one key with OSSL_DECODER. `input` is "PEM" or "DER"; `selection` EVP_PKEY_PUBLIC_KEY or
/// EVP_PKEY_KEYPAIR. An empty `password` means none: an encrypted key then fails to decode instead of
/// OpenSSL asking on the terminal. With `whole`, trailing octets after the key make it fail (DER input).
/// Returns nullptr on any failure; the caller owns the error queue (see openssl_error_scope).
inline pkey_ptr decode_pkey(const char* input, bytes_view data, int selection, std::string_view password,
                            bool whole) {
    if (data.empty()) return nullptr;
    EVP_PKEY* raw = nullptr;
    decoder_ctx_ptr ctx(OSSL_DECODER_CTX_new_for_pkey(&raw, input, nullptr, nullptr, selection, nullptr, nullptr));
    if (!ctx) return nullptr;
    int ok = 1;
    if (!password.empty()) {
        ok = OSSL_DECODER_CTX_set_passphrase(ctx.get(), reinterpret_cast<const unsigned char*>(password.data()),
                                             password.size());
    } else {
        // Without a callback of our own, OpenSSL could fall back to a console prompt for an encrypted key.
        ok = OSSL_DECODER_CTX_set_passphrase_cb(
            ctx.get(), [](char*, std::size_t, std::size_t*, const OSSL_PARAM*, void*) -> int { return 0; }, nullptr);
    }
    if (ok != 1) return nullptr;
    const unsigned char* p = data.data();
    std::size_t left = data.size();
    ok = OSSL_DECODER_from_data(ctx.get(), &p, &left);
    pkey_ptr key(raw);
    if (ok != 1 || !key || (whole && left != 0)) return nullptr;
    return key;
}

/// The public key of the first certificate in PEM text; nullptr when there is none. The certificate is only
/// a container here: its validity period, issuer and extensions are not checked.
inline pkey_ptr pkey_from_certificate_pem(std::string_view pem) {
    if (pem.size() > static_cast<std::size_t>(INT32_MAX)) return nullptr;
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return nullptr;
    x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return nullptr;
    return pkey_ptr(X509_get_pubkey(cert.get()));
}

/// The public key of a DER certificate that spans all of `der`; nullptr otherwise.
inline pkey_ptr pkey_from_certificate_der(bytes_view der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(INT32_MAX)) return nullptr;
    const unsigned char* p = der.data();
    x509_ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert || p != der.data() + der.size()) return nullptr;
    return pkey_ptr(X509_get_pubkey(cert.get()));
}

/// A public key from PEM: SubjectPublicKeyInfo, PKCS#1 RSAPublicKey, or the key of an X.509 certificate.
/// Errors: errc::key_invalid.
inline result<pkey_ptr> load_public_pem(std::string_view pem) {
    openssl_error_scope scope;
    pkey_ptr key = is_certificate_label(first_pem_label(pem))
                       ? pkey_from_certificate_pem(pem)
                       : decode_pkey("PEM", bytes_view(pem.data(), pem.size()), EVP_PKEY_PUBLIC_KEY, {}, false);
    if (!key) return errc::key_invalid;
    return key;
}

/// A public key from DER: SubjectPublicKeyInfo (or PKCS#1 RSAPublicKey) or an X.509 certificate.
/// Errors: errc::key_invalid.
inline result<pkey_ptr> load_public_der(bytes_view der) {
    openssl_error_scope scope;
    pkey_ptr key = decode_pkey("DER", der, EVP_PKEY_PUBLIC_KEY, {}, true);
    if (!key) key = pkey_from_certificate_der(der);
    if (!key) return errc::key_invalid;
    return key;
}

/// A private key from PEM or DER (`input` "PEM"/"DER"): PKCS#8, encrypted PKCS#8 (with `password`), or the
/// traditional "RSA PRIVATE KEY" / "EC PRIVATE KEY" forms. In PEM the first block labelled "... PRIVATE KEY"
/// is read, so a file holding a certificate and then its key works. Errors: errc::key_not_private when the
/// input holds only a public key or a certificate, errc::key_invalid when it holds no key (or the password
/// is wrong or missing).
inline result<pkey_ptr> load_private(const char* input, bytes_view data, std::string_view password) {
    openssl_error_scope scope;
    if (std::strcmp(input, "PEM") == 0) {
        const std::string_view pem = data.as_chars();
        const std::size_t at = find_pem_block(pem, is_private_key_label);
        if (at != std::string_view::npos) {
            const std::string_view block = pem.substr(at);
            if (pkey_ptr key = decode_pkey("PEM", bytes_view(block.data(), block.size()), EVP_PKEY_KEYPAIR,
                                           password, false))
                return key;
            return errc::key_invalid;
        }
        if (find_pem_block(pem, is_certificate_label) != std::string_view::npos ||
            decode_pkey("PEM", data, EVP_PKEY_PUBLIC_KEY, {}, false))
            return errc::key_not_private;
        return errc::key_invalid;
    }
    if (pkey_ptr key = decode_pkey(input, data, EVP_PKEY_KEYPAIR, password, true)) return key;
    if (decode_pkey(input, data, EVP_PKEY_PUBLIC_KEY, {}, true) || pkey_from_certificate_der(data))
        return errc::key_not_private;
    return errc::key_invalid;
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
    const algorithm_family fam = family_of(alg);
    switch (fam) {
    case algorithm_family::hmac: return errc::key_algorithm_mismatch;
    case algorithm_family::rsa_pkcs1:
    case algorithm_family::rsa_pss: {
        if (!EVP_PKEY_is_a(pkey, "RSA")) return errc::key_algorithm_mismatch;
        const int bits = EVP_PKEY_get_bits(pkey);
        if (bits <= 0) return errc::key_invalid;
        if (bits < rsa_min_bits) return errc::key_too_weak;
        if (bits > rsa_max_bits) return errc::key_invalid;
        BIGNUM* raw = nullptr;
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &raw) != 1 || !raw) return errc::key_invalid;
        bignum_ptr e(raw);
        if (!BN_is_odd(e.get()) || BN_is_one(e.get())) return errc::key_invalid;
        if (BN_num_bits(e.get()) < 17) return errc::key_too_weak; // e < 65537 = 2^16 + 1
        shape.signature_size = static_cast<std::size_t>(EVP_PKEY_get_size(pkey));
        break;
    }
    case algorithm_family::ecdsa: {
        if (!EVP_PKEY_is_a(pkey, "EC")) return errc::key_algorithm_mismatch;
        char name[80] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &len) != 1) return errc::key_algorithm_mismatch;
        int nid = OBJ_sn2nid(name);
        if (nid == NID_undef) nid = EC_curve_nist2nid(name);
        if (nid == NID_undef || nid != ecdsa_curve_nid(alg)) return errc::key_algorithm_mismatch;
        shape.coordinate_size = ecdsa_coordinate_size(alg);
        shape.signature_size = 2 * shape.coordinate_size;
        BIGNUM* raw = nullptr;
        if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_ORDER, &raw) != 1 || !raw) return errc::key_invalid;
        bignum_ptr order(raw);
        if (BN_bn2binpad(order.get(), shape.order.data(), static_cast<int>(shape.coordinate_size)) < 0)
            return errc::key_invalid;
        // Rejects the point at infinity and points off the curve: with Q = infinity anyone could forge.
        pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
        if (!ctx) return errc::crypto_failure;
        if (EVP_PKEY_public_check(ctx.get()) != 1) return errc::key_invalid;
        break;
    }
    case algorithm_family::eddsa: {
        const bool ed25519 = EVP_PKEY_is_a(pkey, "ED25519") == 1;
        const bool ed448 = EVP_PKEY_is_a(pkey, "ED448") == 1;
        if (!(ed25519 || ed448) || (alg == algorithm::ed25519 && !ed25519) || (alg == algorithm::ed448 && !ed448))
            return errc::key_algorithm_mismatch;
        shape.signature_size = ed25519 ? 64 : 114; // RFC 8032 §5.1.6 and §5.2.6
        // OpenSSL stores any 32 or 57 octets as a public key; under a small-order one anyone can forge.
        std::uint8_t raw[57];
        std::size_t len = sizeof raw;
        if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1) return errc::key_invalid;
        if (auto r = check_eddsa_point(ed25519 ? eddsa_curve::ed25519 : eddsa_curve::ed448, raw, len); !r)
            return r.error();
        break;
    }
    }
    if (need_private)
        if (auto r = check_private(pkey, fam); !r) return r.error();
    return shape;
}

// ---------------------------------------------------------------------------------------------------------
// ECDSA signature formats

/// True when the big-endian `width`-octet integer `v` is in [1, n-1]. JWS r and s outside that range are
/// never valid (RFC 7518 §3.4, FIPS 186-5 §6.4.2); checking here keeps a bug like CVE-2022-21449 (r = s = 0
/// accepted) out whatever the library below does.
inline bool ecdsa_scalar_in_range(const std::uint8_t* v, const std::uint8_t* n, std::size_t width) noexcept {
    bool nonzero = false;
    for (std::size_t i = 0; i < width; ++i) nonzero = nonzero || v[i] != 0;
    if (!nonzero) return false;
    for (std::size_t i = 0; i < width; ++i)
        if (v[i] != n[i]) return v[i] < n[i];
    return false; // v == n
}

/// Longest DER ECDSA-Sig-Value jot writes: SEQUENCE with a two-octet length over two INTEGERs of 67 octets.
inline constexpr std::size_t ecdsa_der_max = 3 + 2 * (2 + ecdsa_max_coordinate + 1);

/// Writes one DER INTEGER holding the unsigned big-endian `v` (non-zero), minimal as DER requires.
inline std::size_t der_put_unsigned(const std::uint8_t* v, std::size_t width, std::uint8_t* out) noexcept {
    while (width > 1 && *v == 0) {
        ++v;
        --width;
    }
    const bool pad = (*v & 0x80) != 0;
    std::size_t n = 0;
    out[n++] = 0x02;
    out[n++] = static_cast<std::uint8_t>(width + (pad ? 1 : 0));
    if (pad) out[n++] = 0x00;
    std::memcpy(out + n, v, width);
    return n + width;
}

/// Converts the JWS r||s form (two `coordinate`-octet halves) to the DER ECDSA-Sig-Value OpenSSL verifies.
/// `out` must hold ecdsa_der_max octets. Returns the DER length.
inline std::size_t ecdsa_p1363_to_der(const std::uint8_t* sig, std::size_t coordinate, std::uint8_t* out) noexcept {
    std::uint8_t body[ecdsa_der_max];
    std::size_t len = der_put_unsigned(sig, coordinate, body);
    len += der_put_unsigned(sig + coordinate, coordinate, body + len);
    std::size_t n = 0;
    out[n++] = 0x30;
    if (len >= 0x80) out[n++] = 0x81; // at most 2 * 69 octets: one length octet after 0x81
    out[n++] = static_cast<std::uint8_t>(len);
    std::memcpy(out + n, body, len);
    return n + len;
}

/// Converts OpenSSL's DER ECDSA-Sig-Value to the JWS r||s form; false when the DER cannot be that.
inline bool ecdsa_der_to_p1363(const std::uint8_t* der, std::size_t len, std::size_t coordinate,
                               std::uint8_t* out) noexcept {
    const unsigned char* p = der;
    ecdsa_sig_ptr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    if (!sig) return false;
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    const int width = static_cast<int>(coordinate);
    return BN_bn2binpad(r, out, width) == width && BN_bn2binpad(s, out + coordinate, width) == width;
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
        if (!ctx) {
            clear_openssl_errors();
            return errc::crypto_failure;
        }
        // 1 is a valid signature; 0 and negative values both mean "not valid" for input a caller cannot
        // trust (e.g. an RSA signature representative >= n), so they are one code.
        if (EVP_DigestVerify(ctx.get(), sig, sig_len, reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) != 1) {
            clear_openssl_errors();
            return errc::signature_invalid;
        }
        return {};
    }

    /// Signs into `out` and returns the JWS signature length (ECDSA as r||s).
    /// Errors: errc::invalid_argument (capacity under signature_size()), errc::crypto_failure.
    result<std::size_t> sign(std::string_view input, std::uint8_t* out, std::size_t capacity) const {
        if (capacity < shape_.signature_size || !out) return errc::invalid_argument;
        md_ctx_ptr ctx = context();
        if (!ctx) {
            clear_openssl_errors();
            return errc::crypto_failure;
        }
        const auto* in = reinterpret_cast<const unsigned char*>(input.data());
        if (const std::size_t c = shape_.coordinate_size; c != 0) {
            std::uint8_t der[ecdsa_der_max];
            std::size_t len = sizeof der;
            if (EVP_DigestSign(ctx.get(), der, &len, in, input.size()) != 1 ||
                !ecdsa_der_to_p1363(der, len, c, out)) {
                clear_openssl_errors();
                return errc::crypto_failure;
            }
            return 2 * c;
        }
        std::size_t len = capacity;
        if (EVP_DigestSign(ctx.get(), out, &len, in, input.size()) != 1 || len != shape_.signature_size) {
            clear_openssl_errors();
            return errc::crypto_failure;
        }
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
    md_ctx_ptr context() const {
        md_ctx_ptr ctx = template_ ? copy_context(template_.get()) : nullptr;
        if (!ctx && template_) clear_openssl_errors();
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
    unsigned char* data = nullptr;
    std::size_t len = 0;
    if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0 ||
        OSSL_ENCODER_to_data(ctx.get(), &data, &len) != 1 || !data)
        return errc::crypto_failure;
    std::string out(reinterpret_cast<const char*>(data), len);
    OPENSSL_clear_free(data, len);
    return out;
}

/// A new public-only EVP_PKEY holding the public half of `pkey`. Errors: errc::crypto_failure.
inline result<pkey_ptr> public_half(EVP_PKEY* pkey) {
    openssl_error_scope scope;
    OSSL_PARAM* params = nullptr;
    if (!pkey || EVP_PKEY_todata(pkey, EVP_PKEY_PUBLIC_KEY, &params) != 1) return errc::crypto_failure;
    struct params_free {
        OSSL_PARAM* p;
        ~params_free() { OSSL_PARAM_free(p); }
    } guard{params};
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params) != 1 || !out)
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
    unsigned int bits = rsa_min_bits;
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
