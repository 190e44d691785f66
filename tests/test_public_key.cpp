// SPDX-License-Identifier: MIT
// Tests of jot::public_key: key input (PEM, DER, PKCS#1, X.509), binding checks, and signature checks.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

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

/// One cached private key per algorithm. Every RS and PS algorithm shares one RSA key and EdDSA shares the
/// Ed25519 key, because RSA key generation is slow.
const jot::private_key& test_key(algorithm alg) {
    static std::map<algorithm, jot::private_key> cache;
    if (auto it = cache.find(alg); it != cache.end()) return it->second;
    static const std::string rsa_pem = jot::private_key::generate(algorithm::rs256).value().to_pem().value();
    static const std::string ed25519_pem = jot::private_key::generate(algorithm::ed25519).value().to_pem().value();
    const auto fam = jot::family_of(alg);
    jot::private_key k = fam == jot::algorithm_family::rsa_pkcs1 || fam == jot::algorithm_family::rsa_pss
                             ? jot::private_key::from_pem(alg, rsa_pem).value()
                         : alg == algorithm::eddsa ? jot::private_key::from_pem(alg, ed25519_pem).value()
                                                   : jot::private_key::generate(alg).value();
    return cache.emplace(alg, std::move(k)).first->second;
}

std::vector<std::uint8_t> sign(const jot::signer& key, std::string_view input) {
    std::vector<std::uint8_t> sig(key.max_signature_size());
    sig.resize(key.sign(input, sig.data(), sig.size()).value());
    return sig;
}

std::string public_pem(algorithm alg) { return test_key(alg).public_key().value().to_pem().value(); }

jot::detail::pkey_ptr generate_raw(const char* type, std::size_t rsa_bits = 0, const char* curve = nullptr) {
    jot::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1);
    if (rsa_bits) REQUIRE(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(rsa_bits)) == 1);
    if (curve) REQUIRE(EVP_PKEY_CTX_set_group_name(ctx.get(), curve) == 1);
    EVP_PKEY* out = nullptr;
    REQUIRE(EVP_PKEY_generate(ctx.get(), &out) == 1);
    return jot::detail::pkey_ptr(out);
}

std::string encode(EVP_PKEY* k, int selection, const char* format, const char* structure) {
    jot::detail::encoder_ctx_ptr ctx(OSSL_ENCODER_CTX_new_for_pkey(k, selection, format, structure, nullptr));
    REQUIRE(ctx);
    unsigned char* data = nullptr;
    std::size_t len = 0;
    REQUIRE(OSSL_ENCODER_to_data(ctx.get(), &data, &len) == 1);
    std::string out(reinterpret_cast<char*>(data), len);
    OPENSSL_free(data);
    return out;
}

/// A self-signed certificate for `key`, as PEM and DER.
std::pair<std::string, std::vector<std::uint8_t>> make_certificate(EVP_PKEY* key) {
    jot::detail::x509_ptr x(X509_new());
    REQUIRE(x);
    REQUIRE(X509_set_version(x.get(), X509_VERSION_3) == 1);
    REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1) == 1);
    REQUIRE(X509_gmtime_adj(X509_getm_notBefore(x.get()), 0));
    REQUIRE(X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600));
    REQUIRE(X509_set_pubkey(x.get(), key) == 1);
    X509_NAME* name = X509_get_subject_name(x.get());
    REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("jot test"),
                                       -1, -1, 0) == 1);
    REQUIRE(X509_set_issuer_name(x.get(), name) == 1);
    const bool edwards = EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448");
    REQUIRE(X509_sign(x.get(), key, edwards ? nullptr : EVP_sha256()) > 0);
    jot::detail::bio_ptr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_X509(bio.get(), x.get()) == 1);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    std::string pem(data, static_cast<std::size_t>(n));
    unsigned char* der = nullptr;
    const int len = i2d_X509(x.get(), &der);
    REQUIRE(len > 0);
    std::vector<std::uint8_t> out(der, der + len);
    OPENSSL_free(der);
    return {pem, out};
}

