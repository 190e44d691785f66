// SPDX-License-Identifier: MIT
// Tests for the algorithm facts table (jot/algorithm.hpp): every entry checked against OpenSSL itself.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>

#include <jot/algorithm.hpp>
#include <jot/callback_signer.hpp>
#include <jot/detail/ecdsa_signature.hpp>
#include <jot/detail/openssl.hpp>
#include <jot/jwk.hpp>
#include <jot/hmac_key.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"

namespace {

using jot::algorithm;
using jot::algorithm_family;
using jot::errc;
using jot::detail::algorithm_facts;
using jot::detail::curve_facts;
using jot::detail::jwk_key_type;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// A key OpenSSL generates for the curve, named only by the table's OpenSSL names.
jot::evp_pkey_ptr generate_on(const curve_facts& c) {
    EVP_PKEY* out = nullptr;
    jot::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, c.openssl_key_type, nullptr));
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1);
    if (c.openssl_group) {
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(c.openssl_group), 0),
            OSSL_PARAM_construct_end(),
        };
        REQUIRE(EVP_PKEY_CTX_set_params(ctx.get(), params) == 1);
    }
    REQUIRE(EVP_PKEY_generate(ctx.get(), &out) == 1);
    return jot::evp_pkey_ptr(out);
}

/// A public RSA key whose modulus has exactly `bits` bits (top and bottom bit set; not a product of two primes,
/// which is all a public key's size check can see) and e = 65537.
jot::evp_pkey_ptr rsa_public_of_bits(std::size_t bits) {
    jot::detail::bignum_ptr n(BN_new()), e(BN_new());
    REQUIRE((n && e));
    REQUIRE(BN_set_bit(n.get(), static_cast<int>(bits - 1)) == 1);
    REQUIRE(BN_set_bit(n.get(), 0) == 1);
    REQUIRE(BN_set_word(e.get(), 65537) == 1);
    jot::detail::param_bld_ptr bld(OSSL_PARAM_BLD_new());
    REQUIRE(bld);
    REQUIRE(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) == 1);
    REQUIRE(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) == 1);
    jot::detail::params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
    REQUIRE(params);
    jot::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
    EVP_PKEY* out = nullptr;
    REQUIRE(EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params.get()) == 1);
    return jot::evp_pkey_ptr(out);
}

/// The length of a signature jot makes with `key` over a fixed input, checked to verify with its public half.
std::size_t signature_length(const jot::private_key& key) {
    const std::string input = "eyJhbGciOiJub25lIn0.e30";
    std::vector<std::uint8_t> sig(key.max_signature_size());
    auto n = key.sign(input, sig.data(), sig.size());
    REQUIRE(n);
    auto pub = key.public_key();
    REQUIRE(pub);
    REQUIRE(pub->verify(input, jot::bytes_view(sig.data(), *n)));
    return *n;
}

} // namespace

TEST_CASE("the algorithm table names each algorithm as to_string and algorithm_from_string do",
          "[algorithm_facts][positive]") {
    for (const algorithm_facts& f : jot::detail::algorithm_table) {
        INFO("alg " << std::string(f.name));
        CHECK(&jot::detail::facts_of(f.alg) == &f);
        CHECK(jot::to_string(f.alg) == f.name);
        auto parsed = jot::algorithm_from_string(f.name);
        REQUIRE(parsed);
        CHECK(*parsed == f.alg);
        CHECK(jot::family_of(f.alg) == f.family);
        CHECK(jot::hash_size(f.alg) == f.digest_size);
    }
}

TEST_CASE("every digest in the algorithm table is the OpenSSL digest of its size and the alg name's",
          "[algorithm_facts][vector]") {
    for (const algorithm_facts& f : jot::detail::algorithm_table) {
        INFO("alg " << std::string(f.name));
        if (f.family == algorithm_family::eddsa) {
            // EdDSA hashes inside the signature scheme (RFC 8032): no digest is configured.
            CHECK(f.digest == nullptr);
            CHECK(f.digest_size == 0);
            continue;
        }
        REQUIRE(f.digest != nullptr);
        EVP_MD* md = EVP_MD_fetch(nullptr, f.digest, nullptr);
        REQUIRE(md != nullptr);
        CHECK(static_cast<std::size_t>(EVP_MD_get_size(md)) == f.digest_size);
        // OpenSSL's own alias for SHA-2 of that size ("SHA256", ...), independent of the table's spelling.
        CHECK(EVP_MD_is_a(md, ("SHA" + std::to_string(f.digest_size * 8)).c_str()) == 1);
        EVP_MD_free(md);
        // The JOSE name ends in the digest's bit length: HS256, RS384, ES512, ES256K.
        CHECK(std::string(f.name.substr(2, 3)) == std::to_string(f.digest_size * 8));
        CHECK(jot::detail::digest_md(f.alg) == jot::detail::sha2_md(f.digest_size));
    }
}

