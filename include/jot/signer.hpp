// SPDX-License-Identifier: MIT
// The two small interfaces every key implements: jot::signer (makes signatures) and jot::verification_key
// (checks them). Built-in keys implement them; so can a caller's HSM, cloud KMS or custom algorithm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "algorithm.hpp"
#include "bytes.hpp"
#include "result.hpp"

namespace jot {

/// Produces JWS signatures for exactly one algorithm. The builder writes alg() and key_id() into the header,
/// so a token can only ever claim the algorithm its key really used.
///
/// To plug in a key that never leaves an HSM or KMS, derive from signer and implement sign(): it receives the
/// JWS Signing Input (RFC 7515 §5.1: ASCII `BASE64URL(header) '.' BASE64URL(payload)`) and writes the raw JWS
/// signature (for ECDSA the fixed-length r||s of RFC 7518 §3.4, not DER). Implementations must be safe to
/// call from several threads at once if the caller shares them.
class signer {
public:
    virtual ~signer() = default;
    /// The algorithm of every signature this signer makes.
    virtual jot::algorithm alg() const noexcept = 0;
    /// The "kid" to put in the header; empty for none.
    virtual std::string_view key_id() const noexcept { return {}; }
    /// An upper bound on the signature's length in octets.
    virtual std::size_t max_signature_size() const noexcept = 0;
    /// Signs `signing_input` into `out` (at least max_signature_size() octets) and returns the length.
    /// Errors: whatever the implementation reports; built-in keys report errc::crypto_failure.
    virtual result<std::size_t> sign(std::string_view signing_input, std::uint8_t* out,
                                     std::size_t capacity) const = 0;
};

/// Checks JWS signatures for exactly one algorithm. A verifier only asks a key to check tokens whose "alg"
/// equals the key's alg(), so an RSA public key can never be misused as an HMAC secret (RFC 8725 §3.1).
/// Implementations must be safe to call from several threads at once.
class verification_key {
public:
    virtual ~verification_key() = default;
    /// The only algorithm this key verifies.
    virtual jot::algorithm alg() const noexcept = 0;
    /// The key's "kid"; empty for none.
    virtual std::string_view key_id() const noexcept { return {}; }
    /// Checks `signature` over `signing_input`.
    /// Errors: errc::signature_invalid, errc::signature_length_invalid, errc::crypto_failure.
    virtual result<void> verify(std::string_view signing_input, bytes_view signature) const = 0;
};

} // namespace jot
