// SPDX-License-Identifier: MIT
// RSA private keys from their members: recovering p and q from n, e and d, and checking the CRT members agree.
#pragma once

#include <openssl/bn.h>

#include "../error.hpp"
#include "../result.hpp"
#include "openssl.hpp"

namespace jot::detail {

/// The private members of an RSA key (RFC 7518 §6.3.2), each a constant-time BIGNUM in the secure heap.
struct rsa_private {
    bignum_ptr d, p, q, dp, dq, qi;
};

/// A BIGNUM for secret values: secure heap, constant-time flag. nullptr when OpenSSL is out of memory.
inline bignum_ptr secret_bn() {
    bignum_ptr bn(BN_secure_new());
    if (bn) BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
    return bn;
}

/// Fills p, q, dp, dq and qi of a key that came with d alone, so it signs with the CRT like any other key.
/// The factors follow from n, e and d (NIST SP 800-56B Rev. 2 Appendix C.2): with d·e − 1 = 2^t·r, r odd, the
/// sequence g^r, g^2r, ... mod n for a small base g reaches 1, and the term y before it, unless it is −1, is a
/// non-trivial square root of 1, so gcd(y − 1, n) = p. Each base fails with probability at most 1/2.
/// Errors: errc::key_invalid (no factor found: d does not belong to n and e), errc::crypto_failure.
inline result<void> recover_rsa_factors(const BIGNUM* n, const BIGNUM* e, rsa_private& k, BN_CTX* ctx) {
    bignum_ptr r = secret_bn(), y = secret_bn(), x = secret_bn(), rem = secret_bn(), nm1(BN_new()), g(BN_new());
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
                bignum_ptr pm1 = secret_bn(), qm1 = secret_bn();
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
    bignum_ptr t = secret_bn(), u = secret_bn(), pm1 = secret_bn(), qm1 = secret_bn();
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

} // namespace jot::detail
