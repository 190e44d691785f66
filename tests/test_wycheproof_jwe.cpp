// SPDX-License-Identifier: MIT
// Project Wycheproof vectors (tests/data/wycheproof, Apache-2.0) for JWE through jot's own code paths: AES-GCM,
// AES-CBC-HMAC-SHA2, AES key wrap, RSA-OAEP, ECDH on P-256/384/521 (invalid-curve points included), X25519, and
// Wycheproof's compact JWE cases. Each case that JWE cannot express is counted, never silently passed.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <jot/base64url.hpp>
#include <jot/jwe.hpp>
#include <jot/jwe_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using bytes = std::vector<std::uint8_t>;
using json = nlohmann::json;
using jot::errc;
using jot::key_management;

jot::bytes_view view(const bytes& b) { return jot::bytes_view(b.data(), b.size()); }
std::string b64(const bytes& b) { return jot::base64url::encode(view(b)); }

struct tally {
    int checked = 0;      ///< cases run through jot with a verdict compared
    int inexpressible = 0;  ///< cases JWE cannot carry (other IV or tag sizes, a label, compressed points)
};

} // namespace

TEST_CASE("Wycheproof AES-GCM through jot's content and key-wrap GCM code", "[jwe][wycheproof]") {
    const auto doc = jot_test::read_json("wycheproof/aes_gcm_test.json");
    tally t;
    for (const auto& g : doc.at("testGroups")) {
        const int iv_bits = g.at("ivSize"), tag_bits = g.at("tagSize"), key_bits = g.at("keySize");
        for (const auto& c : g.at("tests")) {
            INFO("aes_gcm tcId " << c.at("tcId").get<int>() << " " << c.at("comment").get<std::string>());
            // RFC 7518 §5.3 and §4.7 fix a 96-bit IV and a 128-bit tag; other sizes are refused by the JWE layer
            // (iv_length_invalid, tag_length_invalid) before reaching this code.
            if (iv_bits != 96 || tag_bits != 128 || (key_bits != 128 && key_bits != 192 && key_bits != 256)) {
                ++t.inexpressible;
                continue;
            }
            const bytes key = jot_test::from_hex(c.at("key")), iv = jot_test::from_hex(c.at("iv")),
                        aad = jot_test::from_hex(c.at("aad")), msg = jot_test::from_hex(c.at("msg")),
                        ct = jot_test::from_hex(c.at("ct")), tag = jot_test::from_hex(c.at("tag"));
            bytes out(ct.size() + 1);
            auto r = jot::detail::gcm_decrypt(view(key), view(iv), view(aad), view(ct), view(tag), out.data());
            if (c.at("result") == "valid") {
                REQUIRE(r);
                CHECK(bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(msg.size())) == msg);
                bytes ct2(msg.size() + 1), tag2(16);
                REQUIRE(jot::detail::gcm_encrypt(view(key), view(iv), view(aad), view(msg), ct2.data(), tag2.data()));
                CHECK(bytes(ct2.begin(), ct2.begin() + static_cast<std::ptrdiff_t>(ct.size())) == ct);
                CHECK(tag2 == tag);
            } else {
                CHECK(r.error() == jot::make_error_code(errc::decryption_failed));
            }
            ++t.checked;
        }
    }
    CHECK(t.checked + t.inexpressible == doc.at("numberOfTests").get<int>());
    CHECK(t.checked > 100);
}

TEST_CASE("Wycheproof A128CBC-HS256, A192CBC-HS384 and A256CBC-HS512 through jot's CBC-HS code", "[jwe][wycheproof]") {
    for (const char* file : {"a128cbc_hs256_test.json", "a192cbc_hs384_test.json", "a256cbc_hs512_test.json"}) {
        const auto doc = jot_test::read_json(std::string("wycheproof/") + file);
        int checked = 0;
        for (const auto& g : doc.at("testGroups")) {
            for (const auto& c : g.at("tests")) {
                INFO(file << " tcId " << c.at("tcId").get<int>() << " " << c.at("comment").get<std::string>());
                const bytes key = jot_test::from_hex(c.at("key")), iv = jot_test::from_hex(c.at("iv")),
                            aad = jot_test::from_hex(c.at("aad")), msg = jot_test::from_hex(c.at("msg")),
                            ct = jot_test::from_hex(c.at("ct")), tag = jot_test::from_hex(c.at("tag"));
                REQUIRE(tag.size() == key.size() / 2);
                bytes out(ct.size() + 1);
                auto r = jot::detail::cbc_hs_decrypt(view(key), view(iv), view(aad), view(ct), view(tag), out.data());
                if (c.at("result") == "valid") {
                    REQUIRE(r);
                    CHECK(bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*r)) == msg);
                    bytes ct2(msg.size() + 16), tag2(tag.size());
                    auto n = jot::detail::cbc_hs_encrypt(view(key), view(iv), view(aad), view(msg), ct2.data(),
                                                         tag2.data());
                    REQUIRE(n);
                    ct2.resize(*n);
                    CHECK(ct2 == ct);
                    CHECK(tag2 == tag);
                } else {
                    CHECK(r.error() == jot::make_error_code(errc::decryption_failed));
                }
                ++checked;
            }
        }
        CHECK(checked == doc.at("numberOfTests").get<int>());
    }
}

