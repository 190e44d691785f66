// SPDX-License-Identifier: MIT
// JWE key material: binding checks for RSA-OAEP, ECDH-ES and symmetric keys, JWK import, ephemeral keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "../bytes.hpp"
#include "../error.hpp"
#include "../jwe_algorithm.hpp"
#include "../result.hpp"
#include "constant_time.hpp"
#include "json_dom.hpp"
#include "json_write.hpp"
#include "json_get.hpp"
#include "jwe_crypto.hpp"
#include "jwk_pkey.hpp"
#include "openssl.hpp"
#include "pkey.hpp"

namespace jot::detail {

/// An ECDH curve jot encrypts to (RFC 7518 §6.2.1.1, RFC 8037 §2): its JWK name, the OpenSSL group name (EC) or
/// key type (X25519), and the octets of one coordinate.
struct ecdh_curve {
    std::string_view jose_name;
    const char* openssl_name;
    bool okp;
    std::size_t coordinate;
};

inline constexpr ecdh_curve ecdh_curves[] = {
    {"P-256", "prime256v1", false, 32},
    {"P-384", "secp384r1", false, 48},
    {"P-521", "secp521r1", false, 66},
    {"X25519", "X25519", true, 32},
};

inline const ecdh_curve* find_ecdh_curve(std::string_view jose_name) noexcept {
    for (const auto& c : ecdh_curves)
        if (c.jose_name == jose_name) return &c;
    return nullptr;
}

/// The ECDH curve of `pkey`, or nullptr when it is none of P-256, P-384, P-521, X25519.
inline const ecdh_curve* ecdh_curve_of(EVP_PKEY* pkey) {
    openssl_error_scope scope;
    if (EVP_PKEY_is_a(pkey, "X25519")) return &ecdh_curves[3];
    if (!EVP_PKEY_is_a(pkey, "EC")) return nullptr;
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) return nullptr;
    for (const auto& c : ecdh_curves)
        if (!c.okp && std::strcmp(c.openssl_name, group) == 0) return &c;
    return nullptr;
}

/// Everything a JWE key holds; shared by copies (the EVP_PKEY is never modified after the checks).
struct jwe_key_data {
    key_management alg = key_management::dir;
    content_encryption dir_enc = content_encryption::a256gcm;  ///< dir only: the one "enc" the key serves
    std::shared_ptr<EVP_PKEY> pkey;                             ///< RSA-OAEP and ECDH-ES
    const ecdh_curve* curve = nullptr;                          ///< ECDH-ES
    secret_bytes secret;                                        ///< A*KW, A*GCMKW, dir; PBES2: the password
    std::uint32_t pbes2_count = 0;      ///< PBES2: the "p2c" a sender writes
    std::uint32_t pbes2_max_count = 0;  ///< PBES2: the largest "p2c" a recipient runs PBKDF2 for
    std::string kid;
};

/// The fewest PBKDF2 iterations jot accepts or writes: RFC 7518 §4.8.1.2 recommends at least 1000.
inline constexpr std::uint32_t pbes2_min_count = 1000;
/// The fewest salt octets ("p2s") jot accepts or writes: RFC 7518 §4.8.1.1 requires at least 8.
inline constexpr std::size_t pbes2_min_salt = 8;

/// Key data for PBES2 (RFC 7518 §4.8) from a password. Errors: errc::key_algorithm_mismatch (not a PBES2
/// algorithm), errc::key_size_invalid (an empty password), errc::invalid_argument (a count under
/// pbes2_min_count, or over `max_count`).
inline result<jwe_key_data> password_key_data(key_management alg, bytes_view password, std::uint32_t count,
                                              std::uint32_t max_count, std::string kid) {
    if (family_of(alg) != key_management_family::pbes2) return errc::key_algorithm_mismatch;
    if (password.empty()) return errc::key_size_invalid;
    if (count < pbes2_min_count || max_count < pbes2_min_count || count > max_count) return errc::invalid_argument;
    jwe_key_data d;
    d.alg = alg;
    d.secret = secret_bytes(password.data(), password.size());
    d.pbes2_count = count;
    d.pbes2_max_count = max_count;
    d.kid = std::move(kid);
    return d;
}

inline std::shared_ptr<EVP_PKEY> share_pkey(pkey_ptr p) {
    return std::shared_ptr<EVP_PKEY>(p.release(), [](EVP_PKEY* k) { EVP_PKEY_free(k); });
}

