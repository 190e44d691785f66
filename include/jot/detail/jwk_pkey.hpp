// SPDX-License-Identifier: MIT
// JWK members to and from OpenSSL EVP_PKEY (RFC 7517, RFC 7518 §6, RFC 8037 §2): strict import, public export.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include "../algorithm.hpp"
#include "../base64url.hpp"
#include "../bytes.hpp"
#include "../error.hpp"
#include "../result.hpp"
#include "json_get.hpp"
#include "openssl.hpp"
#include "pkey.hpp"
#include "rsa_factors.hpp"

namespace jot::detail::jwk {

// ---------------------------------------------------------------------------------------------------------------
// Curves and key types

/// The JWK "kty" values jot reads (RFC 7518 §6.1, RFC 8037 §2).
using key_type = jwk_key_type;

/// One JWK "crv" jot can sign with, from the algorithm facts (jot/algorithm.hpp).
using curve = curve_facts;

/// The curve named `crv` for key type `kty`; nullptr when jot does not sign with it.
inline const curve* find_curve(key_type kty, std::string_view crv) noexcept {
    for (const curve& c : curve_table)
        if (c.kty == kty && c.jose_name == crv) return &c;
    return nullptr;
}

/// True for the OKP curves of RFC 8037 §3.2 that exist for key agreement only (never for signatures).
inline bool is_ecdh_only_curve(std::string_view crv) noexcept { return crv == "X25519" || crv == "X448"; }

/// Reads "kty". Errors: errc::key_invalid (absent, not a string, or not a registered type jot knows).
template <class Json>
result<key_type> read_key_type(const Json& jwk) {
    std::string_view s;
    if (!find_string_member(jwk, "kty", s)) return errc::key_invalid;
    for (key_type t : {key_type::ec, key_type::rsa, key_type::okp, key_type::oct})
        if (s == jwk_name(t)) return t;
    return errc::key_invalid;
}

/// Reads "crv" of an EC or OKP JWK. Errors: errc::key_invalid (absent, not a string, or unknown),
/// errc::key_algorithm_mismatch (X25519/X448: key agreement curves, RFC 8037 §3.2).
template <class Json>
result<const curve*> read_curve(const Json& jwk, key_type kty) {
    std::string_view name;
    if (!find_string_member(jwk, "crv", name)) return errc::key_invalid;
    if (const curve* c = find_curve(kty, name)) return c;
    if (kty == key_type::okp && is_ecdh_only_curve(name)) return errc::key_algorithm_mismatch;
    return errc::key_invalid;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading members

/// Decoded member octets, wiped when they die (they may be private key material).
class octets {
public:
    octets() = default;
    explicit octets(std::size_t n) : v_(n) {}
    octets(const octets&) = delete;
    octets& operator=(const octets&) = delete;
    octets(octets&& o) noexcept : v_(std::move(o.v_)) {}
    octets& operator=(octets&& o) noexcept {
        if (this != &o) {
            wipe();
            v_ = std::move(o.v_);
        }
        return *this;
    }
    ~octets() { wipe(); }

    std::uint8_t* data() noexcept { return v_.data(); }
    const std::uint8_t* data() const noexcept { return v_.data(); }
    std::size_t size() const noexcept { return v_.size(); }
    bytes_view view() const noexcept { return {v_.data(), v_.size()}; }

private:
    void wipe() noexcept {
        if (!v_.empty()) OPENSSL_cleanse(v_.data(), v_.size());
    }
    std::vector<std::uint8_t> v_;
};

/// Reads the base64url member `name` (canonical, unpadded: RFC 7515 §2) as octets.
/// Errors: errc::key_invalid when it is absent, not a string, empty, not canonical base64url, or longer than
/// `max_octets` once decoded (checked before decoding, so a huge member costs nothing).
template <class Json>
result<octets> read_octets(const Json& jwk, std::string_view name, std::size_t max_octets) {
    std::string_view s;
    if (!find_string_member(jwk, name, s)) return errc::key_invalid;
    if (s.empty() || s.size() % 4 == 1 || base64url::decoded_size(s.size()) > max_octets) return errc::key_invalid;
    octets out(base64url::decoded_size(s.size()));
    if (!base64url::decode_into(s, out.data())) return errc::key_invalid;
    return out;
}

/// Like read_octets, but the decoded length must be exactly `size` (EC coordinates and d, OKP keys).
template <class Json>
result<octets> read_fixed(const Json& jwk, std::string_view name, std::size_t size) {
    auto o = read_octets(jwk, name, size);
    if (!o) return o.error();
    if (o->size() != size) return errc::key_invalid;
    return o;
}

/// Reads an unsigned big-endian integer member (RFC 7518 §2 "Base64urlUInt") as a BIGNUM, in OpenSSL's secure
/// heap and flagged constant-time when `secret`. Leading zero octets are tolerated (some producers emit
/// two's-complement encodings); the value, not the spelling, is what is checked afterwards.
/// Errors: errc::key_invalid (see read_octets; also a zero value), errc::crypto_failure.
template <class Json>
result<bignum_ptr> read_uint(const Json& jwk, std::string_view name, std::size_t max_octets, bool secret) {
    auto o = read_octets(jwk, name, max_octets);
    if (!o) return o.error();
    openssl_error_scope scope;
    bignum_ptr bn(secret ? BN_secure_new() : BN_new());
    if (!bn) return errc::crypto_failure;
    if (secret) BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
    if (!BN_bin2bn(o->data(), static_cast<int>(o->size()), bn.get())) return errc::crypto_failure;
    if (BN_is_zero(bn.get())) return errc::key_invalid;
    return bn;
}

/// True when the JWK has member `name` at all (whatever its type).
template <class Json>
bool has_member(const Json& jwk, std::string_view name) {
    return find_member(jwk, name) != nullptr;
}

// ---------------------------------------------------------------------------------------------------------------
// Building keys

/// Largest RSA modulus read from a JWK, in octets: the largest jot binds to an algorithm (one more octet is
/// allowed for a leading zero). Checked before decoding, so an absurd "n" costs nothing.
inline constexpr std::size_t max_rsa_modulus_octets = rsa_max_bits / 8 + 1;
/// Largest RSA public exponent read from a JWK: 64 bits, the limit OpenSSL itself applies to moduli over 3072
/// bits (RSA_MAX_PUBEXP_BITS); real keys use 65537.
inline constexpr std::size_t max_rsa_exponent_octets = 8;

/// Whether to read the private members of a JWK.
enum class part { public_key, private_key };

/// Runs EVP_PKEY_fromdata for key type `type` on `params`. Errors: errc::key_invalid (OpenSSL refused the
/// values, e.g. an EC point not on the curve), errc::crypto_failure.
inline result<pkey_ptr> from_params(const char* type, const OSSL_PARAM* params, part which) {
    openssl_error_scope scope;
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return errc::crypto_failure;
    EVP_PKEY* raw = nullptr;
    const int selection = which == part::private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, const_cast<OSSL_PARAM*>(params)) != 1 || !raw)
        return errc::key_invalid;
    return pkey_ptr(raw);
}