TEST_CASE("Wycheproof AES key wrap through jot's A*KW code", "[jwe][wycheproof]") {
    const auto doc = jot_test::read_json("wycheproof/aes_wrap_test.json");
    int checked = 0, short_key_refused = 0;
    for (const auto& g : doc.at("testGroups")) {
        for (const auto& c : g.at("tests")) {
            INFO("aes_wrap tcId " << c.at("tcId").get<int>() << " " << c.at("comment").get<std::string>());
            const bytes kek = jot_test::from_hex(c.at("key")), msg = jot_test::from_hex(c.at("msg")),
                        ct = jot_test::from_hex(c.at("ct"));
            const std::string result = c.at("result");
            bytes out(ct.size() + 8);
            auto r = jot::detail::aes_unwrap(view(kek), view(ct), out.data());
            if (result == "valid") {
                REQUIRE(r);
                CHECK(bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*r)) == msg);
                bytes wrapped(msg.size() + 8);
                REQUIRE(jot::detail::aes_wrap(view(kek), view(msg), wrapped.data()));
                CHECK(wrapped == ct);
            } else if (result == "acceptable") {
                // An 8-octet key wrapped in one block (RFC 3394 needs two): no JWE CEK is that short, so refused.
                CHECK(r.error() == jot::make_error_code(errc::decryption_failed));
                ++short_key_refused;
            } else {
                CHECK(r.error() == jot::make_error_code(errc::decryption_failed));
            }
            ++checked;
        }
    }
    CHECK(checked == doc.at("numberOfTests").get<int>());
    CHECK(short_key_refused == 3);
}

TEST_CASE("Wycheproof RSA-OAEP through jot's RSA-OAEP and RSA-OAEP-256 code", "[jwe][wycheproof]") {
    const std::pair<const char*, key_management> files[] = {
        {"rsa_oaep_2048_sha1_mgf1sha1_test.json", key_management::rsa_oaep},
        {"rsa_oaep_2048_sha256_mgf1sha256_test.json", key_management::rsa_oaep_256},
        {"rsa_oaep_3072_sha256_mgf1sha256_test.json", key_management::rsa_oaep_256},
        {"rsa_oaep_4096_sha256_mgf1sha256_test.json", key_management::rsa_oaep_256},
    };
    for (const auto& [file, alg] : files) {
        const auto doc = jot_test::read_json(std::string("wycheproof/") + file);
        tally t;
        for (const auto& g : doc.at("testGroups")) {
            const auto key = jot::jwe_decryption_key::from_pem(alg, g.at("privateKeyPem").get<std::string>()).value();
            EVP_PKEY* pkey = jot::detail::jwe_key_access::of(key).pkey.get();
            for (const auto& c : g.at("tests")) {
                INFO(file << " tcId " << c.at("tcId").get<int>() << " " << c.at("comment").get<std::string>());
                // JWE uses RSAES-OAEP with an empty label (RFC 7518 §4.3); a labelled case has no JWE form.
                if (!c.at("label").get<std::string>().empty()) {
                    ++t.inexpressible;
                    continue;
                }
                const bytes msg = jot_test::from_hex(c.at("msg")), ct = jot_test::from_hex(c.at("ct"));
                bytes out(static_cast<std::size_t>(EVP_PKEY_get_size(pkey)));
                auto r = jot::detail::rsa_oaep(pkey, alg == key_management::rsa_oaep_256, true, view(ct), out.data(),
                                               out.size());
                if (c.at("result") == "valid") {
                    REQUIRE(r);
                    CHECK(bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*r)) == msg);
                } else {
                    CHECK(r.error() == jot::make_error_code(errc::decryption_failed));
                }
                ++t.checked;
            }
        }
        CHECK(t.checked + t.inexpressible == doc.at("numberOfTests").get<int>());
        CHECK(t.checked > 10);
    }
}