/// Checks that `pkey` may be used with `alg`: RSA-OAEP* an "RSA" key of 2048 to 8192 bits (RFC 7518 §4.2 asks
/// 2048 at least); ECDH-ES* an EC key on P-256, P-384 or P-521 with a valid point, or an X25519 key. With
/// `need_private` the private half must be there. Errors: errc::key_algorithm_mismatch (symmetric algorithm,
/// other key type or curve), errc::key_too_weak, errc::key_invalid, errc::key_not_private, errc::invalid_argument.
inline result<const ecdh_curve*> check_jwe_pkey(key_management alg, EVP_PKEY* pkey, bool need_private) {
    if (!pkey) return errc::invalid_argument;
    openssl_error_scope scope;
    const key_management_family fam = family_of(alg);
    if (fam == key_management_family::rsa_oaep) {
        if (!EVP_PKEY_is_a(pkey, "RSA")) return errc::key_algorithm_mismatch;
        const int bits = EVP_PKEY_get_bits(pkey);
        if (bits < static_cast<int>(rsa_min_bits)) return errc::key_too_weak;
        if (bits > static_cast<int>(rsa_max_bits)) return errc::key_algorithm_mismatch;
        if (need_private && !has_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D)) return errc::key_not_private;
        return nullptr;
    }
    if (fam != key_management_family::ecdh) return errc::key_algorithm_mismatch;
    const ecdh_curve* c = ecdh_curve_of(pkey);
    if (!c) return errc::key_algorithm_mismatch;
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    if (!ctx) return errc::crypto_failure;
    if (!c->okp && ec_public_check(ctx.get()) != 1) return errc::key_invalid;
    if (need_private) {
        if (c->okp) {
            std::size_t len = 0;
            if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, nullptr, 0, &len) != 1 || len == 0)
                return errc::key_not_private;
        } else if (!has_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY)) {
            return errc::key_not_private;
        }
        if (EVP_PKEY_pairwise_check(ctx.get()) != 1) return errc::key_invalid;
    }
    return c;
}

/// The length a symmetric secret for `alg` (and, for dir, `enc`) must have.
inline std::size_t symmetric_key_size(key_management alg, content_encryption enc) noexcept {
    return alg == key_management::dir ? jwe_facts(enc).key_octets : jwe_facts(alg).kek_octets;
}

/// Key data for a symmetric algorithm. Errors: errc::key_algorithm_mismatch (RSA or ECDH algorithm),
/// errc::key_size_invalid (RFC 7518 §4.4, §4.7: the KEK is exactly the AES key size; §4.5, §5: a dir key is
/// exactly the CEK size of its "enc").
inline result<jwe_key_data> symmetric_key_data(key_management alg, content_encryption enc, bytes_view secret,
                                               std::string kid) {
    const key_management_family fam = family_of(alg);
    if (fam != key_management_family::aes_kw && fam != key_management_family::aes_gcm_kw &&
        fam != key_management_family::direct)
        return errc::key_algorithm_mismatch;
    if (secret.size() != symmetric_key_size(alg, enc)) return errc::key_size_invalid;
    jwe_key_data d;
    d.alg = alg;
    d.dir_enc = enc;
    d.secret = secret_bytes(secret.data(), secret.size());
    d.kid = std::move(kid);
    return d;
}

/// Key data for an asymmetric algorithm from an OpenSSL key. Errors: see check_jwe_pkey.
inline result<jwe_key_data> asymmetric_key_data(key_management alg, pkey_ptr pkey, bool need_private,
                                                std::string kid) {
    auto c = check_jwe_pkey(alg, pkey.get(), need_private);
    if (!c) return c.error();
    jwe_key_data d;
    d.alg = alg;
    d.curve = *c;
    d.pkey = share_pkey(std::move(pkey));
    d.kid = std::move(kid);
    return d;
}

/// An EC (P-256/384/521) or OKP (X25519) JWK as an EVP_PKEY. `expect`, when given, is the only curve allowed.
/// Errors: errc::key_invalid (malformed members, a point not on the curve, unknown curve),
/// errc::key_algorithm_mismatch (another curve than `expect`), errc::key_not_private, errc::crypto_failure.
template <class Json>
result<pkey_ptr> ecdh_pkey_from_jwk(const Json& jwk, jwk::part which, const ecdh_curve* expect) {
    std::string_view kty_s, crv_s;
    if (!find_string_member(jwk, "kty", kty_s) || !find_string_member(jwk, "crv", crv_s)) return errc::key_invalid;
    const ecdh_curve* c = find_ecdh_curve(crv_s);
    if (!c || kty_s != (c->okp ? "OKP" : "EC")) return errc::key_invalid;
    if (expect && c != expect) return errc::key_algorithm_mismatch;
    // jwk_pkey's readers take a curve of their own table; X25519 is not in it (no JWS algorithm uses it).
    const jwk::curve shape{c->jose_name,
                           c->okp ? c->openssl_name : "EC",
                           c->okp ? nullptr : c->openssl_name,
                           NID_undef,
                           c->okp ? jwk::key_type::okp : jwk::key_type::ec,
                           c->coordinate,
                           c->coordinate,
                           0,
                           algorithm::eddsa};
    if (c->okp) return jwk::okp_from_jwk(jwk, shape, which);
    return jwk::ec_from_jwk(jwk, shape, which);
}

