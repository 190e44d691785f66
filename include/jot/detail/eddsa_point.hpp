// SPDX-License-Identifier: MIT
// Ed25519 and Ed448 public key encodings checked when a key is made: canonical, on the curve, not of small order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <openssl/bn.h>

#include "../error.hpp"
#include "../result.hpp"
#include "openssl.hpp"

namespace jot::detail {

/// The two EdDSA curves of RFC 8032.
enum class eddsa_curve { ed25519, ed448 };

/// Octets of an encoded public key: 32 for Ed25519 (RFC 8032 §5.1.5), 57 for Ed448 (§5.2.5).
constexpr std::size_t eddsa_public_size(eddsa_curve c) noexcept {
    return (c == eddsa_curve::ed25519 ? curve_ed25519 : curve_ed448)->public_size;
}

/// Decodes an Ed25519 or Ed448 public key as RFC 8032 §5.1.3 / §5.2.3 do, and refuses the points no signature
/// should be checked under. The checks run in the order of the RFC's decoding steps, so each encoding gets one
/// code, the first that applies:
/// 1. errc::key_not_canonical: y >= p (for Ed448 also any of the 7 low bits of the last octet set, which only
///    the sign of x may use, §5.2.2). A non-canonical encoding of a small-order point gets this code.
/// 2. errc::key_invalid: no x satisfies the curve equation (x^2 is not a square mod p): not a point at all.
/// 3. errc::key_not_canonical: x = 0 with the sign bit set (§5.1.3 step 4, §5.2.3 step 4).
/// 4. errc::key_small_order: the point lies in the small subgroup of order 8 (Ed25519) or 4 (Ed448).
/// Errors also: errc::key_invalid (wrong length), errc::crypto_failure (OpenSSL out of memory).
/// Security: under a small-order key A, [S]B = R + [k]A has solutions found without any private key: for the
/// neutral point, R = neutral point and S = 0 verify for every message (RFC 8725 §3.4's class, like the ECDSA
/// point at infinity; RFC 8032 §5.1.7 does not forbid such keys, so OpenSSL accepts them).
/// Leaves the OpenSSL error queue to the caller (see openssl_error_scope). The key is public: nothing here
/// needs to run in constant time.
inline result<void> check_eddsa_point(eddsa_curve curve, const std::uint8_t* encoded, std::size_t size) {
    const std::size_t n = eddsa_public_size(curve);
    if (!encoded || size != n) return errc::key_invalid;
    const bool ed25519 = curve == eddsa_curve::ed25519;

    // The encoding is y little-endian with the sign of x in the top bit of the last octet (§5.1.2, §5.2.2).
    std::uint8_t y_octets[57];
    std::memcpy(y_octets, encoded, n);
    const bool x_sign = (y_octets[n - 1] & 0x80) != 0;
    y_octets[n - 1] &= 0x7f;
    // Ed448's y has 448 bits: the last octet's low 7 bits would put y at 2^448 or more, so above p.
    if (!ed25519 && y_octets[n - 1] != 0) return errc::key_not_canonical;

    bn_ctx_ptr ctx(BN_CTX_new());
    bignum_ptr p(BN_new()), a(BN_new()), d(BN_new()), y(BN_new()), y2(BN_new()), u(BN_new()), v(BN_new()),
        x2(BN_new()), t(BN_new());
    if (!ctx || !p || !a || !d || !y || !y2 || !u || !v || !x2 || !t) return errc::crypto_failure;

    // The curves from their definitions (RFC 8032 §5.1 and §5.2), both in the form a·x^2 + y^2 = 1 + d·x^2·y^2:
    // edwards25519: p = 2^255 - 19, a = -1, d = -121665/121666 (mod p);
    // edwards448:   p = 2^448 - 2^224 - 1, a = 1, d = -39081.
    bool ok = false;
    if (ed25519) {
        ok = BN_set_bit(p.get(), 255) == 1 && BN_sub_word(p.get(), 19) == 1 && BN_copy(a.get(), p.get()) &&
             BN_sub_word(a.get(), 1) == 1 &&                                     // a = p - 1 = -1
             BN_set_word(t.get(), 121666) == 1 && BN_mod_inverse(d.get(), t.get(), p.get(), ctx.get()) &&
             BN_set_word(t.get(), 121665) == 1 && BN_sub(t.get(), p.get(), t.get()) == 1 && // t = -121665
             BN_mod_mul(d.get(), d.get(), t.get(), p.get(), ctx.get()) == 1;
    } else {
        ok = BN_set_bit(p.get(), 448) == 1 && BN_set_bit(t.get(), 224) == 1 && BN_sub(p.get(), p.get(), t.get()) == 1 &&
             BN_sub_word(p.get(), 1) == 1 && BN_one(a.get()) == 1 && BN_copy(d.get(), p.get()) &&
             BN_sub_word(d.get(), 39081) == 1;                                   // d = p - 39081 = -39081
    }
    if (!ok || !BN_lebin2bn(y_octets, static_cast<int>(n), y.get())) return errc::crypto_failure;

    // Step 1 (§5.1.3, §5.2.3): "If the y-coordinate is >= p, decoding fails."
    if (BN_cmp(y.get(), p.get()) >= 0) return errc::key_not_canonical;

    // Step 2: x^2 = u/v with u = 1 - y^2 and v = a - d·y^2, the curve equation solved for x^2. v is never 0
    // (d is not a square mod p, and -d is not one either for edwards25519), but a 0 is refused all the same.
    if (BN_mod_sqr(y2.get(), y.get(), p.get(), ctx.get()) != 1 || BN_one(t.get()) != 1 ||
        BN_mod_sub(u.get(), t.get(), y2.get(), p.get(), ctx.get()) != 1 ||
        BN_mod_mul(t.get(), d.get(), y2.get(), p.get(), ctx.get()) != 1 ||
        BN_mod_sub(v.get(), a.get(), t.get(), p.get(), ctx.get()) != 1)
        return errc::crypto_failure;
    if (BN_is_zero(v.get())) return errc::key_invalid;
    if (!BN_mod_inverse(v.get(), v.get(), p.get(), ctx.get()) ||
        BN_mod_mul(x2.get(), u.get(), v.get(), p.get(), ctx.get()) != 1)
        return errc::crypto_failure;
    // x exists iff x^2 is 0 or a quadratic residue: Euler's criterion, (x^2)^((p-1)/2) is 0 or 1 (p is prime).
    if (!BN_copy(t.get(), p.get()) || BN_sub_word(t.get(), 1) != 1 || BN_rshift1(t.get(), t.get()) != 1 ||
        BN_mod_exp(t.get(), x2.get(), t.get(), p.get(), ctx.get()) != 1)
        return errc::crypto_failure;
    if (!BN_is_zero(t.get()) && !BN_is_one(t.get())) return errc::key_invalid;

    // Step 4: "If x = 0, and x_0 = 1, decoding fails." x = 0 exactly when y = 1 or y = -1.
    const bool x_zero = BN_is_zero(x2.get());
    if (x_zero && x_sign) return errc::key_not_canonical;

    // Small order. The torsion of edwards25519 has order 8, that of edwards448 order 4 (the cofactors):
    // - x = 0: y = 1 is the neutral point, y = -1 the point of order 2;
    // - y = 0: x = ±sqrt(-1) (edwards25519) or ±1 (edwards448), the points of order 4;
    // - order 8 (edwards25519 only): [2]P has order 4, so y([2]P) = 0. Doubling gives
    //   y([2]P) = (y^2 - a·x^2) / (2 - a·x^2 - y^2), hence y^2 - a·x^2 = 0. On edwards448 the same test holds
    //   for no point (it has no point of order 8), so it is run for both curves.
    if (BN_mod_mul(t.get(), a.get(), x2.get(), p.get(), ctx.get()) != 1 ||
        BN_mod_sub(t.get(), y2.get(), t.get(), p.get(), ctx.get()) != 1)
        return errc::crypto_failure;
    if (x_zero || BN_is_zero(y.get()) || BN_is_zero(t.get())) return errc::key_small_order;
    return {};
}

} // namespace jot::detail