TEST_CASE("HMAC facts: the MAC is the digest long and the shortest secret is the digest's size",
          "[algorithm_facts][vector]") {
    for (const algorithm_facts& f : jot::detail::algorithm_table) {
        if (f.family != algorithm_family::hmac) continue;
        INFO("alg " << std::string(f.name));
        CHECK(f.kty == jwk_key_type::oct);
        CHECK(f.min_key_bits == 8 * f.digest_size); // RFC 7518 §3.2
        const std::size_t shortest = f.min_key_bits / 8;
        CHECK(jot::hmac_key::create(f.alg, std::string(shortest - 1, 'k')).error() == errc::key_too_short);
        auto key = jot::hmac_key::create(f.alg, std::string(shortest, 'k'));
        REQUIRE(key);
        std::uint8_t mac[EVP_MAX_MD_SIZE];
        auto n = key->sign("input", mac, sizeof mac);
        REQUIRE(n);
        CHECK(*n == f.signature_size);
        CHECK(f.min_signature_size == f.signature_size);
        CHECK(f.max_signature_size == f.signature_size);
        auto jwk = jot::to_jwk(*key);
        REQUIRE(jwk);
        CHECK((*jwk)["kty"] == std::string(jot::detail::jwk_name(f.kty)));
    }
}

TEST_CASE("every curve's names, NID and sizes are OpenSSL's", "[algorithm_facts][vector]") {
    for (const curve_facts& c : jot::detail::curve_table) {
        INFO("crv " << std::string(c.jose_name));
        jot::evp_pkey_ptr key = generate_on(c);
        CHECK(EVP_PKEY_is_a(key.get(), c.openssl_key_type) == 1);
        if (c.kty == jwk_key_type::ec) {
            CHECK(OBJ_sn2nid(c.openssl_group) == c.nid);
            // JOSE uses the NIST names where there is one (RFC 7518 §6.2.1.1), else the SEC 2 name (RFC 8812 §3.1).
            const char* nist = EC_curve_nid2nist(c.nid);
            CHECK(std::string(c.jose_name) == std::string(nist ? nist : OBJ_nid2sn(c.nid)));
            char group[80] = {};
            std::size_t len = 0;
            REQUIRE(EVP_PKEY_get_group_name(key.get(), group, sizeof group, &len) == 1);
            CHECK(std::string(group, len) == c.openssl_group);
            // A coordinate is as long as the field prime; "d", r and s as long as the group order.
            BIGNUM* prime = nullptr;
            REQUIRE(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_EC_P, &prime) == 1);
            jot::detail::bignum_ptr owned_prime(prime);
            CHECK(static_cast<std::size_t>(BN_num_bytes(prime)) == c.public_size);
            BIGNUM* order = nullptr;
            REQUIRE(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_EC_ORDER, &order) == 1);
            jot::detail::bignum_ptr owned(order);
            CHECK(static_cast<std::size_t>(BN_num_bytes(order)) == c.private_size);
            CHECK(c.signature_size == 2 * c.private_size);
            CHECK(c.public_size <= jot::detail::ecdsa_max_coordinate);
            CHECK(jot::detail::facts_of(c.alg).curve == &c);
        } else {
            REQUIRE(c.kty == jwk_key_type::okp);
            CHECK(c.openssl_group == nullptr);
            CHECK(OBJ_sn2nid(c.openssl_key_type) == c.nid);
            CHECK(lower(c.jose_name) == lower(OBJ_nid2sn(c.nid)));
            std::size_t len = 0;
            REQUIRE(EVP_PKEY_get_raw_public_key(key.get(), nullptr, &len) == 1);
            CHECK(len == c.public_size);
            REQUIRE(EVP_PKEY_get_raw_private_key(key.get(), nullptr, &len) == 1);
            CHECK(len == c.private_size);
            CHECK(static_cast<std::size_t>(EVP_PKEY_get_size(key.get())) == c.signature_size);
            CHECK(c.alg == algorithm::eddsa);
        }
        // The same key through jot: its JWK names the table's kty and crv, and reads back to the curve's alg.
        const std::size_t sig_size = c.signature_size;
        auto priv = jot::private_key::from_pkey(c.alg, std::move(key));
        REQUIRE(priv);
        CHECK(signature_length(*priv) == sig_size);
        auto pub = priv->public_key();
        REQUIRE(pub);
        auto jwk = jot::to_jwk(*pub);
        REQUIRE(jwk);
        CHECK((*jwk)["kty"] == std::string(jot::detail::jwk_name(c.kty)));
        CHECK((*jwk)["crv"] == std::string(c.jose_name));
        jwk->erase("alg");
        auto back = jot::public_key_from_jwk(*jwk);
        REQUIRE(back);
        CHECK(back->alg() == c.alg);
    }
}

