// SPDX-License-Identifier: MIT
// The HMAC examples of RFC 7515 App. A, RFC 7519 §3.1 and RFC 7520 §4.4, read from tests/data/rfc: signed
// byte for byte and verified (asymmetric examples live in test_vectors_rfc_asym.cpp).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/error.hpp>
#include <jot/hmac_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using fixed_verifier_builder = jot::basic_verifier_builder<nlohmann::json, jot::fixed_clock>;

jot::fixed_clock at_seconds(std::int64_t s) { return {std::chrono::system_clock::time_point(std::chrono::seconds(s))}; }
/// One second before the exp (1300819380) of the RFC 7515 A.1 / RFC 7519 §3.1 payload.
constexpr std::int64_t rfc_now = 1300819379;

nlohmann::json load(const std::string& file) { return jot_test::read_json("rfc/" + file); }

/// The HMAC key of a vector, from the JWK "k" (base64url-decoded here) and, when present, its "kid".
jot::hmac_key key_of(const nlohmann::json& v) {
    const auto& jwk = v.at("jwk");
    REQUIRE(jwk.at("kty") == "oct");
    const auto secret = jot::base64url::decode<std::vector<std::uint8_t>>(jwk.at("k").get<std::string>());
    REQUIRE(secret.has_value());
    REQUIRE(*secret == jot_test::from_hex(v.at("derived").at("hmac_key_hex").get<std::string>()));
    const std::string kid = jwk.value("kid", std::string());
    return jot::hmac_key::create(jot::algorithm::hs256, *secret, kid).value();
}

/// Flips one bit in the middle of the signature segment of a compact token (keeping it canonical base64url).
std::string tamper_signature(std::string token) {
    const std::size_t dot = token.rfind('.');
    const std::size_t i = dot + 5;
    token[i] = token[i] == 'A' ? 'B' : 'A';
    return token;
}

} // namespace

TEST_CASE("every HMAC RFC vector is reproduced byte for byte by sign_compact", "[rfc][vector]") {
    const auto index = load("index.json");
    int checked = 0;
    for (const auto& entry : index.at("vectors")) {
        const std::string alg = entry.at("alg");
        if (alg.rfind("HS", 0) != 0) continue; // asymmetric vectors: test_vectors_rfc_asym.cpp
        const auto v = load(entry.at("file"));
        INFO("vector " << v.at("id").get<std::string>());
        REQUIRE(v.at("alg") == "HS256");
        REQUIRE(v.at("deterministic") == true);
        const auto key = key_of(v);
        const std::string header = v.at("protected_header");
        const std::string payload = v.at("payload");

        const auto token = jot::sign_compact(header, payload, key);
        REQUIRE(token.has_value());
        REQUIRE(*token == v.at("compact").get<std::string>());
        REQUIRE(token->substr(token->rfind('.') + 1) == v.at("signature_b64u").get<std::string>());

        // The MAC itself, through the key interface, over the vector's own signing input.
        const auto mac = jot_test::from_hex(v.at("derived").at("signature_hex").get<std::string>());
        REQUIRE(key.verify(v.at("signing_input").get<std::string>(), mac).has_value());
        auto bad = mac;
        bad.back() ^= 1;
        REQUIRE(key.verify(v.at("signing_input").get<std::string>(), bad).error() == jot::errc::signature_invalid);
        ++checked;
    }
    REQUIRE(checked == 3);
}

TEST_CASE("RFC 7515 A.1 and RFC 7519 §3.1 verify as JWTs one second before they expire", "[rfc][vector]") {
    for (const char* file : {"rfc7515_A1_hs256.json", "rfc7519_3_1_hs256.json"}) {
        const auto v = load(file);
        INFO("vector " << v.at("id").get<std::string>());
        const auto verifier = fixed_verifier_builder().key(key_of(v)).clock(at_seconds(rfc_now)).build().value();
        const std::string compact = v.at("compact");

        const auto token = verifier.verify(compact);
        REQUIRE(token.has_value());
        REQUIRE(token->alg() == jot::algorithm::hs256);
        REQUIRE(token->header().type().value() == "JWT");
        REQUIRE(token->claims().issuer().value() == "joe");
        REQUIRE(token->claims().expires_at().value().time_since_epoch() == std::chrono::seconds(1300819380));
        REQUIRE(token->claims().get<bool>("http://example.com/is_root").value() == true);
        if (v.contains("expected_claims")) REQUIRE(token->claims().json() == v.at("expected_claims"));

        // At exp itself the token has expired (RFC 7519 §4.1.4: "on or after").
        const auto later = fixed_verifier_builder().key(key_of(v)).clock(at_seconds(rfc_now + 1)).build().value();
        REQUIRE(later.verify(compact).error() == jot::errc::token_expired);

        // A signature changed by one bit is refused before any claim is looked at.
        REQUIRE(verifier.verify(tamper_signature(compact)).error() == jot::errc::signature_invalid);
        REQUIRE(later.verify(tamper_signature(compact)).error() == jot::errc::signature_invalid);
    }
}