/// An RSA public key with the modulus of `like` and the public exponent `e`.
jot::detail::pkey_ptr rsa_with_exponent(EVP_PKEY* like, unsigned long e) {
    BIGNUM* n = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(like, OSSL_PKEY_PARAM_RSA_N, &n) == 1);
    jot::detail::bignum_ptr nn(n);
    jot::detail::bignum_ptr ee(BN_new());
    REQUIRE(BN_set_word(ee.get(), e) == 1);
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    REQUIRE(bld);
    REQUIRE(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, nn.get()) == 1);
    REQUIRE(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, ee.get()) == 1);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    OSSL_PARAM_BLD_free(bld);
    REQUIRE(params);
    jot::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY* out = nullptr;
    REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params) == 1);
    OSSL_PARAM_free(params);
    return jot::detail::pkey_ptr(out);
}

jot::detail::pkey_ptr up_ref(EVP_PKEY* p) {
    REQUIRE(EVP_PKEY_up_ref(p) == 1);
    return jot::detail::pkey_ptr(p);
}

/// The EC group order of `key`, big-endian, `width` octets.
std::vector<std::uint8_t> ec_order(EVP_PKEY* key, std::size_t width) {
    BIGNUM* raw = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_ORDER, &raw) == 1);
    jot::detail::bignum_ptr n(raw);
    std::vector<std::uint8_t> out(width);
    REQUIRE(BN_bn2binpad(n.get(), out.data(), static_cast<int>(width)) == static_cast<int>(width));
    return out;
}

/// RSASSA-PSS signature made directly with OpenSSL, with a chosen salt length and MGF1 hash.
std::vector<std::uint8_t> raw_pss_sign(EVP_PKEY* key, const char* md, std::string_view input, int salt,
                                       const char* mgf1_md) {
    jot::detail::md_ctx_ptr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    REQUIRE(EVP_DigestSignInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, key, nullptr) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, mgf1_md, nullptr) == 1);
    std::vector<std::uint8_t> sig(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
    std::size_t len = sig.size();
    REQUIRE(EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1);
    sig.resize(len);
    return sig;
}

constexpr std::string_view input = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJqb3QifQ";

} // namespace