TEST_CASE("every asymmetric algorithm's facts match a key OpenSSL made for it", "[algorithm_facts][vector]") {
    for (const algorithm_facts& f : jot::detail::algorithm_table) {
        if (f.family == algorithm_family::hmac) continue;
        INFO("alg " << std::string(f.name));
        auto key = jot::private_key::generate(f.alg);
        REQUIRE(key);
        EVP_PKEY* native = key->native_handle();
        const char* type = f.openssl_key_type ? f.openssl_key_type : jot::detail::curve_ed25519->openssl_key_type;
        CHECK(EVP_PKEY_is_a(native, type) == 1);
        const std::size_t n = signature_length(*key);
        CHECK(n >= f.min_signature_size);
        CHECK(n <= f.max_signature_size);
        if (f.signature_size != 0) CHECK(n == f.signature_size);
        CHECK(static_cast<std::size_t>(EVP_PKEY_get_size(native)) >= n); // DER ECDSA is a few octets longer
        CHECK(jot::detail::plausible_signature_size(f.alg, n));
        if (f.signature_size != 0) {
            CHECK_FALSE(jot::detail::plausible_signature_size(f.alg, n - 1));
            CHECK_FALSE(jot::detail::plausible_signature_size(f.alg, n + 1));
        }
        auto jwk = jot::to_jwk(*key->public_key());
        REQUIRE(jwk);
        CHECK((*jwk)["kty"] == std::string(jot::detail::jwk_name(f.kty)));
        if (f.curve) CHECK((*jwk)["crv"] == std::string(f.curve->jose_name));
        if (f.family == algorithm_family::ecdsa) {
            CHECK(f.curve->kty == jwk_key_type::ec);
            CHECK(jot::detail::ecdsa_coordinate_size(f.alg) == f.curve->public_size);
            CHECK(jot::detail::ecdsa_curve_nid(f.alg) == f.curve->nid);
        }
    }
}

TEST_CASE("RSA key-size bounds: exactly the table's smallest and largest modulus are accepted",
          "[algorithm_facts][negative]") {
    for (const algorithm_facts& f : jot::detail::algorithm_table) {
        if (f.family != algorithm_family::rsa_pkcs1 && f.family != algorithm_family::rsa_pss) continue;
        INFO("alg " << std::string(f.name));
        CHECK(f.kty == jwk_key_type::rsa);
        CHECK(f.min_signature_size == f.min_key_bits / 8);
        CHECK(f.max_signature_size == f.max_key_bits / 8);
        CHECK(jot::public_key::from_pkey(f.alg, rsa_public_of_bits(f.min_key_bits - 1)).error() == errc::key_too_weak);
        auto smallest = jot::public_key::from_pkey(f.alg, rsa_public_of_bits(f.min_key_bits));
        REQUIRE(smallest);
        CHECK(smallest->signature_size() == f.min_signature_size);
        auto largest = jot::public_key::from_pkey(f.alg, rsa_public_of_bits(f.max_key_bits));
        REQUIRE(largest);
        CHECK(largest->signature_size() == f.max_signature_size);
        CHECK(static_cast<std::size_t>(EVP_PKEY_get_size(largest->native_handle())) == f.max_signature_size);
        CHECK(jot::public_key::from_pkey(f.alg, rsa_public_of_bits(f.max_key_bits + 1)).error() == errc::key_invalid);
    }
}

TEST_CASE("the longest signature of any algorithm is the verifier's decoding limit", "[algorithm_facts][positive]") {
    std::size_t longest = 0;
    for (const algorithm_facts& f : jot::detail::algorithm_table) longest = std::max(longest, f.max_signature_size);
    CHECK(jot::detail::max_signature_octets_of_all == longest);
    CHECK(jot::detail::max_signature_octets == jot::detail::max_signature_octets_of_all);
    CHECK(longest == 1024); // an RSA-8192 signature
}
