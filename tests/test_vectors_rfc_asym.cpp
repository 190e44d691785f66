// SPDX-License-Identifier: MIT
// The asymmetric examples of RFC 7515 App. A.2-A.4, RFC 7520 §4.1-4.3 and RFC 8037 App. A.4/A.5, read from
// tests/data/rfc with their keys taken from the JWKs: deterministic ones signed byte for byte, all verified.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/algorithm.hpp>
#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/error.hpp>
#include <jot/jwk.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using fixed_verifier_builder = jot::basic_verifier_builder<json, jot::fixed_clock>;

jot::fixed_clock at_seconds(std::int64_t s) { return {std::chrono::system_clock::time_point(std::chrono::seconds(s))}; }
/// One second before the exp (1300819380) of the RFC 7515 A.2/A.3 payload.
constexpr std::int64_t rfc_now = 1300819379;

json load(const std::string& file) { return jot_test::read_json("rfc/" + file); }

const char* const asymmetric_files[] = {
    "rfc7515_A2_rs256.json", "rfc7515_A3_es256.json",  "rfc7515_A4_es512.json",   "rfc7520_4_1_rs256.json",
    "rfc7520_4_2_ps384.json", "rfc7520_4_3_es512.json", "rfc8037_A4_ed25519.json",
};

jot::algorithm alg_of(const json& v) { return jot::algorithm_from_string(v.at("alg").get<std::string>()).value(); }

/// The vector's signature octets; the base64url and hex forms in the file must agree.
std::vector<std::uint8_t> signature_of(const json& v) {
    const auto sig = jot::base64url::decode<std::vector<std::uint8_t>>(v.at("signature_b64u").get<std::string>());
    REQUIRE(sig.has_value());
    REQUIRE(*sig == jot_test::from_hex(v.at("derived").at("signature_hex").get<std::string>()));
    REQUIRE(sig->size() == v.at("derived").at("signature_len_bytes").get<std::size_t>());
    return *sig;
}

/// The public key of a vector, from its JWK (private members, where the RFC prints them, are ignored).
jot::public_key public_of(const json& v) {
    auto key = jot::public_key_from_jwk(v.at("jwk"), alg_of(v));
    REQUIRE(key.has_value());
    return std::move(*key);
}

jot::private_key private_of(const json& v) {
    auto key = jot::private_key_from_jwk(v.at("jwk"), alg_of(v));
    REQUIRE(key.has_value());
    return std::move(*key);
}

/// Flips one bit in the middle of the signature segment of a compact token (keeping it canonical base64url).
std::string tamper_signature(std::string token) {
    const std::size_t i = token.rfind('.') + 5;
    token[i] = token[i] == 'A' ? 'B' : 'A';
    return token;
}

} // namespace

TEST_CASE("the RFC vector files agree with themselves", "[rfc_asym][vector]") {
    for (const char* file : asymmetric_files) {
        const json v = load(file);
        INFO("vector " << v.at("id").get<std::string>());
        const std::string signing_input = v.at("signing_input");
        REQUIRE(signing_input == v.at("protected_header_b64u").get<std::string>() + "." +
                                     v.at("payload_b64u").get<std::string>());
        REQUIRE(v.at("compact") == signing_input + "." + v.at("signature_b64u").get<std::string>());
        REQUIRE(jot::base64url::encode(v.at("protected_header").get<std::string>()) == v.at("protected_header_b64u"));
        REQUIRE(jot::base64url::encode(v.at("payload").get<std::string>()) == v.at("payload_b64u"));
        REQUIRE(signature_of(v).size() == public_of(v).signature_size());
    }
}

TEST_CASE("RS256 (RFC 7515 A.2, RFC 7520 §4.1) and Ed25519 (RFC 8037 A.4) are reproduced byte for byte",
          "[rfc_asym][vector]") {
    int checked = 0;
    for (const char* file : {"rfc7515_A2_rs256.json", "rfc7520_4_1_rs256.json", "rfc8037_A4_ed25519.json"}) {
        const json v = load(file);
        INFO("vector " << v.at("id").get<std::string>());
        REQUIRE(v.at("deterministic") == true);
        const std::string header = v.at("protected_header");
        const std::string payload = v.at("payload");

        const auto from_jwk = jot::sign_compact(header, payload, private_of(v));
        REQUIRE(from_jwk.has_value());
        REQUIRE(*from_jwk == v.at("compact").get<std::string>());

        // The same key through PKCS#8 PEM: the JWK and PEM routes must agree.
        const auto pem_key = jot::private_key::from_pem(alg_of(v), v.at("derived").at("private_key_pem_pkcs8").get<std::string>());
        REQUIRE(pem_key.has_value());
        REQUIRE(jot::sign_compact(header, payload, *pem_key).value() == *from_jwk);

        REQUIRE(public_of(v).verify(v.at("signing_input").get<std::string>(), signature_of(v)).has_value());
        ++checked;
    }
    REQUIRE(checked == 3);
}