/// Reads and checks the private members of an RSA JWK (RFC 7518 §6.3.2). "d" is required. Of "p", "q", "dp",
/// "dq" and "qi", either all or none must be present (§6.3.2: if one is, all must be); with none, they are
/// recovered from n, e and d. Multi-prime keys ("oth", §6.3.2.7) are not supported.
/// Errors: errc::key_not_private (no "d"), errc::key_invalid, errc::crypto_failure.
template <class Json>
result<rsa_private> read_rsa_private(const Json& jwk, const BIGNUM* n, const BIGNUM* e) {
    if (!has_member(jwk, "d")) return errc::key_not_private;
    if (has_member(jwk, "oth")) return errc::key_invalid;
    openssl_error_scope scope;
    const std::size_t nlen = static_cast<std::size_t>(BN_num_bytes(n));
    rsa_private k;
    auto d = read_uint(jwk, "d", nlen, true);
    if (!d) return d.error();
    k.d = std::move(*d);
    if (BN_cmp(k.d.get(), n) >= 0 || BN_is_one(k.d.get())) return errc::key_invalid;
    static constexpr const char* crt_names[5] = {"p", "q", "dp", "dq", "qi"};
    bignum_ptr* crt[5] = {&k.p, &k.q, &k.dp, &k.dq, &k.qi};
    int present = 0;
    for (const char* m : crt_names) present += has_member(jwk, m) ? 1 : 0;
    if (present != 0 && present != 5) return errc::key_invalid;
    bn_ctx_ptr ctx(BN_CTX_secure_new());
    if (!ctx) return errc::crypto_failure;
    if (present == 5) {
        for (int i = 0; i < 5; ++i) {
            auto v = read_uint(jwk, crt_names[i], nlen, true);
            if (!v) return v.error();
            *crt[i] = std::move(*v);
        }
    } else if (auto r = recover_rsa_factors(n, e, k, ctx.get()); !r) {
        return r.error();
    }
    if (auto r = check_rsa_private(n, e, k, ctx.get()); !r) return r.error();
    return k;
}