/// Key data from a JWK (RFC 7517): "RSA", "EC" (P-256/384/521), "OKP" (X25519) or "oct" ("k"). "use", when
/// present, must be "enc" (RFC 7517 §4.2); "alg", when present, must name `alg` (§4.4).
/// Errors: errc::key_invalid, errc::key_use_mismatch, errc::key_algorithm_mismatch, errc::key_size_invalid,
/// errc::key_too_weak, errc::key_not_private, errc::invalid_argument (dir: the JWK cannot say which "enc"
/// the key serves; use the raw-secret factory), errc::crypto_failure.
inline result<jwe_key_data> key_data_from_jwk(key_management alg, std::string_view text, bool need_private) {
    auto doc = parse_object<nlohmann::json>(text, 8);
    if (!doc) return errc::key_invalid;
    const nlohmann::json& jwk = *doc;
    if (const auto* use = find_member(jwk, "use")) {
        if (!use->is_string()) return errc::key_invalid;
        if (use->get_ref<const std::string&>() != "enc") return errc::key_use_mismatch;
    }
    if (const auto* a = find_member(jwk, "alg")) {
        if (!a->is_string()) return errc::key_invalid;
        if (a->get_ref<const std::string&>() != to_string(alg)) return errc::key_algorithm_mismatch;
    }
    std::string kid;
    if (const auto* k = find_member(jwk, "kid")) {
        if (!k->is_string()) return errc::key_invalid;
        kid = k->get_ref<const std::string&>();
    }
    const auto* kty = find_member(jwk, "kty");
    if (!kty || !kty->is_string()) return errc::key_invalid;
    const std::string& type = kty->get_ref<const std::string&>();
    const jwk::part which = need_private ? jwk::part::private_key : jwk::part::public_key;
    if (type == "oct") {
        if (alg == key_management::dir) return errc::invalid_argument;
        auto k = jwk::read_octets(jwk, "k", 64);
        if (!k) return k.error();
        return symmetric_key_data(alg, content_encryption::a256gcm, k->view(), std::move(kid));
    }
    result<pkey_ptr> pkey = errc::key_invalid;
    if (type == "RSA") {
        if (family_of(alg) != key_management_family::rsa_oaep) return errc::key_algorithm_mismatch;
        pkey = jwk::rsa_from_jwk(jwk, which);
    } else if (type == "EC" || type == "OKP") {
        if (family_of(alg) != key_management_family::ecdh) return errc::key_algorithm_mismatch;
        pkey = ecdh_pkey_from_jwk(jwk, which, nullptr);
    }
    if (!pkey) return pkey.error();
    return asymmetric_key_data(alg, std::move(*pkey), need_private, std::move(kid));
}

/// A fresh key pair on curve `c` (ECDH-ES ephemeral keys, key generation). Errors: errc::crypto_failure.
inline result<pkey_ptr> generate_ecdh_key(const ecdh_curve& c) {
    openssl_error_scope scope;
    EVP_PKEY* raw = c.okp ? EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519")
                          : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", c.openssl_name);
    if (!raw) return errc::crypto_failure;
    return pkey_ptr(raw);
}

/// The public key of `key` as the JWK members of an "epk" (RFC 7518 §4.6.1.1), written in the order kty, crv,
/// x, y. Errors: errc::crypto_failure.
inline result<std::string> epk_json(EVP_PKEY* key, const ecdh_curve& c) {
    openssl_error_scope scope;
    std::uint8_t point[1 + 2 * 66];
    std::size_t len = 0;
    const char* param = c.okp ? OSSL_PKEY_PARAM_PUB_KEY : OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY;
    if (EVP_PKEY_get_octet_string_param(key, param, point, sizeof point, &len) != 1) return errc::crypto_failure;
    std::string out = "{\"kty\":\"";
    out += c.okp ? "OKP" : "EC";
    out += "\",\"crv\":\"";
    out += c.jose_name;
    out += "\",\"x\":\"";
    if (c.okp) {
        if (len != c.coordinate) return errc::crypto_failure;
        base64url::encode_append(bytes_view(point, len), out);
    } else {
        // SEC 1 §2.3.3 uncompressed point 0x04 || X || Y, both coordinates padded to the field size.
        if (len != 1 + 2 * c.coordinate || point[0] != 0x04) return errc::crypto_failure;
        base64url::encode_append(bytes_view(point + 1, c.coordinate), out);
        out += "\",\"y\":\"";
        base64url::encode_append(bytes_view(point + 1 + c.coordinate, c.coordinate), out);
    }
    out += "\"}";
    return out;
}

} // namespace jot::detail