namespace {

/// An EC private key from a Wycheproof hex scalar (leading zero octets allowed) on `group`.
jot::detail::pkey_ptr ec_private(const char* group, const std::string& hex) {
    const bytes d = jot_test::from_hex(hex);
    jot::detail::bignum_ptr bn(BN_bin2bn(d.data(), static_cast<int>(d.size()), nullptr));
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn.get());
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* key = nullptr;
    EVP_PKEY_fromdata_init(ctx);
    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return jot::detail::pkey_ptr(key);
}

} // namespace

TEST_CASE("Wycheproof ECDH on P-256, P-384, P-521 through jot's epk reading and key agreement", "[jwe][wycheproof]") {
    const std::tuple<const char*, const char*, std::size_t> files[] = {
        {"ecdh_secp256r1_ecpoint_test.json", "P-256", 32},
        {"ecdh_secp384r1_ecpoint_test.json", "P-384", 48},
        {"ecdh_secp521r1_ecpoint_test.json", "P-521", 66},
    };
    for (const auto& [file, crv, width] : files) {
        const auto doc = jot_test::read_json(std::string("wycheproof/") + file);
        const jot::detail::ecdh_curve* curve = jot::detail::find_ecdh_curve(crv);
        REQUIRE(curve);
        tally t;
        int invalid_curve = 0;
        for (const auto& g : doc.at("testGroups")) {
            for (const auto& c : g.at("tests")) {
                INFO(file << " tcId " << c.at("tcId").get<int>() << " " << c.at("comment").get<std::string>());
                const bytes point = jot_test::from_hex(c.at("public"));
                const std::string result = c.at("result");
                bool flagged_invalid_curve = false;
                for (const auto& f : c.at("flags")) flagged_invalid_curve |= f == "InvalidCurveAttack";
                // An "epk" carries x and y (RFC 7518 §6.2.1): only an uncompressed point of the curve's width
                // has that form. A compressed point cannot be sent to jot at all.
                if (point.size() != 1 + 2 * width || point[0] != 0x04) {
                    CHECK(result != "valid");
                    ++t.inexpressible;
                    continue;
                }
                const json epk = {{"kty", "EC"},
                                  {"crv", crv},
                                  {"x", b64(bytes(point.begin() + 1, point.begin() + 1 + static_cast<long>(width)))},
                                  {"y", b64(bytes(point.begin() + 1 + static_cast<long>(width), point.end()))}};
                auto peer = jot::detail::ecdh_pkey_from_jwk(epk, jot::detail::jwk::part::public_key, curve);
                auto own = ec_private(curve->openssl_name, c.at("private"));
                REQUIRE(own);
                if (result == "valid") {
                    REQUIRE(peer);
                    auto z = jot::detail::ecdh_derive(own.get(), peer->get(), /*peer_checked=*/true);
                    REQUIRE(z);
                    CHECK(bytes(z->data(), z->data() + z->size()) == jot_test::from_hex(c.at("shared")));
                } else if (result == "invalid") {
                    // Refused when the epk is read, as jot's decryption reads it (agreement then skips
                    // OpenSSL's second check of the peer).
                    const bool refused = !peer || !jot::detail::ecdh_derive(own.get(), peer->get(), /*peer_checked=*/true);
                    CHECK(refused);
                    invalid_curve += flagged_invalid_curve ? 1 : 0;
                }
                ++t.checked;
            }
        }
        CHECK(t.checked + t.inexpressible == doc.at("numberOfTests").get<int>());
        CHECK(invalid_curve > 0);
    }
}

