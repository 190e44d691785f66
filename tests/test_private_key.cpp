// SPDX-License-Identifier: MIT
// Tests of jot::private_key: generation, key input (PKCS#8, traditional, encrypted, DER), checks and signing.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <jot/private_key.hpp>
#include <jot/public_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using jot::algorithm;
using jot::errc;

std::vector<algorithm> asymmetric_algorithms() {
    std::vector<algorithm> out;
    for (algorithm a : jot::all_algorithms)
        if (jot::family_of(a) != jot::algorithm_family::hmac) out.push_back(a);
    return out;
}

bool is_rsa(algorithm a) {
    return jot::family_of(a) == jot::algorithm_family::rsa_pkcs1 || jot::family_of(a) == jot::algorithm_family::rsa_pss;
}

/// One cached key per algorithm; the RS and PS algorithms share one RSA key and EdDSA uses the Ed25519 key.
const jot::private_key& test_key(algorithm alg) {
    static std::map<algorithm, jot::private_key> cache;
    if (auto it = cache.find(alg); it != cache.end()) return it->second;
    static const std::string rsa_pem = jot::private_key::generate(algorithm::rs256).value().to_pem().value();
    static const std::string ed25519_pem = jot::private_key::generate(algorithm::ed25519).value().to_pem().value();
    jot::private_key k = is_rsa(alg)                ? jot::private_key::from_pem(alg, rsa_pem).value()
                         : alg == algorithm::eddsa ? jot::private_key::from_pem(alg, ed25519_pem).value()
                                                   : jot::private_key::generate(alg).value();
    return cache.emplace(alg, std::move(k)).first->second;
}

std::vector<std::uint8_t> sign(const jot::signer& key, std::string_view input) {
    std::vector<std::uint8_t> sig(key.max_signature_size());
    sig.resize(key.sign(input, sig.data(), sig.size()).value());
    return sig;
}

/// Encodes with OpenSSL's own encoder; `password` non-empty encrypts with AES-256-CBC.
std::string encode(EVP_PKEY* k, int selection, const char* format, const char* structure,
                   std::string_view password = {}) {
    jot::detail::encoder_ctx_ptr ctx(OSSL_ENCODER_CTX_new_for_pkey(k, selection, format, structure, nullptr));
    REQUIRE(ctx);
    REQUIRE(OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) > 0);
    if (!password.empty()) {
        REQUIRE(OSSL_ENCODER_CTX_set_cipher(ctx.get(), "AES-256-CBC", nullptr) == 1);
        REQUIRE(OSSL_ENCODER_CTX_set_passphrase(ctx.get(), reinterpret_cast<const unsigned char*>(password.data()),
                                                password.size()) == 1);
    }
    unsigned char* data = nullptr;
    std::size_t len = 0;
    REQUIRE(OSSL_ENCODER_to_data(ctx.get(), &data, &len) == 1);
    std::string out(reinterpret_cast<char*>(data), len);
    OPENSSL_free(data);
    return out;
}

jot::detail::pkey_ptr generate_raw(const char* type, int rsa_bits, unsigned long rsa_e = 65537) {
    jot::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), rsa_bits) == 1);
    jot::detail::bignum_ptr e(BN_new());
    REQUIRE(BN_set_word(e.get(), rsa_e) == 1);
    REQUIRE(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) == 1);
    EVP_PKEY* out = nullptr;
    REQUIRE(EVP_PKEY_generate(ctx.get(), &out) == 1);
    return jot::detail::pkey_ptr(out);
}

jot::detail::pkey_ptr up_ref(EVP_PKEY* p) {
    REQUIRE(EVP_PKEY_up_ref(p) == 1);
    return jot::detail::pkey_ptr(p);
}

