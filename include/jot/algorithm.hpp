// SPDX-License-Identifier: MIT
// jot::algorithm: the JWS algorithms of RFC 7518 §3 and RFC 8037, with their JOSE names and families.
#pragma once

#include <cstddef>
#include <string_view>

#include "error.hpp"
#include "result.hpp"

namespace jot {

/// A JWS signature algorithm. "none" is deliberately absent: see include/jot/dangerous.hpp.
enum class algorithm {
    hs256, hs384, hs512,        ///< HMAC with SHA-2 (RFC 7518 §3.2)
    rs256, rs384, rs512,        ///< RSASSA-PKCS1-v1_5 with SHA-2 (RFC 7518 §3.3)
    ps256, ps384, ps512,        ///< RSASSA-PSS, MGF1 with the same hash, salt = hash length (RFC 7518 §3.5)
    es256, es384, es512,        ///< ECDSA on P-256/P-384/P-521, signature r||s (RFC 7518 §3.4)
    es256k,                     ///< ECDSA on secp256k1 with SHA-256 (RFC 8812 §3.2)
    eddsa,                      ///< EdDSA, curve from the key: Ed25519 or Ed448 (RFC 8037 §3.1)
    ed25519,                    ///< fully-specified Ed25519 (RFC 9864)
    ed448,                      ///< fully-specified Ed448 (RFC 9864)
};

/// The families keys are made for.
enum class algorithm_family { hmac, rsa_pkcs1, rsa_pss, ecdsa, eddsa };

/// Every algorithm, in declaration order (for tests and tools that iterate).
inline constexpr algorithm all_algorithms[] = {
    algorithm::hs256, algorithm::hs384, algorithm::hs512, algorithm::rs256, algorithm::rs384,
    algorithm::rs512, algorithm::ps256, algorithm::ps384, algorithm::ps512, algorithm::es256,
    algorithm::es384, algorithm::es512, algorithm::es256k, algorithm::eddsa, algorithm::ed25519,
    algorithm::ed448,
};

/// The JOSE "alg" name, e.g. "HS256", "EdDSA".
constexpr std::string_view to_string(algorithm a) noexcept {
    switch (a) {
    case algorithm::hs256: return "HS256";
    case algorithm::hs384: return "HS384";
    case algorithm::hs512: return "HS512";
    case algorithm::rs256: return "RS256";
    case algorithm::rs384: return "RS384";
    case algorithm::rs512: return "RS512";
    case algorithm::ps256: return "PS256";
    case algorithm::ps384: return "PS384";
    case algorithm::ps512: return "PS512";
    case algorithm::es256: return "ES256";
    case algorithm::es384: return "ES384";
    case algorithm::es512: return "ES512";
    case algorithm::es256k: return "ES256K";
    case algorithm::eddsa: return "EdDSA";
    case algorithm::ed25519: return "Ed25519";
    case algorithm::ed448: return "Ed448";
    }
    return "";
}

/// Parses a JOSE "alg" name. Names are compared exactly (RFC 7515 §4.1.1: case-sensitive).
/// Errors: errc::unsecured_token for exactly "none"; errc::unsupported_algorithm for anything else unknown,
/// including other spellings of none ("None", "NONE").
inline result<algorithm> algorithm_from_string(std::string_view name) noexcept {
    for (algorithm a : all_algorithms)
        if (to_string(a) == name) return a;
    if (name == "none") return errc::unsecured_token;
    return errc::unsupported_algorithm;
}

/// The family an algorithm belongs to.
constexpr algorithm_family family_of(algorithm a) noexcept {
    switch (a) {
    case algorithm::hs256: case algorithm::hs384: case algorithm::hs512: return algorithm_family::hmac;
    case algorithm::rs256: case algorithm::rs384: case algorithm::rs512: return algorithm_family::rsa_pkcs1;
    case algorithm::ps256: case algorithm::ps384: case algorithm::ps512: return algorithm_family::rsa_pss;
    case algorithm::es256: case algorithm::es384: case algorithm::es512: case algorithm::es256k:
        return algorithm_family::ecdsa;
    case algorithm::eddsa: case algorithm::ed25519: case algorithm::ed448: return algorithm_family::eddsa;
    }
    return algorithm_family::hmac;
}

/// Output length in octets of the SHA-2 hash the algorithm uses (0 for EdDSA, which hashes internally).
constexpr std::size_t hash_size(algorithm a) noexcept {
    switch (a) {
    case algorithm::hs256: case algorithm::rs256: case algorithm::ps256: case algorithm::es256:
    case algorithm::es256k: return 32;
    case algorithm::hs384: case algorithm::rs384: case algorithm::ps384: case algorithm::es384: return 48;
    case algorithm::hs512: case algorithm::rs512: case algorithm::ps512: case algorithm::es512: return 64;
    case algorithm::eddsa: case algorithm::ed25519: case algorithm::ed448: return 0;
    }
    return 0;
}

} // namespace jot
