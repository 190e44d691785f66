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

namespace jot::detail::jwk {

// ---------------------------------------------------------------------------------------------------------------
// Curves and key types

/// The JWK "kty" values jot reads (RFC 7518 §6.1, RFC 8037 §2).
enum class key_type { ec, rsa, okp, oct };

/// One JWK "crv" jot can sign with: its JOSE name, the OpenSSL name, the octet sizes RFC 7518 §6.2.1.2 /
/// RFC 8037 §2 fix for its members, and the algorithm a JWK of this curve implies when it names none.
struct curve {
    std::string_view jose_name;  ///< "crv" value
    const char* openssl_name;    ///< EC group short name, or the OpenSSL key type for OKP
    key_type kty;
    std::size_t public_size;     ///< EC: octets of x and of y; OKP: octets of x
    std::size_t private_size;    ///< octets of d
    jot::algorithm alg;          ///< the only (EC) or generic (OKP: "EdDSA") algorithm for the curve
};

// OpenSSL reports EC groups by their short names (OBJ_nid2sn), so those are the names used here.
inline constexpr curve curves[] = {
    {"P-256", "prime256v1", key_type::ec, 32, 32, algorithm::es256},
    {"P-384", "secp384r1", key_type::ec, 48, 48, algorithm::es384},
    {"P-521", "secp521r1", key_type::ec, 66, 66, algorithm::es512},
    {"secp256k1", "secp256k1", key_type::ec, 32, 32, algorithm::es256k},
    {"Ed25519", "ED25519", key_type::okp, 32, 32, algorithm::eddsa},
    {"Ed448", "ED448", key_type::okp, 57, 57, algorithm::eddsa},
};

/// The curve named `crv` for key type `kty`; nullptr when jot does not sign with it.
inline const curve* find_curve(key_type kty, std::string_view crv) noexcept {
    for (const curve& c : curves)
        if (c.kty == kty && c.jose_name == crv) return &c;
    return nullptr;
}

/// True for the OKP curves of RFC 8037 §3.2 that exist for key agreement only (never for signatures).
inline bool is_ecdh_only_curve(std::string_view crv) noexcept { return crv == "X25519" || crv == "X448"; }

/// Reads "kty". Errors: errc::key_invalid (absent, not a string, or not a registered type jot knows).
template <class Json>
result<key_type> read_key_type(const Json& jwk) {
    const Json* v = find_member(jwk, "kty");
    if (!v || !v->is_string()) return errc::key_invalid;
    const auto& s = v->template get_ref<const typename Json::string_t&>();
    if (s == "EC") return key_type::ec;
    if (s == "RSA") return key_type::rsa;
    if (s == "OKP") return key_type::okp;
    if (s == "oct") return key_type::oct;
    return errc::key_invalid;
}

/// Reads "crv" of an EC or OKP JWK. Errors: errc::key_invalid (absent, not a string, or unknown),
/// errc::key_algorithm_mismatch (X25519/X448: key agreement curves, RFC 8037 §3.2).
template <class Json>
result<const curve*> read_curve(const Json& jwk, key_type kty) {
    const Json* v = find_member(jwk, "crv");
    if (!v || !v->is_string()) return errc::key_invalid;
    const auto& s = v->template get_ref<const typename Json::string_t&>();
    const std::string_view name(s.data(), s.size());
    if (const curve* c = find_curve(kty, name)) return c;
    if (kty == key_type::okp && is_ecdh_only_curve(name)) return errc::key_algorithm_mismatch;
    return errc::key_invalid;
}

// ---------------------------------------------------------------------------------------------------------------
// OpenSSL handles used only here

struct param_bld_deleter {
    void operator()(OSSL_PARAM_BLD* p) const noexcept { OSSL_PARAM_BLD_free(p); }
};
struct params_deleter {
    void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
using bn_ptr = bignum_ptr;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, param_bld_deleter>;
using params_ptr = std::unique_ptr<OSSL_PARAM, params_deleter>;

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

// ---------------------------------------------------------------------------------------------------------------
// Reading members

/// Reads the base64url member `name` (canonical, unpadded: RFC 7515 §2) as octets.
/// Errors: errc::key_invalid when it is absent, not a string, empty, not canonical base64url, or longer than
/// `max_octets` once decoded (checked before decoding, so a huge member costs nothing).
template <class Json>
result<octets> read_octets(const Json& jwk, std::string_view name, std::size_t max_octets) {
    const Json* v = find_member(jwk, name);
    if (!v || !v->is_string()) return errc::key_invalid;
    const auto& s = v->template get_ref<const typename Json::string_t&>();
    if (s.empty() || s.size() % 4 == 1 || base64url::decoded_size(s.size()) > max_octets) return errc::key_invalid;
    octets out(base64url::decoded_size(s.size()));
    if (!base64url::decode_into(std::string_view(s.data(), s.size()), out.data())) return errc::key_invalid;
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
result<bn_ptr> read_uint(const Json& jwk, std::string_view name, std::size_t max_octets, bool secret) {
    auto o = read_octets(jwk, name, max_octets);
    if (!o) return o.error();
    bn_ptr bn(secret ? BN_secure_new() : BN_new());
    if (!bn) return errc::crypto_failure;
    if (secret) BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
    if (!BN_bin2bn(o->data(), static_cast<int>(o->size()), bn.get())) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
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
inline constexpr std::size_t max_rsa_modulus_octets = static_cast<std::size_t>(rsa_max_bits) / 8 + 1;
/// Largest RSA public exponent read from a JWK: 64 bits, the limit OpenSSL itself applies to moduli over 3072
/// bits (RSA_MAX_PUBEXP_BITS); real keys use 65537.
inline constexpr std::size_t max_rsa_exponent_octets = 8;

/// Whether to read the private members of a JWK.
enum class part { public_key, private_key };

/// Runs EVP_PKEY_fromdata for key type `type` on `params`. Errors: errc::key_invalid (OpenSSL refused the
/// values, e.g. an EC point not on the curve), errc::crypto_failure.
inline result<pkey_ptr> from_params(const char* type, const OSSL_PARAM* params, part which) {
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    EVP_PKEY* raw = nullptr;
    const int selection = which == part::private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, const_cast<OSSL_PARAM*>(params)) != 1 || !raw) {
        clear_openssl_errors();
        return errc::key_invalid;
    }
    return pkey_ptr(raw);
}

/// The private members of an RSA key (RFC 7518 §6.3.2), each a constant-time BIGNUM in the secure heap.
struct rsa_private {
    bn_ptr d, p, q, dp, dq, qi;
};

/// A BIGNUM for secret values: secure heap, constant-time flag. nullptr when OpenSSL is out of memory.
inline bn_ptr secret_bn() {
    bn_ptr bn(BN_secure_new());
    if (bn) BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
    return bn;
}

/// Fills p, q, dp, dq and qi of a key that came with d alone, so it signs with the CRT like any other key.
/// The factors follow from n, e and d (NIST SP 800-56B Rev. 2 Appendix C.2): with d·e − 1 = 2^t·r, r odd, the
/// sequence g^r, g^2r, ... mod n for a small base g reaches 1, and the term y before it, unless it is −1, is a
/// non-trivial square root of 1, so gcd(y − 1, n) = p. Each base fails with probability at most 1/2.
/// Errors: errc::key_invalid (no factor found: d does not belong to n and e), errc::crypto_failure.
inline result<void> recover_rsa_factors(const BIGNUM* n, const BIGNUM* e, rsa_private& k, BN_CTX* ctx) {
    bn_ptr r = secret_bn(), y = secret_bn(), x = secret_bn(), rem = secret_bn(), nm1(BN_new()), g(BN_new());
    k.p = secret_bn();
    k.q = secret_bn();
    if (!r || !y || !x || !rem || !nm1 || !g || !k.p || !k.q) return errc::crypto_failure;
    if (BN_mul(r.get(), k.d.get(), e, ctx) != 1 || BN_sub_word(r.get(), 1) != 1 ||
        BN_sub(nm1.get(), n, BN_value_one()) != 1)
        return errc::crypto_failure;
    if (BN_is_zero(r.get())) return errc::key_invalid;
    int t = 0;
    while (!BN_is_odd(r.get())) {
        if (BN_rshift1(r.get(), r.get()) != 1) return errc::crypto_failure;
        ++t;
    }
    if (t == 0) return errc::key_invalid; // d·e − 1 is a multiple of the even λ(n) for a real key
    static constexpr unsigned bases[] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41,
                                         43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};
    for (unsigned base : bases) {
        if (BN_set_word(g.get(), base) != 1 ||
            BN_mod_exp_mont_consttime(y.get(), g.get(), r.get(), n, ctx, nullptr) != 1)
            return errc::crypto_failure;
        if (BN_is_one(y.get()) || BN_cmp(y.get(), nm1.get()) == 0) continue;
        for (int i = 0; i < t; ++i) {
            if (BN_mod_sqr(x.get(), y.get(), n, ctx) != 1) return errc::crypto_failure;
            if (BN_is_one(x.get())) {
                if (BN_sub(y.get(), y.get(), BN_value_one()) != 1 || BN_gcd(k.p.get(), y.get(), n, ctx) != 1 ||
                    BN_div(k.q.get(), rem.get(), n, k.p.get(), ctx) != 1)
                    return errc::crypto_failure;
                if (!BN_is_zero(rem.get()) || BN_is_one(k.p.get()) || BN_is_one(k.q.get())) return errc::key_invalid;
                k.dp = secret_bn();
                k.dq = secret_bn();
                k.qi = secret_bn();
                bn_ptr pm1 = secret_bn(), qm1 = secret_bn();
                if (!k.dp || !k.dq || !k.qi || !pm1 || !qm1 || BN_sub(pm1.get(), k.p.get(), BN_value_one()) != 1 ||
                    BN_sub(qm1.get(), k.q.get(), BN_value_one()) != 1 ||
                    BN_mod(k.dp.get(), k.d.get(), pm1.get(), ctx) != 1 ||
                    BN_mod(k.dq.get(), k.d.get(), qm1.get(), ctx) != 1)
                    return errc::crypto_failure;
                if (!BN_mod_inverse(k.qi.get(), k.q.get(), k.p.get(), ctx)) return errc::key_invalid;
                return {};
            }
            if (BN_cmp(x.get(), nm1.get()) == 0) break;
            if (!BN_copy(y.get(), x.get())) return errc::crypto_failure;
        }
    }
    return errc::key_invalid;
}

/// Checks an RSA private key's members against each other with plain BIGNUM arithmetic (RFC 7518 §6.3.2.2-6):
/// 1 < d < n, p·q = n, d·e ≡ 1 mod p−1 and mod q−1, dp = d mod p−1, dq = d mod q−1, qi·q ≡ 1 mod p with qi < p.
/// OpenSSL 3.0's EVP_PKEY_pairwise_check would also test p and q for primality, tens of milliseconds per key.
/// Errors: errc::key_invalid (inconsistent), errc::crypto_failure.
inline result<void> check_rsa_private(const BIGNUM* n, const BIGNUM* e, const rsa_private& k, BN_CTX* ctx) {
    bn_ptr t = secret_bn(), u = secret_bn(), pm1 = secret_bn(), qm1 = secret_bn();
    if (!t || !u || !pm1 || !qm1) return errc::crypto_failure;
    if (BN_cmp(k.p.get(), BN_value_one()) <= 0 || BN_cmp(k.q.get(), BN_value_one()) <= 0) return errc::key_invalid;
    if (BN_mul(t.get(), k.p.get(), k.q.get(), ctx) != 1) return errc::crypto_failure;
    if (BN_cmp(t.get(), n) != 0) return errc::key_invalid;
    if (BN_sub(pm1.get(), k.p.get(), BN_value_one()) != 1 || BN_sub(qm1.get(), k.q.get(), BN_value_one()) != 1 ||
        BN_mul(t.get(), k.d.get(), e, ctx) != 1)
        return errc::crypto_failure;
    for (const BIGNUM* m : {pm1.get(), qm1.get()}) {
        if (BN_mod(u.get(), t.get(), m, ctx) != 1) return errc::crypto_failure;
        if (!BN_is_one(u.get())) return errc::key_invalid;
    }
    if (BN_mod(t.get(), k.d.get(), pm1.get(), ctx) != 1) return errc::crypto_failure;
    if (BN_cmp(t.get(), k.dp.get()) != 0) return errc::key_invalid;
    if (BN_mod(t.get(), k.d.get(), qm1.get(), ctx) != 1) return errc::crypto_failure;
    if (BN_cmp(t.get(), k.dq.get()) != 0) return errc::key_invalid;
    if (BN_cmp(k.qi.get(), k.p.get()) >= 0) return errc::key_invalid;
    if (BN_mod_mul(t.get(), k.qi.get(), k.q.get(), k.p.get(), ctx) != 1) return errc::crypto_failure;
    if (!BN_is_one(t.get())) return errc::key_invalid;
    return {};
}

/// Reads and checks the private members of an RSA JWK (RFC 7518 §6.3.2). "d" is required. Of "p", "q", "dp",
/// "dq" and "qi", either all or none must be present (§6.3.2: if one is, all must be); with none, they are
/// recovered from n, e and d. Multi-prime keys ("oth", §6.3.2.7) are not supported.
/// Errors: errc::key_not_private (no "d"), errc::key_invalid, errc::crypto_failure.
template <class Json>
result<rsa_private> read_rsa_private(const Json& jwk, const BIGNUM* n, const BIGNUM* e) {
    if (!has_member(jwk, "d")) return errc::key_not_private;
    if (has_member(jwk, "oth")) return errc::key_invalid;
    const std::size_t nlen = static_cast<std::size_t>(BN_num_bytes(n));
    rsa_private k;
    auto d = read_uint(jwk, "d", nlen, true);
    if (!d) return d.error();
    k.d = std::move(*d);
    if (BN_cmp(k.d.get(), n) >= 0 || BN_is_one(k.d.get())) return errc::key_invalid;
    static constexpr const char* crt_names[5] = {"p", "q", "dp", "dq", "qi"};
    bn_ptr* crt[5] = {&k.p, &k.q, &k.dp, &k.dq, &k.qi};
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
        clear_openssl_errors();
        return r.error();
    }
    auto r = check_rsa_private(n, e, k, ctx.get());
    clear_openssl_errors();
    if (!r) return r.error();
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