/// An RSA JWK (RFC 7518 §6.3) as an EVP_PKEY: "n" and "e", and for a private key the members read_rsa_private
/// reads. The modulus must be odd; e odd, at least 3 and below n (RFC 8017 §3.1). The algorithm's own limits
/// (2048 bits, e ≥ 65537) are checked where the key is bound to an algorithm.
/// Errors: errc::key_invalid, errc::key_not_private, errc::crypto_failure.
template <class Json>
result<pkey_ptr> rsa_from_jwk(const Json& jwk, part which) {
    auto n = read_uint(jwk, "n", max_rsa_modulus_octets, false);
    if (!n) return n.error();
    auto e = read_uint(jwk, "e", max_rsa_exponent_octets, false);
    if (!e) return e.error();
    if (!BN_is_odd(n->get()) || !BN_is_odd(e->get()) || BN_is_one(e->get()) || BN_cmp(e->get(), n->get()) >= 0)
        return errc::key_invalid;

    openssl_error_scope scope;
    param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n->get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e->get()) != 1)
        return errc::crypto_failure;
    rsa_private k;
    if (which == part::private_key) {
        auto priv = read_rsa_private(jwk, n->get(), e->get());
        if (!priv) return priv.error();
        k = std::move(*priv);
        // Secure BIGNUMs make OSSL_PARAM_BLD put these values in the secure block that OSSL_PARAM_free wipes.
        const std::pair<const char*, const BIGNUM*> members[] = {
            {OSSL_PKEY_PARAM_RSA_D, k.d.get()},          {OSSL_PKEY_PARAM_RSA_FACTOR1, k.p.get()},
            {OSSL_PKEY_PARAM_RSA_FACTOR2, k.q.get()},    {OSSL_PKEY_PARAM_RSA_EXPONENT1, k.dp.get()},
            {OSSL_PKEY_PARAM_RSA_EXPONENT2, k.dq.get()}, {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, k.qi.get()},
        };
        for (const auto& [name, value] : members)
            if (OSSL_PARAM_BLD_push_BN(bld.get(), name, value) != 1) return errc::crypto_failure;
    }
    params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) return errc::crypto_failure;
    return from_params(facts_of(algorithm::rs256).openssl_key_type, params.get(), which);
}

/// Runs one of OpenSSL's EVP_PKEY_*check functions. Errors: errc::key_invalid, errc::crypto_failure.
inline result<void> run_check(EVP_PKEY* key, int (*check)(EVP_PKEY_CTX*)) {
    openssl_error_scope scope;
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx) return errc::crypto_failure;
    if (check(ctx.get()) != 1) return errc::key_invalid;
    return {};
}

/// An EC JWK (RFC 7518 §6.2) as an EVP_PKEY. "x" and "y" must each be exactly the coordinate size and "d" exactly
/// the size of the order (RFC 7518 §6.2.1.2, §6.2.1.3, §6.2.2.1). The point must lie on the curve (OpenSSL refuses
/// it in EVP_PKEY_fromdata otherwise) and pass ec_public_check; a private key must pass EVP_PKEY_check,
/// which tests 0 < d < order and d·G = (x, y).
/// Errors: errc::key_invalid, errc::key_not_private, errc::crypto_failure.
template <class Json>
result<pkey_ptr> ec_from_jwk(const Json& jwk, const curve& c, part which) {
    auto x = read_fixed(jwk, "x", c.public_size);
    if (!x) return x.error();
    auto y = read_fixed(jwk, "y", c.public_size);
    if (!y) return y.error();
    // SEC 1 §2.3.3 uncompressed point: 0x04 || X || Y.
    std::vector<std::uint8_t> point(1 + 2 * c.public_size);
    point[0] = 0x04;
    std::copy(x->data(), x->data() + x->size(), point.begin() + 1);
    std::copy(y->data(), y->data() + y->size(), point.begin() + 1 + static_cast<std::ptrdiff_t>(c.public_size));

    openssl_error_scope scope;
    param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, c.openssl_group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return errc::crypto_failure;
    bignum_ptr d;
    if (which == part::private_key) {
        if (!has_member(jwk, "d")) return errc::key_not_private;
        auto dv = read_fixed(jwk, "d", c.private_size);
        if (!dv) return dv.error();
        d = secret_bn();
        if (!d) return errc::crypto_failure;
        if (!BN_bin2bn(dv->data(), static_cast<int>(dv->size()), d.get()) ||
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1)
            return errc::crypto_failure;
    }
    params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) return errc::crypto_failure;
    auto key = from_params(c.openssl_key_type, params.get(), which);
    if (!key) return key.error();
    if (auto r = run_check(key->get(), which == part::private_key ? EVP_PKEY_check : ec_public_check); !r)
        return r.error();
    return key;
}

