// SPDX-License-Identifier: MIT
// JWE vectors: RFC 7516 Appendix A and the RFC 7520 §5 cookbook examples, decrypted and, with the published CEK,
// IVs and ephemeral keys injected, encrypted again byte for byte.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/jwe.hpp>
#include <jot/jwe_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using jot::content_encryption;
using jot::errc;
using jot::key_management;
using json = nlohmann::json;

const std::vector<content_encryption> all_enc = {
    content_encryption::a128gcm,       content_encryption::a192gcm,       content_encryption::a256gcm,
    content_encryption::a128cbc_hs256, content_encryption::a192cbc_hs384, content_encryption::a256cbc_hs512,
};

using jot_test::split;
using jot_test::unb64;

/// The decryption key a vector's JWK describes (dir keys are built from "k" and the vector's "enc").
jot::jwe_decryption_key key_of(const json& jwk, key_management alg, content_encryption enc) {
    if (alg == key_management::dir)
        return jot::jwe_decryption_key::direct(enc, unb64(jwk["k"].get<std::string>()),
                                               jwk.value("kid", std::string()))
            .value();
    return jot::jwe_decryption_key::from_jwk(alg, jwk.dump()).value();
}

/// Encrypts `plaintext` with fixed randomness and the key's kid, as the vector's producer did.
std::string encrypt_fixed(const jot::jwe_decryption_key& key, content_encryption enc, const std::string& plaintext,
                          const jot::detail::jwe_fixed_randomness& fixed) {
    const auto pub = key.encryption_key().value();
    return jot::detail::jwe_encrypt(jot::detail::jwe_key_access::of(pub), enc, jot::bytes_view(plaintext), {}, {},
                                    &fixed)
        .value();
}

/// An EC or OKP private JWK as an EVP_PKEY (the cookbook's ephemeral keys).
jot::detail::pkey_ptr ephemeral_of(const json& jwk) {
    return jot::detail::ecdh_pkey_from_jwk(jwk, jot::detail::jwk::part::private_key, nullptr).value();
}

} // namespace

TEST_CASE("RFC 7516 A.1 (RSA-OAEP, A256GCM) decrypts, and its content encryption is reproduced", "[jwe][vectors]") {
    const json v = jot_test::read_json("rfc7516/A1.json");
    const auto key = key_of(v["jwk"], key_management::rsa_oaep, content_encryption::a256gcm);
    auto dec = jot::jwe_decrypter::create(key, all_enc).value();
    auto out = dec.decrypt(v["compact"].get<std::string>());
    REQUIRE(out);
    CHECK(out->plaintext() == v["plaintext"].get<std::string>());
    // RSAES-OAEP is randomized: every segment but the encrypted key must come out the same.
    const std::string cek = unb64(v["cek"]), iv = unb64(v["iv"]);
    jot::detail::jwe_fixed_randomness fixed;
    fixed.cek = jot::bytes_view(cek);
    fixed.iv = jot::bytes_view(iv);
    const auto mine = split(encrypt_fixed(key, content_encryption::a256gcm, v["plaintext"], fixed));
    const auto theirs = split(v["compact"].get<std::string>());
    for (std::size_t i : {0u, 2u, 3u, 4u}) CHECK(mine[i] == theirs[i]);
    CHECK(dec.decrypt(mine[0] + "." + mine[1] + "." + mine[2] + "." + mine[3] + "." + mine[4]).value().plaintext() ==
          v["plaintext"].get<std::string>());
}

TEST_CASE("RFC 7516 A.2 (RSA1_5) is refused, and its A128CBC-HS256 content encryption is reproduced",
          "[jwe][vectors]") {
    const json v = jot_test::read_json("rfc7516/A2.json");
    const json a1 = jot_test::read_json("rfc7516/A1.json");
    const auto key = key_of(a1["jwk"], key_management::rsa_oaep, content_encryption::a128cbc_hs256);
    CHECK(jot::jwe_decrypter::create(key, all_enc).value().decrypt(v["compact"].get<std::string>()).error() ==
          jot::make_error_code(errc::unsupported_algorithm));
    // The content step alone, through jot's CBC-HS code with the published CEK, IV and AAD.
    const std::string cek = unb64(v["cek"]), iv = unb64(v["iv"]), pt = v["plaintext"];
    const auto parts = split(v["compact"].get<std::string>());
    std::vector<std::uint8_t> ct(pt.size() + 16), tag(16);
    auto n = jot::detail::cbc_hs_encrypt(jot::bytes_view(cek), jot::bytes_view(iv), jot::bytes_view(parts[0]),
                                         jot::bytes_view(pt), ct.data(), tag.data());
    REQUIRE(n);
    ct.resize(*n);
    CHECK(jot::base64url::encode(jot::bytes_view(ct)) == parts[3]);
    CHECK(jot::base64url::encode(jot::bytes_view(tag)) == parts[4]);
}