    param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n->get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e->get()) != 1) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
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
            if (OSSL_PARAM_BLD_push_BN(bld.get(), name, value) != 1) {
                clear_openssl_errors();
                return errc::crypto_failure;
            }
    }
    params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    return from_params("RSA", params.get(), which);
}

/// Runs one of OpenSSL's EVP_PKEY_*check functions. Errors: errc::key_invalid, errc::crypto_failure.
inline result<void> run_check(EVP_PKEY* key, int (*check)(EVP_PKEY_CTX*)) {
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!ctx) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    const int r = check(ctx.get());
    clear_openssl_errors();
    if (r != 1) return errc::key_invalid;
    return {};
}

/// An EC JWK (RFC 7518 §6.2) as an EVP_PKEY. "x" and "y" must each be exactly the coordinate size and "d" exactly
/// the size of the order (RFC 7518 §6.2.1.2, §6.2.1.3, §6.2.2.1). The point must lie on the curve (OpenSSL refuses
/// it in EVP_PKEY_fromdata otherwise) and pass EVP_PKEY_public_check; a private key must pass EVP_PKEY_check,
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

    param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, c.openssl_name, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    bn_ptr d;
    if (which == part::private_key) {
        if (!has_member(jwk, "d")) return errc::key_not_private;
        auto dv = read_fixed(jwk, "d", c.private_size);
        if (!dv) return dv.error();
        d = secret_bn();
        if (!d) return errc::crypto_failure;
        if (!BN_bin2bn(dv->data(), static_cast<int>(dv->size()), d.get()) ||
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1) {
            clear_openssl_errors();
            return errc::crypto_failure;
        }
    }
    params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
    if (!params) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    auto key = from_params("EC", params.get(), which);
    if (!key) return key.error();
    if (auto r = run_check(key->get(), which == part::private_key ? EVP_PKEY_check : EVP_PKEY_public_check); !r)
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
        return from_params(c.openssl_name, params, which);
    }
    if (!has_member(jwk, "d")) return errc::key_not_private;
    auto d = read_fixed(jwk, "d", c.private_size);
    if (!d) return d.error();
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, d->data(), d->size()),
        OSSL_PARAM_construct_end(),
    };
    auto key = from_params(c.openssl_name, params, which);
    if (!key) return key.error();
    std::uint8_t derived[64];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key->get(), OSSL_PKEY_PARAM_PUB_KEY, derived, sizeof derived, &len) != 1) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    if (len != x->size() || !std::equal(derived, derived + len, x->data())) return errc::key_invalid;
    return key;
}