/// An OKP JWK (RFC 8037 §2) as an EVP_PKEY: "x" (and "d") exactly 32 octets for Ed25519, 57 for Ed448. A private
/// key is built from "d" alone and the public key OpenSSL derives from it must equal "x" (otherwise the JWK
/// describes two different keys).
/// Errors: errc::key_invalid, errc::key_not_private, errc::crypto_failure.
template <class Json>
result<pkey_ptr> okp_from_jwk(const Json& jwk, const curve& c, part which) {
    auto x = read_fixed(jwk, "x", c.public_size);
    if (!x) return x.error();
    if (which == part::public_key) {
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, x->data(), x->size()),
            OSSL_PARAM_construct_end(),
        };
        return from_params(c.openssl_key_type, params, which);
    }
    if (!has_member(jwk, "d")) return errc::key_not_private;
    auto d = read_fixed(jwk, "d", c.private_size);
    if (!d) return d.error();
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, d->data(), d->size()),
        OSSL_PARAM_construct_end(),
    };
    auto key = from_params(c.openssl_key_type, params, which);
    if (!key) return key.error();
    openssl_error_scope scope;
    std::uint8_t derived[64];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key->get(), OSSL_PKEY_PARAM_PUB_KEY, derived, sizeof derived, &len) != 1)
        return errc::crypto_failure;
    if (len != x->size() || !std::equal(derived, derived + len, x->data())) return errc::key_invalid;
    return key;
}

/// The asymmetric key a JWK describes, public part only or with its private part.
/// Errors: errc::key_invalid (malformed or inconsistent members, unknown "kty" or "crv"),
/// errc::key_algorithm_mismatch ("kty":"oct", or an X25519/X448 key), errc::key_not_private, errc::crypto_failure.
template <class Json>
result<pkey_ptr> pkey_from_jwk(const Json& jwk, part which) {
    if (!json_is_object(jwk)) return errc::key_invalid;
    auto kty = read_key_type(jwk);
    if (!kty) return kty.error();
    switch (*kty) {
    case key_type::rsa: return rsa_from_jwk(jwk, which);
    case key_type::ec: {
        auto c = read_curve(jwk, key_type::ec);
        if (!c) return c.error();
        return ec_from_jwk(jwk, **c, which);
    }
    case key_type::okp: {
        auto c = read_curve(jwk, key_type::okp);
        if (!c) return c.error();
        return okp_from_jwk(jwk, **c, which);
    }
    case key_type::oct: return errc::key_algorithm_mismatch;
    }
    return errc::key_invalid;
}

// ---------------------------------------------------------------------------------------------------------------
// x5c (RFC 7517 §4.7)

/// Decodes standard base64 with padding (RFC 4648 §4), as "x5c" uses, strictly: length a multiple of 4, '='
/// only as the final one or two characters, canonical trailing bits, no whitespace.
inline result<std::string> decode_base64_standard(std::string_view in) {
    if (in.empty() || in.size() % 4 != 0) return errc::key_invalid;
    std::size_t pad = 0;
    while (pad < 2 && in[in.size() - 1 - pad] == '=') ++pad;
    std::string url(in.substr(0, in.size() - pad));
    for (char& ch : url) {
        if (ch == '-' || ch == '_') return errc::key_invalid;
        if (ch == '+') ch = '-';
        else if (ch == '/') ch = '_';
    }
    auto out = base64url::decode<std::string>(url);
    if (!out) return errc::key_invalid;
    return out;
}

/// When the JWK has "x5c", checks that it is a non-empty array of base64 DER certificates and that the first one
/// holds the same public key as the JWK's other members (RFC 7517 §4.7: "MUST match"). The chain itself is not
/// validated: jot does not decide trust in certificates; a caller who relies on x5c must validate it.
/// Errors: errc::key_invalid, errc::crypto_failure.
template <class Json>
result<void> check_x5c(const Json& jwk, const EVP_PKEY* key) {
    const Json* v = find_member(jwk, "x5c");
    if (!v) return {};
    if (!json_is_array(*v) || json_traits<Json>::size(*v) == 0) return errc::key_invalid;
    if (!json_all_of(*v, [](const Json& cert) { return json_is_string(cert); })) return errc::key_invalid;
    auto der = decode_base64_standard(json_string(json_traits<Json>::at(*v, 0)));
    if (!der) return der.error();
    openssl_error_scope scope;
    pkey_ptr cert_key = pkey_from_certificate_der(bytes_view(der->data(), der->size()));
    if (!cert_key || EVP_PKEY_eq(key, cert_key.get()) != 1) return errc::key_invalid;
    return {};
}