TEST_CASE("RFC 8037 A.4: an OKP JWK without alg is EdDSA, and A.5 validates with the public JWK", "[rfc_asym][vector]") {
    const json v = load("rfc8037_A4_ed25519.json");
    INFO("vector " << v.at("id").get<std::string>());
    const auto priv = jot::private_key_from_jwk(v.at("jwk"));
    REQUIRE(priv.has_value());
    REQUIRE(priv->alg() == jot::algorithm::eddsa);
    const auto pub = jot::public_key_from_jwk(v.at("derived").at("jwk_public"));
    REQUIRE(pub.has_value());
    REQUIRE(pub->alg() == jot::algorithm::eddsa);
    REQUIRE(pub->verify(v.at("signing_input").get<std::string>(), signature_of(v)).has_value());
    // The fully-specified Ed25519 key (RFC 9864) verifies the same signature; an Ed448 one cannot be made.
    REQUIRE(jot::public_key_from_jwk(v.at("jwk"), jot::algorithm::ed25519)
                .value()
                .verify(v.at("signing_input").get<std::string>(), signature_of(v))
                .has_value());
    REQUIRE(jot::public_key_from_jwk(v.at("jwk"), jot::algorithm::ed448).error() ==
            jot::errc::key_algorithm_mismatch);
}

TEST_CASE("every asymmetric RFC signature verifies with the public key from its JWK", "[rfc_asym][vector]") {
    for (const char* file : asymmetric_files) {
        const json v = load(file);
        INFO("vector " << v.at("id").get<std::string>());
        const auto key = public_of(v);
        const std::string signing_input = v.at("signing_input");
        const auto sig = signature_of(v);
        REQUIRE(key.verify(signing_input, sig).has_value());

        // The key agrees with the PEM derived from it, and exports the RFC's public members.
        const auto pem_key = jot::public_key::from_pem(alg_of(v), v.at("derived").at("public_key_pem_spki").get<std::string>());
        REQUIRE(pem_key.has_value());
        REQUIRE(pem_key->verify(signing_input, sig).has_value());
        json exported = jot::to_jwk(key).value();
        REQUIRE(exported.at("alg") == v.at("alg"));
        json expected = v.at("derived").at("jwk_public");
        for (const char* optional : {"alg", "use", "kid"}) {
            exported.erase(optional);
            expected.erase(optional);
        }
        REQUIRE(exported == expected);
        json from_jwk = jot::to_jwk(key).value();
        from_jwk.erase("kid");
        REQUIRE(jot::to_jwk(*pem_key).value() == from_jwk);
    }
}

TEST_CASE("RFC 7515 A.3: the high-S ES256 signature verifies", "[rfc_asym][vector]") {
    const json v = load("rfc7515_A3_es256.json");
    INFO("vector " << v.at("id").get<std::string>());
    // JWS does not ask for low S (RFC 7518 §3.4); a verifier that did would refuse the RFC's own example.
    REQUIRE(v.at("derived").at("ecdsa_s_is_high") == true);
    const auto sig = signature_of(v);
    // S > n/2 for P-256: n/2 starts 7fffffff 80000000 7fffffff ffffffff de737d56 ...; S starts with c5 0a.
    REQUIRE(sig.at(32) == 0xc5);
    REQUIRE(public_of(v).verify(v.at("signing_input").get<std::string>(), sig).has_value());
}

TEST_CASE("RFC 7515 A.2 and A.3 verify as JWTs one second before they expire", "[rfc_asym][vector]") {
    for (const char* file : {"rfc7515_A2_rs256.json", "rfc7515_A3_es256.json"}) {
        const json v = load(file);
        INFO("vector " << v.at("id").get<std::string>());
        const auto verifier = fixed_verifier_builder().key(public_of(v)).clock(at_seconds(rfc_now)).build().value();
        const std::string compact = v.at("compact");

        const auto token = verifier.verify(compact);
        REQUIRE(token.has_value());
        REQUIRE(token->alg() == alg_of(v));
        REQUIRE(token->claims().issuer().value() == "joe");
        REQUIRE(token->claims().get<bool>("http://example.com/is_root").value() == true);

        const auto later = fixed_verifier_builder().key(public_of(v)).clock(at_seconds(rfc_now + 1)).build().value();
        REQUIRE(later.verify(compact).error() == jot::errc::token_expired);
        REQUIRE(verifier.verify(tamper_signature(compact)).error() == jot::errc::signature_invalid);
    }
}

TEST_CASE("RFC 7520 §4.1-4.3 verify at the JWS layer; their text payloads are refused as JWTs", "[rfc_asym][vector]") {
    for (const char* file : {"rfc7520_4_1_rs256.json", "rfc7520_4_2_ps384.json", "rfc7520_4_3_es512.json"}) {
        const json v = load(file);
        INFO("vector " << v.at("id").get<std::string>());
        const auto key = public_of(v);
        REQUIRE(key.key_id() == "bilbo.baggins@hobbiton.example"); // from the JWK's "kid"
        REQUIRE(key.verify(v.at("signing_input").get<std::string>(), signature_of(v)).has_value());

        // Through a verifier the key is chosen by "alg" and "kid", the signature is good, and only then the prose
        // payload fails to parse.
        const auto verifier = fixed_verifier_builder()
                                  .key(key)
                                  .clock(at_seconds(rfc_now))
                                  .allow_missing_expiration()
                                  .build()
                                  .value();
        const std::string compact = v.at("compact");
        REQUIRE(verifier.verify(compact).error() == jot::errc::json_invalid);
        REQUIRE(verifier.verify(tamper_signature(compact)).error() == jot::errc::signature_invalid);
    }
}