TEST_CASE("RFC 7515 A.1 with a re-encoded payload no longer verifies", "[rfc][negative]") {
    const auto v = load("rfc7515_A1_hs256.json");
    const auto verifier = fixed_verifier_builder().key(key_of(v)).clock(at_seconds(rfc_now)).build().value();
    // Same claims, re-serialised without the CRLF and spaces: different octets, so a different signing input.
    const std::string header_b64 = v.at("protected_header_b64u");
    const std::string payload =
        nlohmann::json::parse(v.at("payload").get<std::string>()).dump();
    const std::string forged =
        header_b64 + "." + jot::base64url::encode(payload) + "." + v.at("signature_b64u").get<std::string>();
    REQUIRE(verifier.verify(forged).error() == jot::errc::signature_invalid);
}

TEST_CASE("RFC 7520 §4.4 verifies at the JWS layer but its text payload is refused as a JWT", "[rfc][vector]") {
    const auto v = load("rfc7520_4_4_hs256.json");
    const auto key = key_of(v);
    REQUIRE(key.key_id() == "018c0ae5-4d9b-471b-bfd6-eef314bc7037");
    const auto verifier = fixed_verifier_builder()
                              .key(key)
                              .clock(at_seconds(rfc_now))
                              .allow_missing_expiration()
                              .build()
                              .value();
    const std::string compact = v.at("compact");

    // The signature is good, so the verifier gets as far as the payload: prose, not JSON at all.
    REQUIRE(verifier.verify(compact).error() == jot::errc::json_invalid);
    // With the signature changed, the payload is never parsed.
    REQUIRE(verifier.verify(tamper_signature(compact)).error() == jot::errc::signature_invalid);

    // JSON that is not an object, signed with the same key and header, is json_not_object (after the MAC).
    const std::string header = v.at("protected_header");
    for (const std::string payload : {"[\"It's a dangerous business\"]", "\"Frodo\"", "42"}) {
        INFO("payload " << payload);
        const std::string token = jot::sign_compact(header, payload, key).value();
        REQUIRE(verifier.verify(token).error() == jot::errc::json_not_object);
        REQUIRE(verifier.verify(tamper_signature(token)).error() == jot::errc::signature_invalid);
    }
}

TEST_CASE("RFC 7515 A.5 (alg none) is refused as unsecured whatever keys are configured", "[rfc][negative]") {
    const auto v = load("rfc7515_A5_none.json");
    const std::string compact = v.at("compact");
    REQUIRE(compact.back() == '.');
    const auto a1 = key_of(load("rfc7515_A1_hs256.json"));
    const auto a44 = key_of(load("rfc7520_4_4_hs256.json"));
    const auto hs384 = jot::hmac_key::create(jot::algorithm::hs384, std::string(48, 'k')).value();
    const auto hs512 = jot::hmac_key::create(jot::algorithm::hs512, std::string(64, 'k')).value();

    const auto one = fixed_verifier_builder().key(a1).clock(at_seconds(rfc_now)).build().value();
    REQUIRE(one.verify(compact).error() == jot::errc::unsecured_token);

    const auto many = fixed_verifier_builder()
                          .key(a1)
                          .key(a44)
                          .key(hs384)
                          .key(hs512)
                          .clock(at_seconds(rfc_now))
                          .allow_missing_expiration()
                          .ignore_type()
                          .ignore_audience()
                          .build()
                          .value();
    REQUIRE(many.verify(compact).error() == jot::errc::unsecured_token);

    // Appending a signature (here the A.1 MAC) does not make an unsecured token acceptable either.
    const std::string with_sig = compact + load("rfc7515_A1_hs256.json").at("signature_b64u").get<std::string>();
    REQUIRE(many.verify(with_sig).error() == jot::errc::unsecured_token);
}