// ---------------------------------------------------------------------------------------------------------------
// Export

/// The curve of an EC or EdDSA key; nullptr for other keys and for curves jot does not sign with.
inline const curve* curve_of(const EVP_PKEY* key) noexcept {
    openssl_error_scope scope;
    char name[64];
    std::size_t len = 0;
    const bool ec = EVP_PKEY_is_a(key, facts_of(algorithm::es256).openssl_key_type) == 1;
    if (ec && EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1)
        return nullptr;
    for (const curve& c : curve_table) {
        if (ec && c.kty == key_type::ec && std::string_view(name, len) == c.openssl_group) return &c;
        if (!ec && c.kty == key_type::okp && EVP_PKEY_is_a(key, c.openssl_key_type)) return &c;
    }
    return nullptr;
}

/// base64url of a BIGNUM parameter, in the minimum number of octets (RFC 7518 §2 Base64urlUInt), or left-padded
/// to `width` octets when width != 0 (EC coordinates, RFC 7518 §6.2.1.2). Errors: errc::crypto_failure.
inline result<std::string> bn_param_b64(const EVP_PKEY* key, const char* name, std::size_t width) {
    openssl_error_scope scope;
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1 || !raw) return errc::crypto_failure;
    bignum_ptr bn(raw);
    const std::size_t len = width ? width : static_cast<std::size_t>(BN_num_bytes(bn.get()));
    std::vector<std::uint8_t> buf(len == 0 ? 1 : len);
    if (BN_bn2binpad(bn.get(), buf.data(), static_cast<int>(buf.size())) < 0) return errc::crypto_failure;
    return base64url::encode(bytes_view(buf.data(), buf.size()));
}

/// The public members of a key as (name, value) pairs in RFC 7638 order (lexicographic), "kty" included:
/// RSA e, kty, n; EC crv, kty, x, y; OKP crv, kty, x. These are exactly the RFC 7638 §3.2 required members.
/// Errors: errc::key_invalid (a key type or curve JWK cannot describe), errc::crypto_failure.
inline result<std::vector<std::pair<std::string, std::string>>> public_members(const EVP_PKEY* key) {
    std::vector<std::pair<std::string, std::string>> out;
    // RSASSA-PSS-restricted keys ("RSA-PSS") are refused when bound to an algorithm, but have a JWK form.
    if (EVP_PKEY_is_a(key, facts_of(algorithm::rs256).openssl_key_type) || EVP_PKEY_is_a(key, "RSA-PSS")) {
        auto n = bn_param_b64(key, OSSL_PKEY_PARAM_RSA_N, 0);
        if (!n) return n.error();
        auto e = bn_param_b64(key, OSSL_PKEY_PARAM_RSA_E, 0);
        if (!e) return e.error();
        out.emplace_back("e", std::move(*e));
        out.emplace_back("kty", jwk_name(key_type::rsa));
        out.emplace_back("n", std::move(*n));
        return out;
    }
    const curve* c = curve_of(key);
    if (!c) return errc::key_invalid;
    out.emplace_back("crv", std::string(c->jose_name));
    if (c->kty == key_type::ec) {
        auto x = bn_param_b64(key, OSSL_PKEY_PARAM_EC_PUB_X, c->public_size);
        if (!x) return x.error();
        auto y = bn_param_b64(key, OSSL_PKEY_PARAM_EC_PUB_Y, c->public_size);
        if (!y) return y.error();
        out.emplace_back("kty", jwk_name(key_type::ec));
        out.emplace_back("x", std::move(*x));
        out.emplace_back("y", std::move(*y));
        return out;
    }
    openssl_error_scope scope;
    std::uint8_t pub[64];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len) != 1 ||
        len != c->public_size)
        return errc::crypto_failure;
    out.emplace_back("kty", jwk_name(key_type::okp));
    out.emplace_back("x", base64url::encode(bytes_view(pub, len)));
    return out;
}

} // namespace jot::detail::jwk