/// The asymmetric key a JWK describes, public part only or with its private part.
/// Errors: errc::key_invalid (malformed or inconsistent members, unknown "kty" or "crv"),
/// errc::key_algorithm_mismatch ("kty":"oct", or an X25519/X448 key), errc::key_not_private, errc::crypto_failure.
template <class Json>
result<pkey_ptr> pkey_from_jwk(const Json& jwk, part which) {
    if (!jwk.is_object()) return errc::key_invalid;
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
    if (!v->is_array() || v->empty()) return errc::key_invalid;
    for (const auto& cert : *v)
        if (!cert.is_string()) return errc::key_invalid;
    const auto& first = (*v)[0].template get_ref<const typename Json::string_t&>();
    auto der = decode_base64_standard(std::string_view(first.data(), first.size()));
    if (!der) return der.error();
    pkey_ptr cert_key = pkey_from_certificate_der(bytes_view(der->data(), der->size()));
    const int eq = cert_key ? EVP_PKEY_eq(key, cert_key.get()) : 0;
    clear_openssl_errors();
    if (eq != 1) return errc::key_invalid;
    return {};
}

// ---------------------------------------------------------------------------------------------------------------
// Export

/// The curve of an EC or EdDSA key; nullptr for other keys and for curves jot does not sign with.
inline const curve* curve_of(const EVP_PKEY* key) noexcept {
    if (EVP_PKEY_is_a(key, "EC")) {
        char name[64];
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1) {
            clear_openssl_errors();
            return nullptr;
        }
        for (const curve& c : curves)
            if (c.kty == key_type::ec && std::string_view(name, len) == c.openssl_name) return &c;
        return nullptr;
    }
    for (const curve& c : curves)
        if (c.kty == key_type::okp && EVP_PKEY_is_a(key, c.openssl_name)) return &c;
    return nullptr;
}