/// Checks with OpenSSL directly (not through jot) that `sig` is a valid signature of `alg` by `key`.
bool raw_verify(EVP_PKEY* key, algorithm alg, std::string_view input, std::vector<std::uint8_t> sig,
                int pss_salt = RSA_PSS_SALTLEN_DIGEST) {
    if (jot::family_of(alg) == jot::algorithm_family::ecdsa) {
        const int c = static_cast<int>(sig.size() / 2);
        jot::detail::ecdsa_sig_ptr es(ECDSA_SIG_new());
        REQUIRE(ECDSA_SIG_set0(es.get(), BN_bin2bn(sig.data(), c, nullptr), BN_bin2bn(sig.data() + c, c, nullptr)) == 1);
        unsigned char* der = nullptr;
        const int len = i2d_ECDSA_SIG(es.get(), &der);
        REQUIRE(len > 0);
        sig.assign(der, der + len);
        OPENSSL_free(der);
    }
    jot::detail::md_ctx_ptr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    REQUIRE(EVP_DigestVerifyInit_ex(ctx.get(), &pctx, jot::detail::sha2_name(alg), nullptr, nullptr, key, nullptr) == 1);
    if (jot::family_of(alg) == jot::algorithm_family::rsa_pss) {
        REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1);
        REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, pss_salt) == 1);
    }
    const int ok = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(),
                                    reinterpret_cast<const unsigned char*>(input.data()), input.size());
    ERR_clear_error();
    return ok == 1;
}

constexpr std::string_view input = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb3QifQ";

} // namespace

TEST_CASE("private_key::generate makes a key for every asymmetric algorithm", "[private_key][positive]") {
    for (algorithm alg : asymmetric_algorithms()) {
        INFO(jot::to_string(alg));
        auto key = jot::private_key::generate(alg, "gen");
        REQUIRE(key);
        CHECK(key->alg() == alg);
        CHECK(key->key_id() == "gen");
        EVP_PKEY* k = key->native_handle();
        switch (jot::family_of(alg)) {
        case jot::algorithm_family::rsa_pkcs1:
        case jot::algorithm_family::rsa_pss:
            CHECK(EVP_PKEY_is_a(k, "RSA") == 1);
            CHECK(EVP_PKEY_get_bits(k) == 2048);
            break;
        case jot::algorithm_family::ecdsa: {
            char name[64] = {};
            std::size_t len = 0;
            REQUIRE(EVP_PKEY_get_group_name(k, name, sizeof name, &len) == 1);
            const std::string expected = alg == algorithm::es256    ? "prime256v1"
                                         : alg == algorithm::es384  ? "secp384r1"
                                         : alg == algorithm::es512  ? "secp521r1"
                                                                    : "secp256k1";
            CHECK(std::string(name) == expected);
            break;
        }
        case jot::algorithm_family::eddsa:
            CHECK(EVP_PKEY_is_a(k, alg == algorithm::ed448 ? "ED448" : "ED25519") == 1);
            break;
        case jot::algorithm_family::hmac: FAIL("no HMAC here"); break;
        }
        const auto sig = sign(*key, input);
        CHECK(sig.size() == key->max_signature_size());
        auto pub = key->public_key();
        REQUIRE(pub);
        CHECK(pub->verify(input, sig));
        CHECK(raw_verify(pub->native_handle(), alg, input, sig));
    }
}

TEST_CASE("private_key::generate refuses HMAC algorithms", "[private_key][negative]") {
    for (algorithm alg : {algorithm::hs256, algorithm::hs384, algorithm::hs512})
        CHECK(jot::private_key::generate(alg).error() == errc::key_algorithm_mismatch);
}

