// SPDX-License-Identifier: MIT
// Keys backed by caller functions: jot::callback_signer (HSM, cloud KMS) and jot::callback_verification_key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "algorithm.hpp"
#include "bytes.hpp"
#include "detail/user_code.hpp"
#include "error.hpp"
#include "result.hpp"
#include "signer.hpp"

namespace jot {

namespace detail {

/// The one signature length an algorithm allows in JWS, or 0 where it depends on the key (RS*, PS*: the
/// modulus length; EdDSA: the curve's).
constexpr std::size_t fixed_signature_size(algorithm a) noexcept { return facts_of(a).signature_size; }

/// Smallest signature an algorithm can have (RSA: that of the smallest modulus jot accepts).
constexpr std::size_t min_signature_size(algorithm a) noexcept { return facts_of(a).min_signature_size; }

/// Whether `n` octets can be a JWS signature for `a` at all: the fixed length; for "EdDSA" the length of
/// either curve's; for RSA at least the smallest (a caller's HSM may hold a longer key than jot would load).
constexpr bool plausible_signature_size(algorithm a, std::size_t n) noexcept {
    const algorithm_facts& f = facts_of(a);
    if (f.signature_size != 0) return n == f.signature_size;
    if (f.family == algorithm_family::eddsa) {
        for (const curve_facts& c : curve_table)
            if (c.kty == jwk_key_type::okp && n == c.signature_size) return true;
        return false;
    }
    return n >= f.min_signature_size;
}

} // namespace detail

/// A signer whose signature is made by a caller's function: a key in an HSM, a cloud KMS or a remote
/// signing service, which the private key never leaves. The builder treats it like any other key: it writes
/// alg() and key_id() into the header and calls the function once per token.
///
/// The function's contract: it receives the JWS Signing Input (RFC 7515 §5.1, the ASCII octets
/// `BASE64URL(header) '.' BASE64URL(payload)`; hash it yourself if the service wants a digest) and returns
/// the raw JWS signature octets, not base64url:
/// - RS*: the RSASSA-PKCS1-v1_5 signature, as long as the modulus; PS*: RSASSA-PSS with MGF1 over the same
///   hash and a salt as long as the hash (RFC 7518 §3.5);
/// - ES*: r||s, each zero-padded to the coordinate size (64, 96 or 132 octets in all; RFC 7518 §3.4), not
///   the DER ECDSA-Sig-Value most HSM and KMS APIs return, which must be converted;
/// - EdDSA: the 64-octet Ed25519 or 114-octet Ed448 signature; HS*: the full MAC.
/// It may return an error (any std::error_code, passed through to the builder's caller). It must be safe to
/// call from several threads at once if the signer is shared.
class callback_signer final : public signer {
public:
    /// The caller's signing function.
    using sign_function = std::function<result<std::vector<std::uint8_t>>(std::string_view signing_input)>;

    /// Makes a signer for `alg` with an optional "kid". `max_signature_size` bounds what `fn` may return
    /// (for RSA, the modulus length in octets: 256 for RSA-2048).
    /// Errors: errc::invalid_argument (empty `fn`, or a bound smaller than any signature of `alg`).
    static result<callback_signer> create(jot::algorithm alg, std::string kid, std::size_t max_signature_size,
                                          sign_function fn) {
        if (!fn || max_signature_size < detail::min_signature_size(alg)) return errc::invalid_argument;
        return callback_signer(alg, std::move(kid), max_signature_size, std::move(fn));
    }

    jot::algorithm alg() const noexcept override { return alg_; }
    std::string_view key_id() const noexcept override { return kid_; }
    std::size_t max_signature_size() const noexcept override { return max_; }

    /// Calls the function and copies its signature to `out`.
    /// Errors: whatever the function returns; errc::callback_failed when it throws; errc::signature_length_invalid when its signature cannot be
    /// one of alg() (e.g. a DER ECDSA signature, or longer than max_signature_size()); errc::invalid_argument
    /// when `capacity` is too small for it.
    result<std::size_t> sign(std::string_view signing_input, std::uint8_t* out,
                             std::size_t capacity) const override {
        auto sig = detail::call_user_code([&] { return fn_(signing_input); },
                                          [] { return result<std::vector<std::uint8_t>>(errc::callback_failed); });
        if (!sig) return sig.error();
        const std::size_t n = sig->size();
        if (n > max_ || !detail::plausible_signature_size(alg_, n)) return errc::signature_length_invalid;
        if (n > capacity || !out) return errc::invalid_argument;
        std::memcpy(out, sig->data(), n);
        return n;
    }

private:
    callback_signer(jot::algorithm alg, std::string kid, std::size_t max, sign_function fn)
        : alg_(alg), kid_(std::move(kid)), max_(max), fn_(std::move(fn)) {}

    jot::algorithm alg_;
    std::string kid_;
    std::size_t max_;
    sign_function fn_;
};

/// A verification key whose check is a caller's function: for keys held by a remote service or an
/// algorithm implementation of your own. A verifier only hands it tokens whose "alg" equals alg().
///
/// The function's contract: it receives the JWS Signing Input (RFC 7515 §5.2) and the raw, base64url-decoded
/// signature (ECDSA as r||s, RFC 7518 §3.4) and returns success only when the signature is valid; for a bad
/// signature it should return errc::signature_invalid. Signatures whose length no signature of alg() has
/// (e.g. 63 octets for ES256) are rejected with errc::signature_length_invalid before it is called. It must
/// be safe to call from several threads at once: a verifier is shared.
class callback_verification_key final : public verification_key {
public:
    /// The caller's verification function.
    using verify_function = std::function<result<void>(std::string_view signing_input, bytes_view signature)>;

    /// Makes a verification key for `alg` with an optional "kid". Errors: errc::invalid_argument (empty `fn`).
    static result<callback_verification_key> create(jot::algorithm alg, std::string kid, verify_function fn) {
        if (!fn) return errc::invalid_argument;
        return callback_verification_key(alg, std::move(kid), std::move(fn));
    }

    jot::algorithm alg() const noexcept override { return alg_; }
    std::string_view key_id() const noexcept override { return kid_; }

    /// Checks the length, then calls the function. Errors: errc::signature_length_invalid, whatever the
    /// function returns, errc::callback_failed when it throws.
    result<void> verify(std::string_view signing_input, bytes_view signature) const override {
        if (!detail::plausible_signature_size(alg_, signature.size())) return errc::signature_length_invalid;
        return detail::call_user_code([&] { return fn_(signing_input, signature); },
                                      [] { return result<void>(errc::callback_failed); });
    }

private:
    callback_verification_key(jot::algorithm alg, std::string kid, verify_function fn)
        : alg_(alg), kid_(std::move(kid)), fn_(std::move(fn)) {}

    jot::algorithm alg_;
    std::string kid_;
    verify_function fn_;
};

} // namespace jot
