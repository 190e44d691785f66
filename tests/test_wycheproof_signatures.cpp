// SPDX-License-Identifier: MIT
// Every Wycheproof RSA PKCS#1 v1.5, RSA-PSS, ECDSA (IEEE P1363) and Ed25519 case through jot::public_key.
//
// Policies where Wycheproof leaves the choice to the library:
// - "acceptable" cases (only MissingNull here: a PKCS#1 v1.5 DigestInfo without the NULL parameters) are
//   rejected. OpenSSL 3 compares the encoding exactly, and JWS has no legacy signers that need the exception.
// - RSA keys with a public exponent under 65537 (the SmallPublicKey groups, e = 3) are refused when the key is
//   made, with errc::key_too_weak, following NIST SP 800-56B; no signature is checked under them.
#include <cstddef>
#include <string>
#include <vector>

#include <openssl/err.h>

#include <jot/public_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using jot::algorithm;
using jot::errc;

struct vector_file {
    const char* name;
    algorithm alg;
    std::size_t tests; // Wycheproof's numberOfTests, also fixed here so a truncated file fails
};

struct tally {
    std::size_t total = 0, valid = 0, rejected = 0, acceptable_rejected = 0, weak_key = 0;
};

/// Runs every test of one file; each case is checked with the key read from DER and from PEM.
tally run_file(const vector_file& f) {
    const auto doc = jot_test::read_json(std::string("wycheproof/") + f.name);
    REQUIRE(doc.at("numberOfTests").get<std::size_t>() == f.tests);
    tally t;
    for (const auto& group : doc.at("testGroups")) {
        const auto der = jot_test::from_hex(group.at("publicKeyDer").get<std::string>());
        const std::string pem = group.at("publicKeyPem").get<std::string>();
        if (group.contains("sLen")) {
            // RFC 7518 §3.5 fixes the salt to the hash length and MGF1 to the same hash; a group with other
            // parameters would need other verdicts.
            REQUIRE(group.at("sLen").get<std::size_t>() == jot::hash_size(f.alg));
            REQUIRE(group.at("mgfSha").get<std::string>() == group.at("sha").get<std::string>());
        }
        auto from_der = jot::public_key::from_der(f.alg, der);
        auto from_pem = jot::public_key::from_pem(f.alg, pem);
        const bool small_exponent =
            group.contains("publicKey") && group.at("publicKey").contains("publicExponent") &&
            group.at("publicKey").at("publicExponent").get<std::string>() != "010001";
        for (const auto& test : group.at("tests")) {
            const int id = test.at("tcId").get<int>();
            const std::string result = test.at("result").get<std::string>();
            INFO(f.name << " tcId " << id << " (" << test.at("comment").get<std::string>() << "), expected " << result);
            ++t.total;
            if (small_exponent) {
                CHECK(from_der.error() == errc::key_too_weak);
                CHECK(from_pem.error() == errc::key_too_weak);
                ++t.weak_key;
                continue;
            }
            REQUIRE(from_der);
            REQUIRE(from_pem);
            const auto msg = jot_test::from_hex(test.at("msg").get<std::string>());
            const auto sig = jot_test::from_hex(test.at("sig").get<std::string>());
            const std::string_view input(reinterpret_cast<const char*>(msg.data()), msg.size());
            const auto a = from_der->verify(input, sig);
            const auto b = from_pem->verify(input, sig);
            CHECK(a.error() == b.error());
            CHECK(ERR_peek_error() == 0);
            if (result == "valid") {
                CHECK(a);
                ++t.valid;
            } else {
                CHECK(!a);
                CHECK((a.error() == errc::signature_invalid || a.error() == errc::signature_length_invalid));
                if (result == "acceptable") {
                    CHECK(test.at("flags") == nlohmann::json::array({"MissingNull"}));
                    ++t.acceptable_rejected;
                } else {
                    CHECK(result == "invalid");
                    ++t.rejected;
                }
            }
        }
    }
    CHECK(t.total == f.tests);
    return t;
}

} // namespace

