// SPDX-License-Identifier: MIT
// Nested JWTs (RFC 7519 §5.2, §7.2): sign_and_encrypt and decrypt_and_verify, the verifier's full policy applied
// to the inner token, and the RFC 7520 §6 example.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/jwe.hpp>
#include <jot/jwk.hpp>
#include <jot/hmac_key.hpp>
#include <jot/nested.hpp>
#include <jot/private_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using jot::algorithm;
using jot::content_encryption;
using jot::errc;
using jot::key_management;
using builder = jot::basic_builder<json, jot::fixed_clock>;
using verifier_builder = jot::basic_verifier_builder<json, jot::fixed_clock>;

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at(std::int64_t s) { return {std::chrono::system_clock::time_point(std::chrono::seconds(s))}; }

std::error_code code(errc e) { return jot::make_error_code(e); }

struct parties {
    jot::private_key signing = jot::private_key::generate(algorithm::es256, "sig-1").value();
    jot::jwe_decryption_key decryption = jot::jwe_decryption_key::generate(key_management::ecdh_es_a256kw, "enc-1").value();
    jot::jwe_encrypter encrypter =
        jot::jwe_encrypter::create(decryption.encryption_key().value(), content_encryption::a256gcm).value();
    jot::jwe_decrypter decrypter = jot::jwe_decrypter::create(decryption, {content_encryption::a256gcm}).value();
};

builder claims() {
    builder b(at(now_s));
    b.issuer("https://issuer.example").audience("api").subject("alice").expires_in(5min);
    return b;
}

} // namespace

TEST_CASE("sign_and_encrypt makes a JWE with cty JWT around a JWS, and decrypt_and_verify opens it",
          "[nested][roundtrip]") {
    parties p;
    const std::string token = jot::sign_and_encrypt(claims(), p.signing, p.encrypter).value();
    const json h = json::parse(jot::base64url::decode<std::string>(token.substr(0, token.find('.'))).value());
    CHECK(h["cty"] == "JWT");
    CHECK(h["enc"] == "A256GCM");
    CHECK(h["alg"] == "ECDH-ES+A256KW");
    CHECK(h["kid"] == "enc-1");
    CHECK(std::count(token.begin(), token.end(), '.') == 4);

    const auto v = verifier_builder()
                       .key(p.signing.public_key().value())
                       .expect_issuer("https://issuer.example")
                       .expect_audience("api")
                       .clock(at(now_s + 60))
                       .build()
                       .value();
    auto tok = jot::decrypt_and_verify(p.decrypter, v, token);
    REQUIRE(tok);
    CHECK(tok->claims().subject().value() == "alice");
    CHECK(tok->header().key_id().value() == "sig-1");
}

TEST_CASE("decrypt_and_verify applies the verifier's whole policy to the inner token", "[nested][negative]") {
    parties p;
    const std::string token = jot::sign_and_encrypt(claims(), p.signing, p.encrypter).value();
    const auto pub = p.signing.public_key().value();
    // Expired.
    auto late = verifier_builder().key(pub).expect_issuer("https://issuer.example").expect_audience("api")
                    .clock(at(now_s + 3600)).build().value();
    CHECK(jot::decrypt_and_verify(p.decrypter, late, token).error() == code(errc::token_expired));
    // Another issuer, another audience.
    auto iss = verifier_builder().key(pub).expect_issuer("https://other.example").expect_audience("api")
                   .clock(at(now_s)).build().value();
    CHECK(jot::decrypt_and_verify(p.decrypter, iss, token).error() == code(errc::issuer_mismatch));
    auto aud = verifier_builder().key(pub).expect_issuer("https://issuer.example").expect_audience("web")
                   .clock(at(now_s)).build().value();
    CHECK(jot::decrypt_and_verify(p.decrypter, aud, token).error() == code(errc::audience_mismatch));
    // A signature by a key the verifier does not trust.
    const auto stranger = jot::private_key::generate(algorithm::es256, "sig-1").value().public_key().value();
    auto other = verifier_builder().key(stranger).expect_issuer("https://issuer.example").expect_audience("api")
                     .clock(at(now_s)).build().value();
    CHECK(jot::decrypt_and_verify(p.decrypter, other, token).error() == code(errc::signature_invalid));
    // A JWE for someone else fails before any verification.
    parties q;
    auto good = verifier_builder().key(pub).expect_issuer("https://issuer.example").expect_audience("api")
                    .clock(at(now_s)).build().value();
    CHECK(jot::decrypt_and_verify(q.decrypter, good, token).error() == code(errc::decryption_failed));
}

TEST_CASE("decrypt_and_verify requires cty JWT", "[nested][negative]") {
    parties p;
    const std::string jws = claims().sign(p.signing).value();
    const auto v = verifier_builder().key(p.signing.public_key().value()).expect_issuer("https://issuer.example")
                       .expect_audience("api").clock(at(now_s)).build().value();
    // Without cty, the plaintext is no announced nested token.
    const std::string plain = p.encrypter.encrypt(jot::bytes_view(jws)).value();
    CHECK(jot::decrypt_and_verify(p.decrypter, v, plain).error() == code(errc::nested_token_expected));
    CHECK(jot::decrypt_and_verify(p.decrypter, v, p.encrypter.encrypt(jot::bytes_view(jws), {"json", ""}).value())
              .error() == code(errc::nested_token_expected));
    // cty compared as a media type (RFC 7515 §4.1.10).
    for (const char* cty : {"JWT", "jwt", "application/JWT"})
        CHECK(jot::decrypt_and_verify(p.decrypter, v, p.encrypter.encrypt(jot::bytes_view(jws), {cty, ""}).value()));
    // The verifier alone still refuses a JWE: it reads compact JWS only.
    CHECK(v.verify(plain).error() == code(errc::token_not_compact));
}

TEST_CASE("RFC 7520 §6: the nested example decrypts and its inner PS256 token verifies", "[nested][vectors]") {
    const json v = jot_test::read_json("jose-cookbook/6.nesting_signatures_and_encryption.json");
    const json& enc = v["encrypt"];
    const auto key = jot::jwe_decryption_key::from_jwk(key_management::rsa_oaep, enc["input"]["key"].dump()).value();
    const auto dec = jot::jwe_decrypter::create(key, {content_encryption::a128gcm}).value();
    const auto pub = jot::public_key_from_jwk(v["sign"]["input"]["key"], algorithm::ps256).value();
    // The inner claims expire at 1300819380 (2011-03-22): verify as of a moment before that.
    const auto verifier = verifier_builder().key(pub).expect_issuer("hobbiton.example").clock(at(1300819000)).build().value();
    const std::string token = enc["output"]["compact"];
    auto tok = jot::decrypt_and_verify(dec, verifier, token);
    REQUIRE(tok);
    CHECK(tok->claims().issuer().value() == "hobbiton.example");
    auto plain = dec.decrypt(token);
    REQUIRE(plain);
    CHECK(plain->plaintext() == enc["input"]["plaintext"].get<std::string>());
    // And as of now it is expired, like any other token.
    const auto now = verifier_builder().key(pub).expect_issuer("hobbiton.example").clock(at(now_s)).build().value();
    CHECK(jot::decrypt_and_verify(dec, now, token).error() == code(errc::token_expired));
}