TEST_CASE("RFC 7516 A.3 (A128KW, A128CBC-HS256) decrypts and is reproduced byte for byte", "[jwe][vectors]") {
    const json v = jot_test::read_json("rfc7516/A3.json");
    const auto key = key_of(v["jwk"], key_management::a128kw, content_encryption::a128cbc_hs256);
    auto out = jot::jwe_decrypter::create(key, all_enc).value().decrypt(v["compact"].get<std::string>());
    REQUIRE(out);
    CHECK(out->plaintext() == "Live long and prosper.");
    const std::string cek = unb64(v["cek"]), iv = unb64(v["iv"]);
    jot::detail::jwe_fixed_randomness fixed;
    fixed.cek = jot::bytes_view(cek);
    fixed.iv = jot::bytes_view(iv);
    CHECK(encrypt_fixed(key, content_encryption::a128cbc_hs256, v["plaintext"], fixed) == v["compact"]);
}

namespace {

struct cookbook_case {
    const char* file;
    bool reproducible;  ///< false for RSA-OAEP, whose encrypted key is randomized
};

} // namespace

TEST_CASE("RFC 7520 §5 examples jot supports decrypt and encrypt again byte for byte", "[jwe][vectors]") {
    const cookbook_case cases[] = {
        {"jose-cookbook/jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json", false},
        {"jose-cookbook/jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json", true},
        {"jose-cookbook/jwe/5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json", true},
        {"jose-cookbook/jwe/5_6.direct_encryption_using_aes-gcm.json", true},
        {"jose-cookbook/jwe/5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json", true},
        {"jose-cookbook/jwe/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json", true},
        {"jose-cookbook/curve25519/ecdh-es.json", true},
    };
    for (const auto& c : cases) {
        INFO(c.file);
        const json v = jot_test::read_json(c.file);
        const json& in = v["input"];
        const auto alg = jot::key_management_from_string(in["alg"].get<std::string>()).value();
        const auto enc = jot::content_encryption_from_string(in["enc"].get<std::string>()).value();
        const auto key = key_of(in["key"], alg, enc);
        const std::string compact = v["output"]["compact"];
        auto out = jot::jwe_decrypter::create(key, {enc}).value().decrypt(compact);
        REQUIRE(out);
        CHECK(out->plaintext() == in["plaintext"].get<std::string>());

        const json& gen = v["generated"];
        const json& ek = v.contains("encrypting_key") ? v["encrypting_key"] : json::object();
        std::string cek, iv = unb64(gen["iv"]), kw_iv;
        if (gen.contains("cek")) cek = unb64(gen["cek"]);
        if (ek.contains("iv")) kw_iv = unb64(ek["iv"]);
        jot::detail::pkey_ptr eph;
        if (ek.contains("epk")) {
            json epk = ek["epk"];
            // Trap: in curve25519/ecdh-es.json the "x" printed with the ephemeral private key is not the public
            // key of its "d"; the header's "epk" (what the output was made with) is. The key comes from "d".
            epk.erase("x");
            if (epk["kty"] == "OKP") {
                epk["x"] = v["encrypting_content"]["protected"]["epk"]["x"];
            } else {
                epk["x"] = ek["epk"]["x"];
            }
            eph = ephemeral_of(epk);
        }
        jot::detail::jwe_fixed_randomness fixed;
        fixed.cek = jot::bytes_view(cek);
        fixed.iv = jot::bytes_view(iv);
        fixed.kw_iv = jot::bytes_view(kw_iv);
        fixed.ephemeral = eph.get();
        const std::string mine = encrypt_fixed(key, enc, in["plaintext"], fixed);
        if (c.reproducible) {
            CHECK(mine == compact);
        } else {
            const auto a = split(mine), b = split(compact);
            for (std::size_t i : {0u, 2u, 3u, 4u}) CHECK(a[i] == b[i]);
        }
        CHECK(jot::jwe_decrypter::create(key, {enc}).value().decrypt(mine).value().plaintext() ==
              in["plaintext"].get<std::string>());
    }
}

TEST_CASE("RFC 7520 §5 examples jot refuses are refused with their precise code", "[jwe][vectors][negative]") {
    const std::pair<const char*, errc> cases[] = {
        {"jose-cookbook/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json", errc::unsupported_algorithm},
        {"jose-cookbook/jwe/5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json",
         errc::unsupported_algorithm},
        {"jose-cookbook/jwe/5_9.compressed_content.json", errc::zip_unsupported},
    };
    const auto any = jot::jwe_decryption_key::generate(key_management::a128kw).value();
    for (const auto& [file, expected] : cases) {
        INFO(file);
        const json v = jot_test::read_json(file);
        CHECK(jot::jwe_decrypter::create(any, all_enc).value().decrypt(v["output"]["compact"].get<std::string>()).error() ==
              jot::make_error_code(expected));
    }
}