TEST_CASE("Wycheproof X25519 through jot's epk reading and key agreement", "[jwe][wycheproof]") {
    const auto doc = jot_test::read_json("wycheproof/x25519_test.json");
    const jot::detail::ecdh_curve* curve = jot::detail::find_ecdh_curve("X25519");
    int checked = 0, zero_refused = 0, acceptable_accepted = 0;
    for (const auto& g : doc.at("testGroups")) {
        for (const auto& c : g.at("tests")) {
            INFO("x25519 tcId " << c.at("tcId").get<int>() << " " << c.at("comment").get<std::string>());
            const bytes pub = jot_test::from_hex(c.at("public")), priv = jot_test::from_hex(c.at("private")),
                        shared = jot_test::from_hex(c.at("shared"));
            const json epk = {{"kty", "OKP"}, {"crv", "X25519"}, {"x", b64(pub)}};
            auto peer = jot::detail::ecdh_pkey_from_jwk(epk, jot::detail::jwk::part::public_key, curve);
            REQUIRE(peer);
            jot::detail::pkey_ptr own(
                EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, priv.data(), priv.size()));
            REQUIRE(own);
            auto z = jot::detail::ecdh_derive(own.get(), peer->get(), /*peer_checked=*/true);
            bool zero = true;
            for (auto b : shared) zero = zero && b == 0;
            const std::string result = c.at("result");
            if (zero) {
                // RFC 7748 §6.1: the all-zero output of a low-order point is refused, whatever Wycheproof's verdict.
                CHECK(z.error() == jot::make_error_code(errc::ephemeral_key_invalid));
                ++zero_refused;
            } else if (result == "valid" || result == "acceptable") {
                REQUIRE(z);
                CHECK(bytes(z->data(), z->data() + z->size()) == shared);
                acceptable_accepted += result == "acceptable" ? 1 : 0;
            } else {
                CHECK_FALSE(z);
            }
            ++checked;
        }
    }
    CHECK(checked == doc.at("numberOfTests").get<int>());
    CHECK(zero_refused > 0);
    INFO("acceptable cases agreed on (twist points, non-canonical u): " << acceptable_accepted);
    CHECK(acceptable_accepted > 0);
}

TEST_CASE("Wycheproof compact JWE cases through jwe_decrypter", "[jwe][wycheproof]") {
    const auto doc = jot_test::read_json("wycheproof/json_web_encryption_test.json");
    const std::vector<jot::content_encryption> all = {
        jot::content_encryption::a128gcm,       jot::content_encryption::a192gcm,
        jot::content_encryption::a256gcm,       jot::content_encryption::a128cbc_hs256,
        jot::content_encryption::a192cbc_hs384, jot::content_encryption::a256cbc_hs512,
    };
    int accepted = 0, rejected = 0, policy = 0;
    for (const auto& g : doc.at("testGroups")) {
        const json& jwk = g.at("private");
        const std::string alg_name = jwk.at("alg");
        for (const auto& c : g.at("tests")) {
            INFO("jwe tcId " << c.at("tcId").get<int>() << " " << c.at("comment").get<std::string>());
            const std::string result = c.at("result");
            bool policy_refusal = false;
            for (const auto& f : c.at("flags"))
                policy_refusal |= f == "CompressedPlaintext" || f == "JsonSerialization";
            if (!c.at("jwe").is_string()) {
                // JSON serialization: jot reads compact JWE only.
                CHECK(result == "invalid");
                ++rejected;
                continue;
            }
            const std::string token = c.at("jwe");
            std::error_code verdict;
            std::string plaintext;
            auto alg = jot::key_management_from_string(alg_name);
            auto dir_enc = jot::content_encryption_from_string(alg_name);
            if (!alg && !dir_enc) {
                // RSA1_5 keys: jot has no such key type. The token names RSA1_5 too, which jot refuses for any key.
                const auto any = jot::jwe_decryption_key::generate(key_management::a128kw).value();
                verdict = jot::jwe_decrypter::create(any, all).value().decrypt(token).error();
                CHECK(verdict == jot::make_error_code(errc::unsupported_algorithm));
                policy_refusal = true;
            } else {
                // A dir key's JWK "alg" names its content encryption (as in RFC 7520 §5.6).
                auto key = dir_enc ? jot::jwe_decryption_key::direct(
                                         *dir_enc, jot::base64url::decode<std::string>(jwk.at("k").get<std::string>()).value())
                                   : jot::jwe_decryption_key::from_jwk(*alg, jwk.dump());
                REQUIRE(key);
                auto out = jot::jwe_decrypter::create(*key, all).value().decrypt(token);
                if (out) plaintext = std::string(out->plaintext());
                else verdict = out.error();
            }
            if (result == "valid" && !policy_refusal) {
                CHECK(!verdict);
                const bytes pt = jot_test::from_hex(c.at("pt"));
                CHECK(plaintext == std::string(pt.begin(), pt.end()));
                ++accepted;
            } else {
                CHECK(verdict);
                if (result == "valid") {
                    // Valid for Wycheproof, refused by policy: RSA1_5 (RFC 8725 §3.2) and "zip" (bombs).
                    CHECK((verdict == jot::make_error_code(errc::unsupported_algorithm) ||
                           verdict == jot::make_error_code(errc::zip_unsupported)));
                    ++policy;
                } else {
                    ++rejected;
                }
            }
        }
    }
    CHECK(accepted + rejected + policy == doc.at("numberOfTests").get<int>());
    INFO("accepted " << accepted << ", rejected " << rejected << ", refused by policy " << policy);
    CHECK(accepted > 40);
}