/// base64url of a BIGNUM parameter, in the minimum number of octets (RFC 7518 §2 Base64urlUInt), or left-padded
/// to `width` octets when width != 0 (EC coordinates, RFC 7518 §6.2.1.2). Errors: errc::crypto_failure.
inline result<std::string> bn_param_b64(const EVP_PKEY* key, const char* name, std::size_t width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1 || !raw) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    bn_ptr bn(raw);
    const std::size_t len = width ? width : static_cast<std::size_t>(BN_num_bytes(bn.get()));
    std::vector<std::uint8_t> buf(len == 0 ? 1 : len);
    if (BN_bn2binpad(bn.get(), buf.data(), static_cast<int>(buf.size())) < 0) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    return base64url::encode(bytes_view(buf.data(), buf.size()));
}

/// The public members of a key as (name, value) pairs in RFC 7638 order (lexicographic), "kty" included:
/// RSA e, kty, n; EC crv, kty, x, y; OKP crv, kty, x. These are exactly the RFC 7638 §3.2 required members.
/// Errors: errc::key_invalid (a key type or curve JWK cannot describe), errc::crypto_failure.
inline result<std::vector<std::pair<std::string, std::string>>> public_members(const EVP_PKEY* key) {
    std::vector<std::pair<std::string, std::string>> out;
    if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
        auto n = bn_param_b64(key, OSSL_PKEY_PARAM_RSA_N, 0);
        if (!n) return n.error();
        auto e = bn_param_b64(key, OSSL_PKEY_PARAM_RSA_E, 0);
        if (!e) return e.error();
        out.emplace_back("e", std::move(*e));
        out.emplace_back("kty", "RSA");
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
        out.emplace_back("kty", "EC");
        out.emplace_back("x", std::move(*x));
        out.emplace_back("y", std::move(*y));
        return out;
    }
    std::uint8_t pub[64];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len) != 1 ||
        len != c->public_size) {
        clear_openssl_errors();
        return errc::crypto_failure;
    }
    out.emplace_back("kty", "OKP");
    out.emplace_back("x", base64url::encode(bytes_view(pub, len)));
    return out;
}

} // namespace jot::detail::jwk