TEST_CASE("every Wycheproof RSASSA-PKCS1-v1_5 case gets its expected verdict from RS256, RS384 and RS512",
          "[wycheproof][vector]") {
    const vector_file files[] = {
        {"rsa_signature_2048_sha256_test.json", algorithm::rs256, 259},
        {"rsa_signature_2048_sha384_test.json", algorithm::rs384, 258},
        {"rsa_signature_2048_sha512_test.json", algorithm::rs512, 259},
        {"rsa_signature_3072_sha256_test.json", algorithm::rs256, 259},
        {"rsa_signature_3072_sha384_test.json", algorithm::rs384, 259},
        {"rsa_signature_3072_sha512_test.json", algorithm::rs512, 260},
        {"rsa_signature_4096_sha256_test.json", algorithm::rs256, 258},
        {"rsa_signature_4096_sha384_test.json", algorithm::rs384, 259},
        {"rsa_signature_4096_sha512_test.json", algorithm::rs512, 259},
    };
    tally all;
    for (const auto& f : files) {
        const tally t = run_file(f);
        all.total += t.total;
        all.valid += t.valid;
        all.rejected += t.rejected;
        all.acceptable_rejected += t.acceptable_rejected;
        all.weak_key += t.weak_key;
    }
    CHECK(all.total == 2330);
    CHECK(all.acceptable_rejected == 9); // one MissingNull case per file, rejected by policy
    CHECK(all.weak_key == 5);            // the e = 3 groups, refused at key creation
    CHECK(all.valid == 63);
    CHECK(all.rejected == 2253);
}

TEST_CASE("every Wycheproof RSASSA-PSS case gets its expected verdict from PS256, PS384 and PS512",
          "[wycheproof][vector]") {
    const vector_file files[] = {
        {"rsa_pss_2048_sha256_mgf1_32_test.json", algorithm::ps256, 108},
        {"rsa_pss_2048_sha384_mgf1_48_test.json", algorithm::ps384, 141},
        {"rsa_pss_3072_sha256_mgf1_32_test.json", algorithm::ps256, 108},
        {"rsa_pss_4096_sha256_mgf1_32_test.json", algorithm::ps256, 108},
        {"rsa_pss_4096_sha384_mgf1_48_test.json", algorithm::ps384, 141},
        {"rsa_pss_4096_sha512_mgf1_64_test.json", algorithm::ps512, 179},
    };
    std::size_t total = 0, valid = 0;
    for (const auto& f : files) {
        const tally t = run_file(f);
        total += t.total;
        valid += t.valid;
        CHECK(t.acceptable_rejected == 0);
        CHECK(t.weak_key == 0);
    }
    CHECK(total == 785);
    CHECK(valid == 511);
}

TEST_CASE("every Wycheproof ECDSA P1363 case gets its expected verdict from ES256, ES384 and ES512",
          "[wycheproof][vector]") {
    const vector_file files[] = {
        {"ecdsa_secp256r1_sha256_p1363_test.json", algorithm::es256, 262},
        {"ecdsa_secp384r1_sha384_p1363_test.json", algorithm::es384, 280},
        {"ecdsa_secp521r1_sha512_p1363_test.json", algorithm::es512, 318},
    };
    std::size_t total = 0, valid = 0;
    for (const auto& f : files) {
        const tally t = run_file(f);
        total += t.total;
        valid += t.valid;
        CHECK(t.acceptable_rejected == 0);
    }
    CHECK(total == 860);
    CHECK(valid == 597);
}

TEST_CASE("every Wycheproof Ed25519 case gets its expected verdict from EdDSA and Ed25519", "[wycheproof][vector]") {
    for (algorithm alg : {algorithm::eddsa, algorithm::ed25519}) {
        INFO(jot::to_string(alg));
        const tally t = run_file({"ed25519_test.json", alg, 151});
        CHECK(t.total == 151);
        CHECK(t.valid == 88);
        CHECK(t.rejected == 63);
    }
}
