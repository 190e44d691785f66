// SPDX-License-Identifier: MIT
// ECDSA signatures between the JWS form r||s (RFC 7518 §3.4) and the DER ECDSA-Sig-Value OpenSSL speaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <openssl/ec.h>

#include "../algorithm.hpp"
#include "openssl.hpp"

namespace jot::detail {

/// Longest ECDSA coordinate of any curve (P-521), in octets.
constexpr std::size_t ecdsa_max_coordinate_of_all_curves() noexcept {
    std::size_t m = 0;
    for (const curve_facts& c : curve_table)
        if (c.kty == jwk_key_type::ec && c.public_size > m) m = c.public_size;
    return m;
}
inline constexpr std::size_t ecdsa_max_coordinate = ecdsa_max_coordinate_of_all_curves();

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

} // namespace jot::detail