TEST_CASE("private_key reads PKCS#8, traditional and encrypted keys in PEM and DER", "[private_key][positive]") {
    const std::string password = "correct horse battery staple";
    for (algorithm alg : asymmetric_algorithms()) {
        INFO(jot::to_string(alg));
        EVP_PKEY* k = test_key(alg).native_handle();
        const auto pub = test_key(alg).public_key().value();
        std::vector<std::pair<std::string, jot::result<jot::private_key>>> loaded;
        const std::string pkcs8 = encode(k, EVP_PKEY_KEYPAIR, "PEM", "PrivateKeyInfo");
        CHECK(pkcs8.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
        loaded.emplace_back("PKCS#8 PEM", jot::private_key::from_pem(alg, pkcs8));
        const std::string encrypted = encode(k, EVP_PKEY_KEYPAIR, "PEM", "EncryptedPrivateKeyInfo", password);
        CHECK(encrypted.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0) == 0);
        loaded.emplace_back("encrypted PKCS#8 PEM", jot::private_key::from_pem(alg, encrypted, {}, password));
        const std::string der = encode(k, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo");
        loaded.emplace_back("PKCS#8 DER", jot::private_key::from_der(alg, der));
        const std::string encrypted_der = encode(k, EVP_PKEY_KEYPAIR, "DER", "EncryptedPrivateKeyInfo", password);
        loaded.emplace_back("encrypted PKCS#8 DER", jot::private_key::from_der(alg, encrypted_der, {}, password));
        if (is_rsa(alg) || jot::family_of(alg) == jot::algorithm_family::ecdsa) {
            const std::string traditional = encode(k, EVP_PKEY_KEYPAIR, "PEM", "type-specific");
            CHECK(traditional.rfind(is_rsa(alg) ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----",
                                    0) == 0);
            loaded.emplace_back("traditional PEM", jot::private_key::from_pem(alg, traditional));
            const std::string legacy = encode(k, EVP_PKEY_KEYPAIR, "PEM", "type-specific", password);
            CHECK(legacy.find("Proc-Type: 4,ENCRYPTED") != std::string::npos);
            loaded.emplace_back("encrypted traditional PEM", jot::private_key::from_pem(alg, legacy, {}, password));
            const std::string traditional_der = encode(k, EVP_PKEY_KEYPAIR, "DER", "type-specific");
            loaded.emplace_back("traditional DER", jot::private_key::from_der(alg, traditional_der));
        }
        for (const auto& [form, key] : loaded) {
            INFO(form);
            REQUIRE(key);
            CHECK(EVP_PKEY_eq(key->native_handle(), k) == 1);
            CHECK(pub.verify(input, sign(*key, input)));
        }
    }
}

TEST_CASE("private_key refuses an encrypted key without the right password", "[private_key][negative]") {
    EVP_PKEY* k = test_key(algorithm::es256).native_handle();
    const std::string encrypted = encode(k, EVP_PKEY_KEYPAIR, "PEM", "EncryptedPrivateKeyInfo", "right");
    CHECK(jot::private_key::from_pem(algorithm::es256, encrypted, {}, "wrong").error() == errc::key_invalid);
    CHECK(jot::private_key::from_pem(algorithm::es256, encrypted).error() == errc::key_invalid);
    CHECK(ERR_peek_error() == 0);
    const std::string legacy = encode(k, EVP_PKEY_KEYPAIR, "PEM", "type-specific", "right");
    CHECK(jot::private_key::from_pem(algorithm::es256, legacy, {}, "wrong").error() == errc::key_invalid);
    CHECK(jot::private_key::from_pem(algorithm::es256, legacy).error() == errc::key_invalid);
    const std::string der = encode(k, EVP_PKEY_KEYPAIR, "DER", "EncryptedPrivateKeyInfo", "right");
    CHECK(jot::private_key::from_der(algorithm::es256, der, {}, "wrong").error() == errc::key_invalid);
    CHECK(jot::private_key::from_der(algorithm::es256, der, {}, "right"));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("private_key refuses public keys and certificates with key_not_private", "[private_key][negative]") {
    for (algorithm alg : {algorithm::rs256, algorithm::es256, algorithm::eddsa}) {
        INFO(jot::to_string(alg));
        const auto pub = test_key(alg).public_key().value();
        CHECK(jot::private_key::from_pem(alg, pub.to_pem().value()).error() == errc::key_not_private);
        CHECK(jot::private_key::from_der(alg, pub.to_der().value()).error() == errc::key_not_private);
        CHECK(jot::private_key::from_pkey(alg, up_ref(pub.native_handle())).error() == errc::key_not_private);
    }
    const std::string certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    CHECK(jot::private_key::from_pem(algorithm::rs256, certificate).error() == errc::key_not_private);
    const std::string rsa_public =
        encode(test_key(algorithm::rs256).native_handle(), EVP_PKEY_PUBLIC_KEY, "PEM", "type-specific");
    CHECK(jot::private_key::from_pem(algorithm::rs256, rsa_public).error() == errc::key_not_private);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("private_key reads the first private key block of a PEM file that holds other blocks too",
          "[private_key][positive]") {
    const auto& key = test_key(algorithm::es256);
    const std::string pub = key.public_key().value().to_pem().value();
    const std::string certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    for (const std::string& bundle : {certificate + key.to_pem().value(), pub + key.to_pem().value(),
                                      "issued for the example\n" + key.to_pem().value() + certificate}) {
        auto loaded = jot::private_key::from_pem(algorithm::es256, bundle);
        REQUIRE(loaded);
        CHECK(EVP_PKEY_eq(loaded->native_handle(), key.native_handle()) == 1);
    }
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("private_key refuses input that holds no key", "[private_key][negative]") {
    CHECK(jot::private_key::from_pem(algorithm::es256, "").error() == errc::key_invalid);
    CHECK(jot::private_key::from_pem(algorithm::es256, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
              .error() == errc::key_invalid);
    CHECK(jot::private_key::from_der(algorithm::es256, std::string_view("\x30\x00", 2)).error() == errc::key_invalid);
    const std::string der = encode(test_key(algorithm::es256).native_handle(), EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo");
    CHECK(jot::private_key::from_der(algorithm::es256, der + std::string(1, '\0')).error() == errc::key_invalid);
    CHECK(jot::private_key::from_der(algorithm::es256, der.substr(0, der.size() - 1)).error() == errc::key_invalid);
    CHECK(jot::private_key::from_pkey(algorithm::es256, nullptr).error() == errc::invalid_argument);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("private_key applies the same binding checks as public_key", "[private_key][negative]") {
    const std::string ec = test_key(algorithm::es256).to_pem().value();
    CHECK(jot::private_key::from_pem(algorithm::es384, ec).error() == errc::key_algorithm_mismatch);
    CHECK(jot::private_key::from_pem(algorithm::es256k, ec).error() == errc::key_algorithm_mismatch);
    CHECK(jot::private_key::from_pem(algorithm::rs256, ec).error() == errc::key_algorithm_mismatch);
    CHECK(jot::private_key::from_pem(algorithm::hs256, ec).error() == errc::key_algorithm_mismatch);
    const std::string ed448 = test_key(algorithm::ed448).to_pem().value();
    CHECK(jot::private_key::from_pem(algorithm::ed25519, ed448).error() == errc::key_algorithm_mismatch);
    CHECK(jot::private_key::from_pem(algorithm::eddsa, ed448));
    const std::string rsa = test_key(algorithm::rs256).to_pem().value();
    CHECK(jot::private_key::from_pem(algorithm::eddsa, rsa).error() == errc::key_algorithm_mismatch);
    CHECK(jot::private_key::from_pem(algorithm::ps512, rsa));
    CHECK(jot::private_key::from_pkey(algorithm::rs256, generate_raw("RSA", 1024)).error() == errc::key_too_weak);
    CHECK(jot::private_key::from_pkey(algorithm::rs256, generate_raw("RSA", 2048, 3)).error() == errc::key_too_weak);
    CHECK(jot::private_key::from_pkey(algorithm::ps256, generate_raw("RSA-PSS", 2048)).error() ==
          errc::key_algorithm_mismatch);
}

TEST_CASE("private_key refuses an EC key whose public half does not match its private half",
          "[private_key][negative]") {
    EVP_PKEY* a = test_key(algorithm::es256).native_handle();
    const auto b = jot::private_key::generate(algorithm::es256).value();
    BIGNUM* d = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1);
    jot::detail::bignum_ptr dd(d);
    unsigned char point[65];
    std::size_t point_len = 0;
    REQUIRE(EVP_PKEY_get_octet_string_param(b.native_handle(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point,
                                            &point_len) == 1);
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    REQUIRE(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1);
    REQUIRE(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, dd.get()) == 1);
    REQUIRE(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, point_len) == 1);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    OSSL_PARAM_BLD_free(bld);
    jot::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* mixed = nullptr;
    REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_fromdata(ctx.get(), &mixed, EVP_PKEY_KEYPAIR, params) == 1);
    OSSL_PARAM_free(params);
    CHECK(jot::private_key::from_pkey(algorithm::es256, jot::detail::pkey_ptr(mixed)).error() == errc::key_invalid);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("private_key::sign refuses a buffer smaller than the signature", "[private_key][negative]") {
    for (algorithm alg : {algorithm::rs256, algorithm::es512, algorithm::ed448}) {
        INFO(jot::to_string(alg));
        const auto& key = test_key(alg);
        std::vector<std::uint8_t> out(key.max_signature_size() - 1);
        CHECK(key.sign(input, out.data(), out.size()).error() == errc::invalid_argument);
    }
}

TEST_CASE("private_key signs ECDSA as r||s that OpenSSL verifies once converted to DER", "[private_key][positive]") {
    for (algorithm alg : {algorithm::es256, algorithm::es384, algorithm::es512, algorithm::es256k}) {
        INFO(jot::to_string(alg));
        const auto& key = test_key(alg);
        for (int i = 0; i < 20; ++i) { // different nonces: some r or s with leading zero octets (P-521 often)
            const auto sig = sign(key, input);
            CHECK(sig.size() == 2 * jot::detail::ecdsa_coordinate_size(alg));
            CHECK(raw_verify(key.native_handle(), alg, input, sig));
        }
    }
}

TEST_CASE("private_key signs PS* with a salt as long as the hash", "[private_key][positive]") {
    for (algorithm alg : {algorithm::ps256, algorithm::ps384, algorithm::ps512}) {
        INFO(jot::to_string(alg));
        const auto& key = test_key(alg);
        const auto sig = sign(key, input);
        CHECK(raw_verify(key.native_handle(), alg, input, sig, static_cast<int>(jot::hash_size(alg))));
        CHECK(!raw_verify(key.native_handle(), alg, input, sig, 0));
        CHECK(!raw_verify(key.native_handle(), alg, input, sig, static_cast<int>(jot::hash_size(alg)) + 1));
        CHECK(sign(key, input) != sig); // the salt is random
    }
}

TEST_CASE("private_key makes deterministic RS* and EdDSA signatures", "[private_key][positive]") {
    for (algorithm alg : {algorithm::rs256, algorithm::rs384, algorithm::rs512, algorithm::eddsa, algorithm::ed448}) {
        INFO(jot::to_string(alg));
        CHECK(sign(test_key(alg), input) == sign(test_key(alg), input));
    }
    // The same RSA key under RS256 and RS512: different hashes, different signatures.
    CHECK(sign(test_key(algorithm::rs256), input) != sign(test_key(algorithm::rs512), input));
}

TEST_CASE("private_key::public_key has the same algorithm and kid and no private material",
          "[private_key][positive]") {
    for (algorithm alg : asymmetric_algorithms()) {
        INFO(jot::to_string(alg));
        auto key = jot::private_key::from_pem(alg, test_key(alg).to_pem().value(), "the-kid").value();
        auto pub = key.public_key();
        REQUIRE(pub);
        CHECK(pub->alg() == alg);
        CHECK(pub->key_id() == "the-kid");
        CHECK(EVP_PKEY_eq(pub->native_handle(), key.native_handle()) == 1);
        CHECK(jot::private_key::from_pkey(alg, up_ref(pub->native_handle())).error() == errc::key_not_private);
        CHECK(ERR_peek_error() == 0);
    }
}

TEST_CASE("private_key::to_pem writes an unencrypted PKCS#8 PEM that reads back as the same key",
          "[private_key][positive]") {
    for (algorithm alg : asymmetric_algorithms()) {
        INFO(jot::to_string(alg));
        const std::string pem = test_key(alg).to_pem().value();
        CHECK(pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
        auto again = jot::private_key::from_pem(alg, pem);
        REQUIRE(again);
        CHECK(EVP_PKEY_eq(again->native_handle(), test_key(alg).native_handle()) == 1);
        CHECK(test_key(alg).public_key()->verify(input, sign(*again, input)));
    }
}

TEST_CASE("private_key copies sign like the original", "[private_key][positive]") {
    const auto& original = test_key(algorithm::rs256);
    jot::private_key copy = original;
    CHECK(sign(copy, input) == sign(original, input));
    jot::private_key assigned = jot::private_key::generate(algorithm::es256).value();
    assigned = copy;
    CHECK(assigned.alg() == algorithm::rs256);
    CHECK(sign(assigned, input) == sign(original, input));
}
