// SPDX-License-Identifier: MIT
// jot::algorithm: the JWS algorithms of RFC 7518 §3, RFC 8812 and RFC 8037/9864, and the one table of their facts.
#pragma once

#include <cstddef>
#include <string_view>

#include <openssl/obj_mac.h>

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

namespace detail {

/// A JWK "kty" (RFC 7518 §6.1, RFC 8037 §2).
enum class jwk_key_type : unsigned char { ec, rsa, okp, oct };

/// The "kty" values, in the order of jwk_key_type (RFC 7518 §6.1 registers "EC", "RSA", "oct"; RFC 8037 §2 "OKP").
inline constexpr std::string_view jwk_key_type_names[] = {"EC", "RSA", "OKP", "oct"};

/// The JWK "kty" value of `t`.
constexpr std::string_view jwk_name(jwk_key_type t) noexcept { return jwk_key_type_names[static_cast<std::size_t>(t)]; }

/// One curve jot signs with. Its facts come from RFC 7518 §3.4 and §6.2.1, RFC 8812 §3, RFC 8037 §2 and
/// RFC 8032 §5.1.6/§5.2.6; tests/test_algorithm_facts.cpp checks each against OpenSSL itself.
struct curve_facts {
    std::string_view jose_name;    ///< the JWK "crv" value
    const char* openssl_key_type;  ///< the OpenSSL key type of its keys (EVP_PKEY_is_a)
    const char* openssl_group;     ///< the EC group short name (OBJ_nid2sn); nullptr for OKP curves
    int nid;                       ///< the NID of the group (EC) or of the key type (OKP)
    jwk_key_type kty;
    std::size_t public_size;       ///< EC: octets of one coordinate (x, y; r and s of a signature); OKP: of x
    std::size_t private_size;      ///< octets of "d": the size of the group order (EC), of the seed (OKP)
    std::size_t signature_size;    ///< the JWS signature: r||s (RFC 7518 §3.4) or the EdDSA signature
    algorithm alg;                 ///< the algorithm a JWK of this curve implies when it names none
};

// EC groups are named as OpenSSL reports them (short names), so the names compare directly.
inline constexpr curve_facts curve_table[] = {
    {"P-256", "EC", "prime256v1", NID_X9_62_prime256v1, jwk_key_type::ec, 32, 32, 64, algorithm::es256},
    {"P-384", "EC", "secp384r1", NID_secp384r1, jwk_key_type::ec, 48, 48, 96, algorithm::es384},
    {"P-521", "EC", "secp521r1", NID_secp521r1, jwk_key_type::ec, 66, 66, 132, algorithm::es512},
    {"secp256k1", "EC", "secp256k1", NID_secp256k1, jwk_key_type::ec, 32, 32, 64, algorithm::es256k},
    {"Ed25519", "ED25519", nullptr, NID_ED25519, jwk_key_type::okp, 32, 32, 64, algorithm::eddsa},
    {"Ed448", "ED448", nullptr, NID_ED448, jwk_key_type::okp, 57, 57, 114, algorithm::eddsa},
};
inline constexpr const curve_facts* curve_p256 = &curve_table[0];
inline constexpr const curve_facts* curve_p384 = &curve_table[1];
inline constexpr const curve_facts* curve_p521 = &curve_table[2];
inline constexpr const curve_facts* curve_secp256k1 = &curve_table[3];
inline constexpr const curve_facts* curve_ed25519 = &curve_table[4];
inline constexpr const curve_facts* curve_ed448 = &curve_table[5];

/// Everything jot needs to know about one JWS algorithm. Every other file reads these facts here.
struct algorithm_facts {
    algorithm alg;
    std::string_view name;           ///< the JOSE "alg" value (RFC 7515 §4.1.1: compared case-sensitively)
    algorithm_family family;
    const char* digest;              ///< OpenSSL digest name (EVP_MD_fetch); nullptr for EdDSA, which hashes inside
    std::size_t digest_size;         ///< octets of that digest; 0 for EdDSA
    const curve_facts* curve;        ///< the one curve its keys are on; nullptr for HS*, RS*, PS*, EdDSA (either)
    std::size_t signature_size;      ///< the one JWS signature length; 0 when the key decides (RS*, PS*, EdDSA)
    std::size_t min_signature_size;  ///< shortest signature of any key jot accepts for it
    std::size_t max_signature_size;  ///< longest signature of any key jot accepts for it
    std::size_t min_key_bits;        ///< RSA modulus (RFC 7518 §3.3, §3.5); HMAC secret (§3.2: the hash size);
                                     ///< 0 where the curve fixes the key
    std::size_t max_key_bits;        ///< RSA modulus, so a signature fits the verifier's limit; 0 for no bound
    jwk_key_type kty;                ///< the JWK "kty" of its keys
    const char* openssl_key_type;    ///< the OpenSSL key type of its keys; nullptr for HS* (no EVP_PKEY) and
                                     ///< EdDSA (that of the key's curve)
};

/// RSA modulus bounds in bits: RFC 7518 §3.3 and §3.5 ("2048 bits or larger MUST be used"); above 8192 bits
/// a signature would not fit the verifier's decoding limit.
inline constexpr std::size_t rsa_min_bits = 2048;
inline constexpr std::size_t rsa_max_bits = 8192;

constexpr algorithm_facts hmac_facts(algorithm a, std::string_view name, const char* digest, std::size_t size) {
    return {a, name, algorithm_family::hmac, digest, size, nullptr, size, size, size, 8 * size, 0, jwk_key_type::oct,
            nullptr};
}
constexpr algorithm_facts rsa_facts(algorithm a, std::string_view name, algorithm_family fam, const char* digest,
                                    std::size_t size) {
    return {a, name, fam, digest, size, nullptr, 0, rsa_min_bits / 8, rsa_max_bits / 8, rsa_min_bits, rsa_max_bits,
            jwk_key_type::rsa, "RSA"};
}
constexpr algorithm_facts ecdsa_facts(algorithm a, std::string_view name, const char* digest, std::size_t size,
                                      const curve_facts* c) {
    return {a, name, algorithm_family::ecdsa, digest, size, c, c->signature_size, c->signature_size,
            c->signature_size, 0, 0, jwk_key_type::ec, c->openssl_key_type};
}
/// `c` is null for "EdDSA", whose key may be on either curve (RFC 8037 §3.1).
constexpr algorithm_facts eddsa_facts(algorithm a, std::string_view name, const curve_facts* c) {
    const std::size_t min = c ? c->signature_size : curve_ed25519->signature_size;
    const std::size_t max = c ? c->signature_size : curve_ed448->signature_size;
    return {a, name, algorithm_family::eddsa, nullptr, 0, c, c ? c->signature_size : 0, min, max, 0, 0,
            jwk_key_type::okp, c ? c->openssl_key_type : nullptr};
}

/// The facts of every algorithm, in the order of jot::algorithm.
inline constexpr algorithm_facts algorithm_table[] = {
    hmac_facts(algorithm::hs256, "HS256", "SHA2-256", 32),
    hmac_facts(algorithm::hs384, "HS384", "SHA2-384", 48),
    hmac_facts(algorithm::hs512, "HS512", "SHA2-512", 64),
    rsa_facts(algorithm::rs256, "RS256", algorithm_family::rsa_pkcs1, "SHA2-256", 32),
    rsa_facts(algorithm::rs384, "RS384", algorithm_family::rsa_pkcs1, "SHA2-384", 48),
    rsa_facts(algorithm::rs512, "RS512", algorithm_family::rsa_pkcs1, "SHA2-512", 64),
    rsa_facts(algorithm::ps256, "PS256", algorithm_family::rsa_pss, "SHA2-256", 32),
    rsa_facts(algorithm::ps384, "PS384", algorithm_family::rsa_pss, "SHA2-384", 48),
    rsa_facts(algorithm::ps512, "PS512", algorithm_family::rsa_pss, "SHA2-512", 64),
    ecdsa_facts(algorithm::es256, "ES256", "SHA2-256", 32, curve_p256),
    ecdsa_facts(algorithm::es384, "ES384", "SHA2-384", 48, curve_p384),
    ecdsa_facts(algorithm::es512, "ES512", "SHA2-512", 64, curve_p521),
    ecdsa_facts(algorithm::es256k, "ES256K", "SHA2-256", 32, curve_secp256k1),
    eddsa_facts(algorithm::eddsa, "EdDSA", nullptr),
    eddsa_facts(algorithm::ed25519, "Ed25519", curve_ed25519),
    eddsa_facts(algorithm::ed448, "Ed448", curve_ed448),
};

/// The facts of `a`.
constexpr const algorithm_facts& facts_of(algorithm a) noexcept {
    return algorithm_table[static_cast<std::size_t>(a)];
}

/// True when algorithm_table lists every algorithm once, at its enumerator's index, and all_algorithms matches.
constexpr bool algorithm_table_in_order() noexcept {
    constexpr std::size_t n = sizeof algorithm_table / sizeof algorithm_table[0];
    if (n != sizeof all_algorithms / sizeof all_algorithms[0]) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (static_cast<std::size_t>(algorithm_table[i].alg) != i || all_algorithms[i] != algorithm_table[i].alg)
            return false;
    return true;
}
static_assert(algorithm_table_in_order(), "algorithm_table must follow the order of jot::algorithm");

/// The longest JWS signature of any algorithm (RSA-8192): the most the verifier ever decodes.
constexpr std::size_t max_signature_octets_of_all_algorithms() noexcept {
    std::size_t m = 0;
    for (const algorithm_facts& f : algorithm_table) m = f.max_signature_size > m ? f.max_signature_size : m;
    return m;
}
inline constexpr std::size_t max_signature_octets_of_all = max_signature_octets_of_all_algorithms();

} // namespace detail

/// The JOSE "alg" name, e.g. "HS256", "EdDSA".
constexpr std::string_view to_string(algorithm a) noexcept { return detail::facts_of(a).name; }

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
constexpr algorithm_family family_of(algorithm a) noexcept { return detail::facts_of(a).family; }

/// Output length in octets of the SHA-2 hash the algorithm uses (0 for EdDSA, which hashes internally).
constexpr std::size_t hash_size(algorithm a) noexcept { return detail::facts_of(a).digest_size; }

} // namespace jot