TEST_CASE("RFC 7515 A.4: the ES512 signature over a non-JSON payload verifies at the signature layer",
          "[rfc_asym][vector]") {
    const json v = load("rfc7515_A4_es512.json");
    INFO("vector " << v.at("id").get<std::string>());
    REQUIRE(v.at("payload") == "Payload");
    const auto key = public_of(v);
    REQUIRE(key.signature_size() == 132); // r and s of 66 octets each, leading zero octets kept
    REQUIRE(key.verify(v.at("signing_input").get<std::string>(), signature_of(v)).has_value());
}

TEST_CASE("keys from the non-deterministic vectors sign signatures their public keys verify", "[rfc_asym][vector]") {
    for (const char* file : {"rfc7515_A3_es256.json", "rfc7515_A4_es512.json", "rfc7520_4_2_ps384.json",
                             "rfc7520_4_3_es512.json"}) {
        const json v = load(file);
        INFO("vector " << v.at("id").get<std::string>());
        REQUIRE(v.at("deterministic") == false);
        const std::string header = v.at("protected_header");
        const std::string payload = v.at("payload");
        const auto priv = private_of(v);
        const std::string token = jot::sign_compact(header, payload, priv).value();
        REQUIRE(token.substr(0, token.rfind('.')) == v.at("signing_input").get<std::string>());
        REQUIRE(token != v.at("compact").get<std::string>()); // randomised: a fresh signature differs
        const auto sig = jot::base64url::decode<std::vector<std::uint8_t>>(token.substr(token.rfind('.') + 1));
        REQUIRE(sig.has_value());
        REQUIRE(public_of(v).verify(v.at("signing_input").get<std::string>(), *sig).has_value());
    }
}

TEST_CASE("an RFC signature changed by one bit, or over a changed input, is signature_invalid", "[rfc_asym][negative]") {
    for (const char* file : asymmetric_files) {
        const json v = load(file);
        INFO("vector " << v.at("id").get<std::string>());
        const auto key = public_of(v);
        const std::string signing_input = v.at("signing_input");
        const auto good = signature_of(v);
        for (std::size_t at : {std::size_t{0}, good.size() / 2, good.size() - 1}) {
            INFO("bit flipped in octet " << at);
            auto bad = good;
            bad[at] ^= 0x01;
            REQUIRE(key.verify(signing_input, bad).error() == jot::errc::signature_invalid);
        }
        std::string other_input = signing_input;
        other_input.back() = other_input.back() == 'A' ? 'B' : 'A';
        REQUIRE(key.verify(other_input, good).error() == jot::errc::signature_invalid);
        auto shorter = good;
        shorter.pop_back();
        REQUIRE(key.verify(signing_input, shorter).error() == jot::errc::signature_length_invalid);
    }
}

TEST_CASE("no RFC signature verifies under another vector's key", "[rfc_asym][negative]") {
    for (const char* key_file : asymmetric_files) {
        const json kv = load(key_file);
        const auto key = public_of(kv);
        for (const char* sig_file : asymmetric_files) {
            const json sv = load(sig_file);
            if (kv.at("jwk") == sv.at("jwk") ||
                kv.at("derived").at("jwk_public") == sv.at("derived").at("jwk_public"))
                continue; // the same key pair (RFC 7520 §4.1 and §4.2 share one RSA key)
            INFO("key of " << kv.at("id").get<std::string>() << ", signature of " << sv.at("id").get<std::string>());
            const auto r = key.verify(sv.at("signing_input").get<std::string>(), signature_of(sv));
            REQUIRE_FALSE(r.has_value());
            REQUIRE((r.error() == jot::errc::signature_invalid || r.error() == jot::errc::signature_length_invalid));
        }
    }
    // RFC 7520 §4.1 and §4.2 share a key: the PS384 signature is not an RS256 one, nor the reverse.
    const json rs = load("rfc7520_4_1_rs256.json");
    const json ps = load("rfc7520_4_2_ps384.json");
    REQUIRE(public_of(rs).verify(ps.at("signing_input").get<std::string>(), signature_of(ps)).error() ==
            jot::errc::signature_invalid);
    REQUIRE(public_of(ps).verify(rs.at("signing_input").get<std::string>(), signature_of(rs)).error() ==
            jot::errc::signature_invalid);
    const auto rs384 = jot::public_key_from_jwk(ps.at("jwk"), jot::algorithm::rs384).value();
    REQUIRE(rs384.verify(ps.at("signing_input").get<std::string>(), signature_of(ps)).error() ==
            jot::errc::signature_invalid);
}
