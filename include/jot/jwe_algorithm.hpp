// SPDX-License-Identifier: MIT
// The JWE algorithms jot implements (RFC 7518 §4, §5) and the facts of each, in one table per kind.
#pragma once

#include <cstddef>
#include <string_view>

#include "error.hpp"
#include "result.hpp"

namespace jot {

/// A JWE key management algorithm ("alg", RFC 7518 §4.1). RSA1_5 is not offered (Bleichenbacher's attack,
/// RFC 8725 §3.2); PBES2-* only with a key made from a password with jwe_decryption_key::from_password (an
/// explicit opt-in with a bounded iteration count); any name outside this list is errc::unsupported_algorithm.
enum class key_management {
    rsa_oaep,        ///< RSA-OAEP: RSAES-OAEP with SHA-1 and MGF1-SHA-1 (RFC 7518 §4.3)
    rsa_oaep_256,    ///< RSA-OAEP-256: RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 7518 §4.3)
    ecdh_es,         ///< ECDH-ES: the agreed key is the CEK (RFC 7518 §4.6)
    ecdh_es_a128kw,  ///< ECDH-ES+A128KW: the agreed key wraps the CEK with AES-128 key wrap
    ecdh_es_a192kw,  ///< ECDH-ES+A192KW
    ecdh_es_a256kw,  ///< ECDH-ES+A256KW
    a128kw,          ///< A128KW: AES key wrap with a 128-bit shared key (RFC 7518 §4.4, RFC 3394)
    a192kw,          ///< A192KW
    a256kw,          ///< A256KW
    a128gcmkw,       ///< A128GCMKW: the CEK encrypted with AES-GCM under a 128-bit shared key (RFC 7518 §4.7)
    a192gcmkw,       ///< A192GCMKW
    a256gcmkw,       ///< A256GCMKW
    dir,             ///< dir: the shared key is the CEK (RFC 7518 §4.5)
    pbes2_hs256_a128kw,  ///< PBES2-HS256+A128KW: PBKDF2-HMAC-SHA-256 of a password, then A128KW (RFC 7518 §4.8)
    pbes2_hs384_a192kw,  ///< PBES2-HS384+A192KW
    pbes2_hs512_a256kw,  ///< PBES2-HS512+A256KW
};

/// A JWE content encryption algorithm ("enc", RFC 7518 §5.1).
enum class content_encryption {
    a128gcm,        ///< A128GCM: AES-GCM, 128-bit key, 96-bit IV, 128-bit tag (RFC 7518 §5.3)
    a192gcm,        ///< A192GCM
    a256gcm,        ///< A256GCM
    a128cbc_hs256,  ///< A128CBC-HS256: AES-128-CBC then HMAC-SHA-256 truncated to 128 bits (RFC 7518 §5.2.3)
    a192cbc_hs384,  ///< A192CBC-HS384 (RFC 7518 §5.2.4)
    a256cbc_hs512,  ///< A256CBC-HS512 (RFC 7518 §5.2.5)
};

/// How a key management algorithm obtains the CEK.
enum class key_management_family { rsa_oaep, ecdh, aes_kw, aes_gcm_kw, direct, pbes2 };

namespace detail {

struct key_management_facts {
    key_management alg;
    std::string_view name;
    key_management_family family;
    std::size_t kek_octets;  ///< the shared or derived key-encryption key (0 for RSA, ECDH-ES direct and dir)
    std::size_t prf_octets;  ///< PBES2: the HMAC-SHA-2 output size of PBKDF2's PRF (0 otherwise)
};

inline constexpr key_management_facts key_management_table[] = {
    {key_management::rsa_oaep, "RSA-OAEP", key_management_family::rsa_oaep, 0, 0},
    {key_management::rsa_oaep_256, "RSA-OAEP-256", key_management_family::rsa_oaep, 0, 0},
    {key_management::ecdh_es, "ECDH-ES", key_management_family::ecdh, 0, 0},
    {key_management::ecdh_es_a128kw, "ECDH-ES+A128KW", key_management_family::ecdh, 16, 0},
    {key_management::ecdh_es_a192kw, "ECDH-ES+A192KW", key_management_family::ecdh, 24, 0},
    {key_management::ecdh_es_a256kw, "ECDH-ES+A256KW", key_management_family::ecdh, 32, 0},
    {key_management::a128kw, "A128KW", key_management_family::aes_kw, 16, 0},
    {key_management::a192kw, "A192KW", key_management_family::aes_kw, 24, 0},
    {key_management::a256kw, "A256KW", key_management_family::aes_kw, 32, 0},
    {key_management::a128gcmkw, "A128GCMKW", key_management_family::aes_gcm_kw, 16, 0},
    {key_management::a192gcmkw, "A192GCMKW", key_management_family::aes_gcm_kw, 24, 0},
    {key_management::a256gcmkw, "A256GCMKW", key_management_family::aes_gcm_kw, 32, 0},
    {key_management::dir, "dir", key_management_family::direct, 0, 0},
    {key_management::pbes2_hs256_a128kw, "PBES2-HS256+A128KW", key_management_family::pbes2, 16, 32},
    {key_management::pbes2_hs384_a192kw, "PBES2-HS384+A192KW", key_management_family::pbes2, 24, 48},
    {key_management::pbes2_hs512_a256kw, "PBES2-HS512+A256KW", key_management_family::pbes2, 32, 64},
};

struct content_encryption_facts {
    content_encryption enc;
    std::string_view name;
    bool gcm;                 ///< AES-GCM; otherwise AES-CBC with HMAC-SHA-2
    std::size_t key_octets;   ///< CEK length (for CBC-HS: MAC_KEY || ENC_KEY)
    std::size_t iv_octets;    ///< 12 for GCM, 16 for CBC
    std::size_t tag_octets;   ///< 16 for GCM; half the CEK for CBC-HS
};

inline constexpr content_encryption_facts content_encryption_table[] = {
    {content_encryption::a128gcm, "A128GCM", true, 16, 12, 16},
    {content_encryption::a192gcm, "A192GCM", true, 24, 12, 16},
    {content_encryption::a256gcm, "A256GCM", true, 32, 12, 16},
    {content_encryption::a128cbc_hs256, "A128CBC-HS256", false, 32, 16, 16},
    {content_encryption::a192cbc_hs384, "A192CBC-HS384", false, 48, 16, 24},
    {content_encryption::a256cbc_hs512, "A256CBC-HS512", false, 64, 16, 32},
};

constexpr const key_management_facts& jwe_facts(key_management a) noexcept {
    return key_management_table[static_cast<std::size_t>(a)];
}
constexpr const content_encryption_facts& jwe_facts(content_encryption e) noexcept {
    return content_encryption_table[static_cast<std::size_t>(e)];
}

} // namespace detail

/// The "alg" name of `a` ("RSA-OAEP-256", "ECDH-ES+A128KW", "dir", ...).
constexpr std::string_view to_string(key_management a) noexcept { return detail::jwe_facts(a).name; }
/// The "enc" name of `e` ("A256GCM", "A128CBC-HS256", ...).
constexpr std::string_view to_string(content_encryption e) noexcept { return detail::jwe_facts(e).name; }
/// How `a` obtains the CEK.
inline key_management_family family_of(key_management a) noexcept { return detail::jwe_facts(a).family; }
/// Octets of the CEK that `e` uses.
inline std::size_t cek_size(content_encryption e) noexcept { return detail::jwe_facts(e).key_octets; }

/// The key management algorithm named `s` (case-sensitive, RFC 7518 §4.1).
/// Errors: errc::unsupported_algorithm (RSA1_5 and every unknown name included). PBES2-* names are known here;
/// a decrypter refuses them as errc::unsupported_algorithm unless its key was made with from_password.
inline result<key_management> key_management_from_string(std::string_view s) noexcept {
    for (const auto& f : detail::key_management_table)
        if (f.name == s) return f.alg;
    return errc::unsupported_algorithm;
}

/// The content encryption named `s` (case-sensitive, RFC 7518 §5.1). Errors: errc::unsupported_encryption.
inline result<content_encryption> content_encryption_from_string(std::string_view s) noexcept {
    for (const auto& f : detail::content_encryption_table)
        if (f.name == s) return f.enc;
    return errc::unsupported_encryption;
}

} // namespace jot