TEST_CASE("public_key reads a SubjectPublicKeyInfo PEM and verifies its private key's signatures",
          "[public_key][positive]") {
    for (algorithm alg : asymmetric_algorithms()) {
        INFO(jot::to_string(alg));
        const std::string pem = public_pem(alg);
        CHECK(pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
        auto key = jot::public_key::from_pem(alg, pem, "key-1");
        REQUIRE(key);
        CHECK(key->alg() == alg);
        CHECK(key->key_id() == "key-1");
        const auto sig = sign(test_key(alg), input);
        CHECK(sig.size() == key->signature_size());
        CHECK(key->verify(input, sig));
        CHECK(key->verify("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJqb3QhIn0", sig).error() == errc::signature_invalid);
    }
}

TEST_CASE("public_key signature sizes are the modulus length, r||s, or the EdDSA size", "[public_key][positive]") {
    CHECK(jot::public_key::from_pem(algorithm::rs256, public_pem(algorithm::rs256))->signature_size() == 256);
    CHECK(jot::public_key::from_pem(algorithm::es256, public_pem(algorithm::es256))->signature_size() == 64);
    CHECK(jot::public_key::from_pem(algorithm::es384, public_pem(algorithm::es384))->signature_size() == 96);
    CHECK(jot::public_key::from_pem(algorithm::es512, public_pem(algorithm::es512))->signature_size() == 132);
    CHECK(jot::public_key::from_pem(algorithm::es256k, public_pem(algorithm::es256k))->signature_size() == 64);
    CHECK(jot::public_key::from_pem(algorithm::ed25519, public_pem(algorithm::ed25519))->signature_size() == 64);
    CHECK(jot::public_key::from_pem(algorithm::ed448, public_pem(algorithm::ed448))->signature_size() == 114);
    CHECK(jot::public_key::from_pem(algorithm::eddsa, public_pem(algorithm::ed448))->signature_size() == 114);
}

TEST_CASE("public_key reads a DER SubjectPublicKeyInfo and refuses trailing octets", "[public_key][positive]") {
    for (algorithm alg : {algorithm::rs256, algorithm::es512, algorithm::eddsa}) {
        INFO(jot::to_string(alg));
        auto der = test_key(alg).public_key().value().to_der();
        REQUIRE(der);
        CHECK((*der)[0] == 0x30);
        auto key = jot::public_key::from_der(alg, *der);
        REQUIRE(key);
        CHECK(key->verify(input, sign(test_key(alg), input)));
        auto longer = *der;
        longer.push_back(0);
        CHECK(jot::public_key::from_der(alg, longer).error() == errc::key_invalid);
        auto shorter = *der;
        shorter.pop_back();
        CHECK(jot::public_key::from_der(alg, shorter).error() == errc::key_invalid);
    }
}

TEST_CASE("public_key reads a PKCS#1 RSA PUBLIC KEY PEM", "[public_key][positive]") {
    const std::string pem = encode(test_key(algorithm::rs256).native_handle(), EVP_PKEY_PUBLIC_KEY, "PEM", "type-specific");
    REQUIRE(pem.rfind("-----BEGIN RSA PUBLIC KEY-----", 0) == 0);
    auto key = jot::public_key::from_pem(algorithm::rs256, pem);
    REQUIRE(key);
    CHECK(key->verify(input, sign(test_key(algorithm::rs256), input)));
}

TEST_CASE("public_key takes the key of an X.509 certificate in PEM or DER", "[public_key][positive]") {
    for (algorithm alg : {algorithm::rs256, algorithm::ps384, algorithm::es256, algorithm::eddsa, algorithm::ed448}) {
        INFO(jot::to_string(alg));
        const auto cert = make_certificate(test_key(alg).native_handle());
        REQUIRE(cert.first.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
        const auto sig = sign(test_key(alg), input);
        auto from_pem = jot::public_key::from_pem(alg, cert.first);
        REQUIRE(from_pem);
        CHECK(from_pem->verify(input, sig));
        auto from_der = jot::public_key::from_der(alg, cert.second);
        REQUIRE(from_der);
        CHECK(from_der->verify(input, sig));
        // The certificate's key is bound like any other: a P-256 certificate cannot make an ES384 key.
        if (alg == algorithm::es256) {
            CHECK(jot::public_key::from_pem(algorithm::es384, cert.first).error() == errc::key_algorithm_mismatch);
            CHECK(jot::public_key::from_der(algorithm::rs256, cert.second).error() == errc::key_algorithm_mismatch);
        }
    }
}

TEST_CASE("public_key refuses a key whose type or curve does not fit the algorithm", "[public_key][negative]") {
    struct mismatch {
        algorithm key_of, used_as;
    };
    const mismatch cases[] = {
        {algorithm::rs256, algorithm::es256},   {algorithm::rs256, algorithm::eddsa},
        {algorithm::ps256, algorithm::ed25519}, {algorithm::es256, algorithm::rs256},
        {algorithm::es256, algorithm::ps256},   {algorithm::es256, algorithm::es384},
        {algorithm::es256, algorithm::es512},   {algorithm::es256, algorithm::es256k},
        {algorithm::es256k, algorithm::es256},  {algorithm::es384, algorithm::es512},
        {algorithm::es512, algorithm::es384},   {algorithm::es256, algorithm::eddsa},
        {algorithm::ed25519, algorithm::ed448}, {algorithm::ed448, algorithm::ed25519},
        {algorithm::ed25519, algorithm::rs256}, {algorithm::ed448, algorithm::es256},
    };
    for (const auto& c : cases) {
        INFO(jot::to_string(c.key_of) << " key used as " << jot::to_string(c.used_as));
        CHECK(jot::public_key::from_pem(c.used_as, public_pem(c.key_of)).error() == errc::key_algorithm_mismatch);
    }
}

TEST_CASE("public_key accepts either Edwards curve for EdDSA and only its own for Ed25519 and Ed448",
          "[public_key][positive]") {
    CHECK(jot::public_key::from_pem(algorithm::eddsa, public_pem(algorithm::ed25519)));
    CHECK(jot::public_key::from_pem(algorithm::eddsa, public_pem(algorithm::ed448)));
    CHECK(jot::public_key::from_pem(algorithm::ed25519, public_pem(algorithm::eddsa)));
    CHECK(jot::public_key::from_pem(algorithm::ed448, public_pem(algorithm::ed448)));
    auto ed448 = jot::public_key::from_pem(algorithm::eddsa, public_pem(algorithm::ed448));
    CHECK(ed448->verify(input, sign(test_key(algorithm::ed448), input)));
}

TEST_CASE("public_key refuses HMAC algorithms", "[public_key][negative]") {
    const std::string pem = public_pem(algorithm::rs256);
    for (algorithm alg : {algorithm::hs256, algorithm::hs384, algorithm::hs512}) {
        CHECK(jot::public_key::from_pem(alg, pem).error() == errc::key_algorithm_mismatch);
        CHECK(jot::public_key::from_der(alg, test_key(algorithm::rs256).public_key()->to_der().value()).error() ==
              errc::key_algorithm_mismatch);
        CHECK(jot::public_key::from_pkey(alg, up_ref(test_key(algorithm::rs256).native_handle())).error() ==
              errc::key_algorithm_mismatch);
    }
}

TEST_CASE("public_key refuses RSA moduli under 2048 bits", "[public_key][negative]") {
    auto k1024 = generate_raw("RSA", 1024);
    CHECK(jot::public_key::from_pkey(algorithm::rs256, std::move(k1024)).error() == errc::key_too_weak);
    auto k2047 = generate_raw("RSA", 2047);
    const std::string pem = encode(k2047.get(), EVP_PKEY_PUBLIC_KEY, "PEM", "SubjectPublicKeyInfo");
    CHECK(jot::public_key::from_pem(algorithm::ps256, pem).error() == errc::key_too_weak);
    CHECK(jot::public_key::from_pem(algorithm::ps256, public_pem(algorithm::ps256)));
}

TEST_CASE("public_key refuses RSA public exponents under 65537 and invalid ones", "[public_key][negative]") {
    EVP_PKEY* rsa = test_key(algorithm::rs256).native_handle();
    CHECK(jot::public_key::from_pkey(algorithm::rs256, rsa_with_exponent(rsa, 3)).error() == errc::key_too_weak);
    CHECK(jot::public_key::from_pkey(algorithm::rs256, rsa_with_exponent(rsa, 65535)).error() == errc::key_too_weak);
    CHECK(jot::public_key::from_pkey(algorithm::rs256, rsa_with_exponent(rsa, 65537)));
    CHECK(jot::public_key::from_pkey(algorithm::rs256, rsa_with_exponent(rsa, 65539)));
    CHECK(jot::public_key::from_pkey(algorithm::rs256, rsa_with_exponent(rsa, 65538)).error() == errc::key_invalid);
    CHECK(jot::public_key::from_pkey(algorithm::rs256, rsa_with_exponent(rsa, 1)).error() == errc::key_invalid);
}

TEST_CASE("public_key refuses RSA keys restricted to RSASSA-PSS", "[public_key][negative]") {
    auto pss = generate_raw("RSA-PSS", 2048);
    const std::string pem = encode(pss.get(), EVP_PKEY_PUBLIC_KEY, "PEM", "SubjectPublicKeyInfo");
    CHECK(jot::public_key::from_pem(algorithm::ps256, pem).error() == errc::key_algorithm_mismatch);
    CHECK(jot::public_key::from_pem(algorithm::rs256, pem).error() == errc::key_algorithm_mismatch);
}

TEST_CASE("public_key refuses input that holds no public key", "[public_key][negative]") {
    const std::string good = public_pem(algorithm::es256);
    CHECK(jot::public_key::from_pem(algorithm::es256, "").error() == errc::key_invalid);
    CHECK(jot::public_key::from_pem(algorithm::es256, "not a key").error() == errc::key_invalid);
    CHECK(jot::public_key::from_pem(algorithm::es256, good.substr(0, good.size() / 2)).error() == errc::key_invalid);
    // A private key is not silently reduced to its public half.
    CHECK(jot::public_key::from_pem(algorithm::es256, test_key(algorithm::es256).to_pem().value()).error() ==
          errc::key_invalid);
    CHECK(jot::public_key::from_der(algorithm::es256, std::string_view("\x30\x03\x02\x01\x01")).error() ==
          errc::key_invalid);
    CHECK(jot::public_key::from_der(algorithm::es256, jot::bytes_view()).error() == errc::key_invalid);
    CHECK(jot::public_key::from_pkey(algorithm::es256, nullptr).error() == errc::invalid_argument);
}

TEST_CASE("public_key refuses an EC point that is not on the curve", "[public_key][negative]") {
    auto der = test_key(algorithm::es256).public_key().value().to_der().value();
    der.back() ^= 0x01; // the last octet of y: the point leaves the curve
    CHECK(jot::public_key::from_der(algorithm::es256, der).error() == errc::key_invalid);
}

TEST_CASE("public_key checks the signature length exactly before any cryptography", "[public_key][negative]") {
    for (algorithm alg : asymmetric_algorithms()) {
        INFO(jot::to_string(alg));
        auto key = test_key(alg).public_key();
        REQUIRE(key);
        auto sig = sign(test_key(alg), input);
        REQUIRE(key->verify(input, sig));
        auto longer = sig;
        longer.push_back(0);
        CHECK(key->verify(input, longer).error() == errc::signature_length_invalid);
        auto shorter = sig;
        shorter.pop_back();
        CHECK(key->verify(input, shorter).error() == errc::signature_length_invalid);
        CHECK(key->verify(input, jot::bytes_view()).error() == errc::signature_length_invalid);
        // An ECDSA signature in DER (the form OpenSSL and most HSMs speak) is not a JWS signature.
        if (jot::family_of(alg) == jot::algorithm_family::ecdsa) {
            const std::size_t c = sig.size() / 2;
            std::vector<std::uint8_t> der(jot::detail::ecdsa_der_max);
            der.resize(jot::detail::ecdsa_p1363_to_der(sig.data(), c, der.data()));
            CHECK(key->verify(input, der).error() == errc::signature_length_invalid);
        }
    }
}

TEST_CASE("public_key rejects ECDSA r or s of 0, n or above n-1", "[public_key][negative]") {
    for (algorithm alg : {algorithm::es256, algorithm::es384, algorithm::es512, algorithm::es256k}) {
        INFO(jot::to_string(alg));
        auto key = test_key(alg).public_key().value();
        const auto good = sign(test_key(alg), input);
        const std::size_t c = good.size() / 2;
        const auto n = ec_order(key.native_handle(), c);
        const std::vector<std::uint8_t> zero(c, 0);
        REQUIRE(n.size() == c);
        REQUIRE(c > 0);
        auto n_minus_1 = n;
        n_minus_1[c - 1] = static_cast<std::uint8_t>(n[c - 1] - 1); // n is odd: no borrow
        auto n_plus_1 = n;
        n_plus_1[c - 1] = static_cast<std::uint8_t>(n[c - 1] + 1); // n ends in ...1, ...3 or ...9: no carry
        const std::vector<std::uint8_t> r(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(c));
        const std::vector<std::uint8_t> s(good.begin() + static_cast<std::ptrdiff_t>(c), good.end());
        auto join = [](const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
            auto out = a;
            out.insert(out.end(), b.begin(), b.end());
            return out;
        };
        // r = s = 0 is the "psychic signature" of CVE-2022-21449.
        CHECK(key.verify(input, join(zero, zero)).error() == errc::signature_invalid);
        CHECK(key.verify(input, join(zero, s)).error() == errc::signature_invalid);
        CHECK(key.verify(input, join(r, zero)).error() == errc::signature_invalid);
        CHECK(key.verify(input, join(n, s)).error() == errc::signature_invalid);
        CHECK(key.verify(input, join(r, n)).error() == errc::signature_invalid);
        CHECK(key.verify(input, join(n_plus_1, s)).error() == errc::signature_invalid);
        CHECK(key.verify(input, join(r, n_plus_1)).error() == errc::signature_invalid);
        // n - 1 is in range: it reaches OpenSSL and simply does not verify.
        CHECK(key.verify(input, join(r, n_minus_1)).error() == errc::signature_invalid);
        CHECK(key.verify(input, join(r, s)));
    }
}

TEST_CASE("public_key accepts high-S ECDSA signatures", "[public_key][positive]") {
    // RFC 7515 A.3's ES256 example has s > n/2; JWS does not normalise s, so both forms of a signature verify.
    for (algorithm alg : {algorithm::es256, algorithm::es384, algorithm::es512, algorithm::es256k}) {
        INFO(jot::to_string(alg));
        auto key = test_key(alg).public_key().value();
        auto sig = sign(test_key(alg), input);
        const std::size_t c = sig.size() / 2;
        const auto n = ec_order(key.native_handle(), c);
        jot::detail::bignum_ptr nb(BN_bin2bn(n.data(), static_cast<int>(c), nullptr));
        jot::detail::bignum_ptr sb(BN_bin2bn(sig.data() + c, static_cast<int>(c), nullptr));
        REQUIRE(BN_sub(sb.get(), nb.get(), sb.get()) == 1);
        auto flipped = sig;
        REQUIRE(BN_bn2binpad(sb.get(), flipped.data() + c, static_cast<int>(c)) == static_cast<int>(c));
        REQUIRE(flipped != sig);
        CHECK(key.verify(input, sig));
        CHECK(key.verify(input, flipped));
    }
}

TEST_CASE("public_key verifies PS* only with MGF1 over the same hash and a salt as long as the hash",
          "[public_key][negative]") {
    EVP_PKEY* rsa = test_key(algorithm::ps256).native_handle();
    auto key = test_key(algorithm::ps256).public_key().value();
    CHECK(key.verify(input, raw_pss_sign(rsa, "SHA2-256", input, 32, "SHA2-256")));
    CHECK(key.verify(input, raw_pss_sign(rsa, "SHA2-256", input, 0, "SHA2-256")).error() == errc::signature_invalid);
    CHECK(key.verify(input, raw_pss_sign(rsa, "SHA2-256", input, 20, "SHA2-256")).error() == errc::signature_invalid);
    CHECK(key.verify(input, raw_pss_sign(rsa, "SHA2-256", input, 64, "SHA2-256")).error() == errc::signature_invalid);
    CHECK(key.verify(input, raw_pss_sign(rsa, "SHA2-256", input, RSA_PSS_SALTLEN_MAX, "SHA2-256")).error() ==
          errc::signature_invalid);
    CHECK(key.verify(input, raw_pss_sign(rsa, "SHA2-256", input, 32, "SHA1")).error() == errc::signature_invalid);
    auto ps512 = test_key(algorithm::ps512).public_key().value();
    CHECK(ps512.verify(input, raw_pss_sign(rsa, "SHA2-512", input, 64, "SHA2-512")));
    CHECK(ps512.verify(input, raw_pss_sign(rsa, "SHA2-512", input, 32, "SHA2-512")).error() ==
          errc::signature_invalid);
}

TEST_CASE("public_key leaves the OpenSSL error queue empty after a failure", "[public_key][negative]") {
    ERR_clear_error();
    for (algorithm alg : asymmetric_algorithms()) {
        INFO(jot::to_string(alg));
        auto key = test_key(alg).public_key().value();
        auto sig = sign(test_key(alg), input);
        sig[sig.size() / 2] ^= 0x40;
        CHECK(!key.verify(input, sig));
        CHECK(ERR_peek_error() == 0);
        std::vector<std::uint8_t> ones(sig.size(), 0xff); // for RSA a representative above n
        CHECK(!key.verify(input, ones));
        CHECK(ERR_peek_error() == 0);
    }
    CHECK(!jot::public_key::from_pem(algorithm::rs256, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
    CHECK(ERR_peek_error() == 0);
    CHECK(!jot::public_key::from_pem(algorithm::es256, public_pem(algorithm::rs256)));
    CHECK(ERR_peek_error() == 0);
    CHECK(!jot::public_key::from_der(algorithm::rs256, std::string_view("junk")));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("public_key to_pem and to_der round-trip the key", "[public_key][positive]") {
    for (algorithm alg : asymmetric_algorithms()) {
        INFO(jot::to_string(alg));
        auto key = test_key(alg).public_key().value();
        auto again = jot::public_key::from_pem(alg, key.to_pem().value());
        REQUIRE(again);
        CHECK(again->to_der().value() == key.to_der().value());
        CHECK(EVP_PKEY_eq(again->native_handle(), test_key(alg).native_handle()) == 1);
    }
}

TEST_CASE("public_key copies verify like the original", "[public_key][positive]") {
    auto key = jot::public_key::from_pem(algorithm::es256, public_pem(algorithm::es256), "k").value();
    const auto sig = sign(test_key(algorithm::es256), input);
    jot::public_key copy = key;
    CHECK(copy.verify(input, sig));
    CHECK(copy.key_id() == "k");
    CHECK(copy.native_handle() == key.native_handle());
    jot::public_key assigned = jot::public_key::from_pem(algorithm::rs256, public_pem(algorithm::rs256)).value();
    assigned = copy;
    CHECK(assigned.alg() == algorithm::es256);
    CHECK(assigned.verify(input, sig));
    jot::public_key moved = std::move(assigned);
    CHECK(moved.verify(input, sig));
}

TEST_CASE("public_key native_handle exposes the parsed OpenSSL key", "[public_key][positive]") {
    auto rsa = test_key(algorithm::rs384).public_key().value();
    CHECK(EVP_PKEY_get_bits(rsa.native_handle()) == 2048);
    auto ec = test_key(algorithm::es384).public_key().value();
    CHECK(EVP_PKEY_is_a(ec.native_handle(), "EC") == 1);
    CHECK(EVP_PKEY_get_bits(ec.native_handle()) == 384);
}
