// SPDX-License-Identifier: MIT
// Tests for jot/jwk.hpp: keys from JWKs (RFC 7517 App. A and B, RFC 7518 §6, RFC 8037 §2), public JWKs from keys,
// RFC 7638 thumbprints, and the strictness of every member, each run against every JSON backend (JOT_BACKENDS).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/algorithm.hpp>
#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/error.hpp>
#include <jot/jwk.hpp>
#include <jot/hmac_key.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>

#include "catch.hpp"
#include "json_backends.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using jot::algorithm;
using jot::errc;

const std::string input = "eyJhbGciOiJub3RoaW5nIn0.c2lnbmVkIGJ5IHRoZSB0ZXN0";

json rfc7517(const std::string& file) { return jot_test::read_json("rfc7517/" + file); }
json a1_ec() { return rfc7517("a1_public_keys.json").at("keys").at(0); }
json a1_rsa() { return rfc7517("a1_public_keys.json").at("keys").at(1); }
json a2_ec() { return rfc7517("a2_private_keys.json").at("keys").at(0); }
json a2_rsa() { return rfc7517("a2_private_keys.json").at("keys").at(1); }
/// The RFC 7515 A.3 P-256 key (private JWK), whose "use" does not forbid signing.
json p256_private() { return jot_test::read_json("rfc/rfc7515_A3_es256.json").at("jwk"); }
json p256_public() {
    json j = p256_private();
    j.erase("d");
    return j;
}
json ed25519_private() { return jot_test::read_json("rfc/rfc8037_A4_ed25519.json").at("jwk"); }

/// A JWK built or read as nlohmann::json, as a value of the backend under test (parsed by that library).
template <class Json>
Json as(const json& jwk) {
    return jot_test::to_backend<Json>(jwk);
}

/// A JWK jot exported as a value of `Json`, as nlohmann::json for comparing.
template <class Json>
json exported_as_nlohmann(const jot::result<Json>& jwk) {
    return jot_test::to_nlohmann(jwk.value());
}

/// Signs `input` with `key` and returns the signature.
std::vector<std::uint8_t> sign(const jot::signer& key, std::string_view in = input) {
    std::vector<std::uint8_t> sig(key.max_signature_size());
    const auto n = key.sign(in, sig.data(), sig.size());
    REQUIRE(n.has_value());
    sig.resize(*n);
    return sig;
}

/// A copy of `jwk` whose member `name` is replaced by `value`.
json with(json jwk, const std::string& name, json value) {
    jwk[name] = std::move(value);
    return jwk;
}
json without(json jwk, const std::string& name) {
    jwk.erase(name);
    return jwk;
}

/// base64url of the decoded member with one bit flipped in octet `at` (counted from the end when negative).
std::string flip_bit(const std::string& b64, int at) {
    auto raw = jot::base64url::decode<std::string>(b64).value();
    const std::size_t i = at >= 0 ? static_cast<std::size_t>(at) : raw.size() - static_cast<std::size_t>(-at);
    raw[i] = static_cast<char>(raw[i] ^ 0x01);
    return jot::base64url::encode(raw);
}

/// The decoded member, re-encoded with `prefix` octets before it or its first octet dropped.
std::string reencode(const std::string& b64, const std::string& prefix, std::size_t drop = 0) {
    const auto raw = jot::base64url::decode<std::string>(b64).value();
    return jot::base64url::encode(prefix + raw.substr(drop));
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// RFC 7517 Appendix A and B

TEMPLATE_TEST_CASE("RFC 7517 A.1: the RSA public key imports for the RS256 named by its alg, with its kid",
                   "[jwk][vector]", JOT_BACKENDS) {
    const auto key = jot::public_key_from_jwk(as<TestType>(a1_rsa()));
    REQUIRE(key.has_value());
    REQUIRE(key->alg() == algorithm::rs256);
    REQUIRE(key->key_id() == "2011-04-29");
    REQUIRE(key->signature_size() == 256);
    // The same key, exported, carries exactly the RFC's members plus "use".
    const auto out = jot::to_jwk<TestType>(*key);
    REQUIRE(out.has_value());
    REQUIRE(jot_test::to_nlohmann(*out) == with(a1_rsa(), "use", "sig"));
}

TEMPLATE_TEST_CASE("RFC 7517 A.1: the EC key marked \"use\":\"enc\" is refused for signatures, and imports without it",
                   "[jwk][vector]", JOT_BACKENDS) {
    const auto refused = jot::public_key_from_jwk(as<TestType>(a1_ec()));
    REQUIRE_FALSE(refused.has_value());
    REQUIRE(refused.error() == errc::key_use_mismatch);
    REQUIRE(refused.error() == jot::condition::bad_key);

    const auto key = jot::public_key_from_jwk(as<TestType>(without(a1_ec(), "use")));
    REQUIRE(key.has_value());
    REQUIRE(key->alg() == algorithm::es256); // inferred from "crv":"P-256"
    REQUIRE(key->key_id() == "1");
    const json exported = exported_as_nlohmann(jot::to_jwk<TestType>(*key));
    REQUIRE(exported.at("x") == a1_ec().at("x"));
    REQUIRE(exported.at("y") == a1_ec().at("y"));
    REQUIRE(exported.at("alg") == "ES256");
}

TEMPLATE_TEST_CASE("RFC 7517 A.2: the RSA private key signs, and its public key verifies with the A.1 key's thumbprint",
                   "[jwk][vector]", JOT_BACKENDS) {
    const auto priv = jot::private_key_from_jwk(as<TestType>(a2_rsa()));
    REQUIRE(priv.has_value());
    REQUIRE(priv->alg() == algorithm::rs256);
    REQUIRE(priv->key_id() == "2011-04-29");
    const auto sig = sign(*priv);
    const auto pub = jot::public_key_from_jwk(as<TestType>(a1_rsa())).value();
    REQUIRE(pub.verify(input, sig).has_value());
    // The private JWK read as a public key: the private members are ignored.
    const auto pub_from_private = jot::public_key_from_jwk(as<TestType>(a2_rsa())).value();
    REQUIRE(pub_from_private.verify(input, sig).has_value());
    REQUIRE(jot::jwk_thumbprint(priv->public_key().value()).value() ==
            jot::jwk_thumbprint(as<TestType>(a1_rsa())).value());
}

TEMPLATE_TEST_CASE("RFC 7517 A.2: the EC private key is refused for its \"use\":\"enc\" and is consistent without it",
                   "[jwk][vector]", JOT_BACKENDS) {
    const auto refused = jot::private_key_from_jwk(as<TestType>(a2_ec()));
    REQUIRE_FALSE(refused.has_value());
    REQUIRE(refused.error() == errc::key_use_mismatch);

    const auto priv = jot::private_key_from_jwk(as<TestType>(without(a2_ec(), "use")));
    REQUIRE(priv.has_value());
    REQUIRE(priv->alg() == algorithm::es256);
    const auto pub = jot::public_key_from_jwk(as<TestType>(without(a1_ec(), "use"))).value();
    REQUIRE(pub.verify(input, sign(*priv)).has_value());
}

TEMPLATE_TEST_CASE("RFC 7517 A.3: the HMAC key signs RFC 7515 A.1 byte for byte; the A128KW key is refused",
                   "[jwk][vector]", JOT_BACKENDS) {
    const json keys = rfc7517("a3_symmetric_keys.json").at("keys");

    const auto aes = jot::hmac_key_from_jwk(as<TestType>(keys.at(0)), algorithm::hs256);
    REQUIRE_FALSE(aes.has_value());
    REQUIRE(aes.error() == errc::key_algorithm_mismatch);

    // No "alg" in the JWK: HS256, HS384 or HS512 would all fit, so the caller must say.
    const auto unsaid = jot::hmac_key_from_jwk(as<TestType>(keys.at(1)));
    REQUIRE_FALSE(unsaid.has_value());
    REQUIRE(unsaid.error() == errc::invalid_argument);

    const auto key = jot::hmac_key_from_jwk(as<TestType>(keys.at(1)), algorithm::hs256);
    REQUIRE(key.has_value());
    REQUIRE(key->key_id() == "HMAC key used in JWS spec Appendix A.1 example");
    const json v = jot_test::read_json("rfc/rfc7515_A1_hs256.json");
    INFO(v.at("id").get<std::string>());
    const auto token = jot::sign_compact(v.at("protected_header").get<std::string>(),
                                         v.at("payload").get<std::string>(), *key);
    REQUIRE(token.has_value());
    REQUIRE(*token == v.at("compact").get<std::string>());
}

TEMPLATE_TEST_CASE("RFC 7517 B: an RSA key whose x5c certificate holds the same key imports",
                   "[jwk][vector]", JOT_BACKENDS) {
    const json jwk = rfc7517("b_x5c.json");
    const auto key = jot::public_key_from_jwk(as<TestType>(jwk), algorithm::rs256);
    REQUIRE(key.has_value());
    REQUIRE(key->key_id() == "1b94c");
    // "x5c" is not exported: jot does not keep the certificate.
    REQUIRE(exported_as_nlohmann(jot::to_jwk<TestType>(*key)) ==
            with(with(without(jwk, "x5c"), "alg", "RS256"), "use", "sig"));
}

TEMPLATE_TEST_CASE("an x5c whose certificate holds another key, or that is not base64 DER in an array, is refused",
                   "[jwk][negative]", JOT_BACKENDS) {
    const json b = rfc7517("b_x5c.json");
    const json other_key = with(with(a1_rsa(), "x5c", b.at("x5c")), "use", "sig");
    const std::string cert = b.at("x5c").at(0).get<std::string>();
    std::string url_alphabet = cert;
    for (char& c : url_alphabet) c = c == '+' ? '-' : c == '/' ? '_' : c;
    std::string truncated = cert.substr(0, cert.size() - 8);
    const json cases[] = {
        other_key,
        with(b, "x5c", cert),                   // a string, not an array
        with(b, "x5c", json::array()),          // empty
        with(b, "x5c", json::array({1})),       // not a string
        with(b, "x5c", json::array({url_alphabet})),
        with(b, "x5c", json::array({cert + "\n"})),
        with(b, "x5c", json::array({truncated})),
        with(b, "x5c", json::array({jot::base64url::encode(std::string("not a certificate"))})),
    };
    int i = 0;
    for (const json& jwk : cases) {
        INFO("case " << i++);
        const auto key = jot::public_key_from_jwk(as<TestType>(jwk), algorithm::rs256);
        REQUIRE_FALSE(key.has_value());
        REQUIRE(key.error() == errc::key_invalid);
    }
    // The JWK without x5c is fine: the refusals above are the certificate's doing.
    REQUIRE(jot::public_key_from_jwk(as<TestType>(without(other_key, "x5c")), algorithm::rs256).has_value());
}

// ---------------------------------------------------------------------------------------------------------------
// Thumbprints

TEMPLATE_TEST_CASE("RFC 7638 §3.1: the thumbprint of the example RSA key", "[jwk][thumbprint][vector]", JOT_BACKENDS) {
    const json v = jot_test::read_json("rfc7638/section_3_1.json");
    INFO(v.at("id").get<std::string>());
    const std::string expected = v.at("thumbprint_sha256").get<std::string>();
    REQUIRE(jot::jwk_thumbprint(as<TestType>(v.at("jwk"))).value() == expected);
    const auto key = jot::public_key_from_jwk(as<TestType>(v.at("jwk"))).value();
    REQUIRE(jot::jwk_thumbprint(key).value() == expected);
    REQUIRE(jot::jwk_thumbprint(jot::to_jwk<TestType>(key).value()).value() == expected);
    // The hashed text is exactly the required members, sorted, without whitespace.
    REQUIRE(jot::detail::jwk::sha256_b64(v.at("thumbprint_input").get<std::string>()).value() == expected);
}

TEMPLATE_TEST_CASE("RFC 8037 A.3: the thumbprint of the Ed25519 key", "[jwk][thumbprint][vector]", JOT_BACKENDS) {
    const json v = jot_test::read_json("rfc/rfc8037_A4_ed25519.json");
    INFO(v.at("id").get<std::string>());
    const std::string expected = v.at("jwk_thumbprint_sha256").get<std::string>();
    REQUIRE(jot::jwk_thumbprint(as<TestType>(v.at("derived").at("jwk_public"))).value() == expected);
    REQUIRE(jot::jwk_thumbprint(as<TestType>(v.at("jwk"))).value() == expected); // "d" is not a required member
    REQUIRE(jot::jwk_thumbprint(jot::public_key_from_jwk(as<TestType>(v.at("jwk"))).value()).value() == expected);
}

TEMPLATE_TEST_CASE("a thumbprint ignores optional members and hashes RSA integers in their minimal form",
                   "[jwk][thumbprint][positive]", JOT_BACKENDS) {
    const std::string expected = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    json bare = without(without(a1_rsa(), "alg"), "kid");
    REQUIRE(jot::jwk_thumbprint(as<TestType>(bare)).value() == expected);
    REQUIRE(jot::jwk_thumbprint(as<TestType>(with(bare, "use", "sig"))).value() == expected);
    const std::string padded_n = reencode(bare.at("n").get<std::string>(), std::string(1, '\0'));
    REQUIRE(jot::jwk_thumbprint(as<TestType>(with(bare, "n", padded_n))).value() == expected);
    // A different key has a different thumbprint.
    REQUIRE(jot::jwk_thumbprint(as<TestType>(p256_public())).value() != expected);
}

TEMPLATE_TEST_CASE("a thumbprint needs every required member as canonical base64url",
                   "[jwk][thumbprint][negative]", JOT_BACKENDS) {
    const json cases[] = {
        json::array(),
        without(a1_rsa(), "kty"),
        with(a1_rsa(), "kty", "DSA"),
        without(a1_rsa(), "e"),
        with(a1_rsa(), "n", 12),
        with(a1_rsa(), "e", "AQAB="),
        without(p256_public(), "y"),
        without(p256_public(), "crv"),
        with(p256_public(), "crv", "P-256\""),
        with(without(a1_rsa(), "n"), "kty", "oct"),
    };
    int i = 0;
    for (const json& jwk : cases) {
        INFO("case " << i++ << ": " << jwk.dump());
        const auto t = jot::jwk_thumbprint(as<TestType>(jwk));
        REQUIRE_FALSE(t.has_value());
        REQUIRE(t.error() == errc::key_invalid);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Round trips

TEMPLATE_TEST_CASE("every asymmetric algorithm round-trips key -> public JWK -> key",
                   "[jwk][roundtrip]", JOT_BACKENDS) {
    for (algorithm alg : jot::all_algorithms) {
        if (jot::family_of(alg) == jot::algorithm_family::hmac) continue;
        INFO(jot::to_string(alg));
        const auto priv = jot::private_key::generate(alg, "kid-" + std::string(jot::to_string(alg)));
        REQUIRE(priv.has_value());
        const auto pub = priv->public_key().value();
        const TestType jwk = jot::to_jwk<TestType>(pub).value();
        const json seen = jot_test::to_nlohmann(jwk);
        REQUIRE(seen.at("alg") == jot::to_string(alg));
        REQUIRE(seen.at("kid") == "kid-" + std::string(jot::to_string(alg)));
        REQUIRE(seen.at("use") == "sig");
        REQUIRE_FALSE(seen.contains("d"));

        const auto back = jot::public_key_from_jwk(jwk);
        REQUIRE(back.has_value());
        REQUIRE(back->alg() == alg);
        REQUIRE(back->key_id() == pub.key_id());
        REQUIRE(back->verify(input, sign(*priv)).has_value());
        REQUIRE(exported_as_nlohmann(jot::to_jwk<TestType>(*back)) == seen);
        REQUIRE(jot::jwk_thumbprint(*back).value() == jot::jwk_thumbprint(jwk).value());
    }
}

TEMPLATE_TEST_CASE("EC coordinates are exported left-padded to the curve size", "[jwk][roundtrip]", JOT_BACKENDS) {
    const std::size_t sizes[] = {32, 48, 66, 32};
    const algorithm algs[] = {algorithm::es256, algorithm::es384, algorithm::es512, algorithm::es256k};
    for (int i = 0; i < 4; ++i) {
        INFO(jot::to_string(algs[i]));
        // Enough keys that some coordinate starts with a zero octet (for P-521 every x and y does).
        for (int n = 0; n < 24; ++n) {
            const json jwk = exported_as_nlohmann(
                jot::to_jwk<TestType>(jot::private_key::generate(algs[i]).value().public_key().value()));
            REQUIRE(jot::base64url::decode<std::string>(jwk.at("x").get<std::string>()).value().size() == sizes[i]);
            REQUIRE(jot::base64url::decode<std::string>(jwk.at("y").get<std::string>()).value().size() == sizes[i]);
        }
    }
}

TEMPLATE_TEST_CASE("an HMAC key round-trips through its JWK", "[jwk][roundtrip]", JOT_BACKENDS) {
    const std::string secret = "0123456789abcdef0123456789abcdef0123456789abcdef";
    const auto key = jot::hmac_key::create(algorithm::hs384, secret, "mac-1").value();
    const TestType jwk = jot::to_jwk<TestType>(key).value();
    REQUIRE(jot_test::to_nlohmann(jwk) == json{{"kty", "oct"}, {"k", jot::base64url::encode(secret)},
                                               {"alg", "HS384"}, {"kid", "mac-1"}, {"use", "sig"}});
    const auto back = jot::hmac_key_from_jwk(jwk);
    REQUIRE(back.has_value());
    REQUIRE(back->alg() == algorithm::hs384);
    REQUIRE(back->key_id() == "mac-1");
    REQUIRE(back->secret().as_chars() == secret);
    REQUIRE(back->verify(input, sign(key)).has_value());
}

TEMPLATE_TEST_CASE("a private RSA JWK without its CRT members is completed and signs exactly like the full key",
                   "[jwk][positive]", JOT_BACKENDS) {
    // RSASSA-PKCS1-v1_5 is deterministic, so equal signatures mean the same private key.
    json bare = a2_rsa();
    for (const char* m : {"p", "q", "dp", "dq", "qi"}) bare.erase(m);
    const auto full = jot::private_key_from_jwk(as<TestType>(a2_rsa())).value();
    const auto recovered = jot::private_key_from_jwk(as<TestType>(bare));
    REQUIRE(recovered.has_value());
    REQUIRE(sign(*recovered) == sign(full));
}

TEMPLATE_TEST_CASE("the algorithm comes from the request, the JWK's alg, or the curve",
                   "[jwk][positive]", JOT_BACKENDS) {
    REQUIRE(jot::public_key_from_jwk(as<TestType>(p256_public())).value().alg() == algorithm::es256);
    REQUIRE(jot::public_key_from_jwk(as<TestType>(p256_public()), algorithm::es256).value().alg() == algorithm::es256);
    REQUIRE(jot::public_key_from_jwk(as<TestType>(with(p256_public(), "alg", "ES256")), algorithm::es256).has_value());
    const json ed = ed25519_private();
    REQUIRE(jot::private_key_from_jwk(as<TestType>(ed)).value().alg() == algorithm::eddsa);
    REQUIRE(jot::private_key_from_jwk(as<TestType>(ed), algorithm::ed25519).value().alg() == algorithm::ed25519);
    REQUIRE(jot::public_key_from_jwk(as<TestType>(with(ed, "alg", "Ed25519"))).value().alg() == algorithm::ed25519);
    REQUIRE(jot::public_key_from_jwk(as<TestType>(without(a1_rsa(), "alg")), algorithm::ps256).value().alg() ==
            algorithm::ps256);
    REQUIRE(
        jot::public_key_from_jwk(as<TestType>(with(p256_public(), "key_ops", json::array({"verify"})))).has_value());
    REQUIRE(
        jot::private_key_from_jwk(as<TestType>(with(p256_private(), "key_ops", json::array({"sign"})))).has_value());
}

// ---------------------------------------------------------------------------------------------------------------
// Refusals

TEMPLATE_TEST_CASE("an algorithm that does not fit the key type or curve is key_algorithm_mismatch",
                   "[jwk][negative]", JOT_BACKENDS) {
    json p384 = jot::to_jwk(jot::private_key::generate(algorithm::es384).value().public_key().value()).value();
    p384.erase("alg");
    struct row {
        json jwk;
        std::optional<algorithm> alg;
    };
    const row rows[] = {
        {p384, algorithm::es256},                          // P-384 key for ES256
        {with(p384, "alg", "ES256"), std::nullopt},        // the JWK itself says ES256 on P-384
        {p256_public(), algorithm::es256k},                // P-256 is not secp256k1
        {p256_public(), algorithm::rs256},
        {with(p256_public(), "alg", "ES384"), algorithm::es256},
        {with(p256_public(), "alg", "ES521"), std::nullopt}, // not a registered name
        {without(a1_rsa(), "alg"), algorithm::es256},
        {a1_rsa(), algorithm::ps256},                      // the JWK says RS256
        {with(a1_rsa(), "alg", "RSA-OAEP"), std::nullopt}, // an encryption algorithm
        {with(a1_rsa(), "alg", "none"), std::nullopt},
        {without(a1_rsa(), "alg"), algorithm::hs256},
        {ed25519_private(), algorithm::ed448},
        {ed25519_private(), algorithm::es256},
        {with(with(ed25519_private(), "crv", "X25519"), "alg", "EdDSA"), std::nullopt}, // key agreement curve
        {rfc7517("a3_symmetric_keys.json").at("keys").at(1), algorithm::hs256},        // oct is not asymmetric
    };
    int i = 0;
    for (const row& r : rows) {
        INFO("row " << i++ << ": " << r.jwk.dump());
        const auto key = jot::public_key_from_jwk(as<TestType>(r.jwk), r.alg);
        REQUIRE_FALSE(key.has_value());
        REQUIRE(key.error() == errc::key_algorithm_mismatch);
    }
    const auto hmac_from_rsa = jot::hmac_key_from_jwk(as<TestType>(a1_rsa()), algorithm::hs256);
    REQUIRE_FALSE(hmac_from_rsa.has_value());
    REQUIRE(hmac_from_rsa.error() == errc::key_algorithm_mismatch);
}

TEMPLATE_TEST_CASE("an RSA JWK without an algorithm from either side is invalid_argument",
                   "[jwk][negative]", JOT_BACKENDS) {
    // RSA keys serve RS* and PS*: jot never guesses which.
    const auto pub = jot::public_key_from_jwk(as<TestType>(without(a1_rsa(), "alg")));
    REQUIRE_FALSE(pub.has_value());
    REQUIRE(pub.error() == errc::invalid_argument);
    const auto priv = jot::private_key_from_jwk(as<TestType>(without(a2_rsa(), "alg")));
    REQUIRE_FALSE(priv.has_value());
    REQUIRE(priv.error() == errc::invalid_argument);
}

TEMPLATE_TEST_CASE("\"use\" other than sig and \"key_ops\" without the operation are key_use_mismatch",
                   "[jwk][negative]", JOT_BACKENDS) {
    const json pub = p256_public();
    const json priv = p256_private();
    for (const json& jwk : {with(pub, "use", "enc"), with(pub, "use", "SIG"), with(pub, "key_ops", json::array()),
                            with(pub, "key_ops", json::array({"sign"})),
                            with(pub, "key_ops", json::array({"encrypt", "wrapKey"}))}) {
        INFO(jwk.dump());
        const auto key = jot::public_key_from_jwk(as<TestType>(jwk));
        REQUIRE_FALSE(key.has_value());
        REQUIRE(key.error() == errc::key_use_mismatch);
    }
    const auto verify_only = jot::private_key_from_jwk(as<TestType>(with(priv, "key_ops", json::array({"verify"}))));
    REQUIRE_FALSE(verify_only.has_value());
    REQUIRE(verify_only.error() == errc::key_use_mismatch);
    const json mac = with(rfc7517("a3_symmetric_keys.json").at("keys").at(1), "use", "enc");
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(mac), algorithm::hs256).error() == errc::key_use_mismatch);
    // Malformed values are key_invalid, not a mismatch.
    for (const json& jwk : {with(pub, "use", 1), with(pub, "key_ops", "verify"),
                            with(pub, "key_ops", json::array({"verify", "verify"})),
                            with(pub, "key_ops", json::array({"verify", 2}))}) {
        INFO(jwk.dump());
        REQUIRE(jot::public_key_from_jwk(as<TestType>(jwk)).error() == errc::key_invalid);
    }
}

TEMPLATE_TEST_CASE("malformed or inconsistent EC members are key_invalid", "[jwk][negative]", JOT_BACKENDS) {
    const json pub = p256_public();
    const json priv = p256_private();
    const std::string x = pub.at("x").get<std::string>();
    const std::string y = pub.at("y").get<std::string>();
    const std::string d = priv.at("d").get<std::string>();
    const json other_d = jot::to_jwk(jot::private_key::generate(algorithm::es256).value().public_key().value()).value();
    struct row {
        const char* what;
        json jwk;
        bool private_key;
    };
    const row rows[] = {
        {"point not on the curve", with(pub, "y", flip_bit(y, -1)), false},
        {"x one octet short", with(pub, "x", reencode(x, "", 1)), false},
        {"x one octet long", with(pub, "x", reencode(x, std::string(1, '\0'))), false},
        {"y missing", without(pub, "y"), false},
        {"x not a string", with(pub, "x", 5), false},
        {"x empty", with(pub, "x", ""), false},
        {"x padded", with(pub, "x", x + "="), false},
        {"x in the base64 alphabet", with(pub, "x", x.substr(0, 5) + "+" + x.substr(6)), false},
        {"x with non-zero trailing bits", with(pub, "x", x.substr(0, x.size() - 1) + "V"), false},
        {"crv missing", without(pub, "crv"), false},
        {"crv unknown", with(pub, "crv", "P-224"), false},
        {"crv of another case", with(pub, "crv", "p-256"), false},
        {"kty missing", without(pub, "kty"), false},
        {"kty unknown", with(pub, "kty", "DSA"), false},
        {"kty lowercase", with(pub, "kty", "ec"), false},
        {"kid not a string", with(pub, "kid", 7), false},
        {"alg not a string", with(pub, "alg", 256), false},
        {"not an object", json::array({pub}), false},
        {"d of another key", with(priv, "d", other_d.at("x")), true},
        {"d one octet short", with(priv, "d", reencode(d, "", 1)), true},
        {"d zero", with(priv, "d", jot::base64url::encode(std::string(32, '\0'))), true},
    };
    for (const row& r : rows) {
        INFO(r.what);
        const std::error_code ec = r.private_key ? jot::private_key_from_jwk(as<TestType>(r.jwk)).error()
                                                 : jot::public_key_from_jwk(as<TestType>(r.jwk)).error();
        REQUIRE(ec == errc::key_invalid);
    }
}

TEMPLATE_TEST_CASE("a P-521 coordinate must keep its leading zero octets", "[jwk][negative]", JOT_BACKENDS) {
    const json v = jot_test::read_json("rfc/rfc7520_4_3_es512.json");
    INFO(v.at("id").get<std::string>());
    const json pub = v.at("derived").at("jwk_public");
    REQUIRE(jot::public_key_from_jwk(as<TestType>(pub)).value().alg() == algorithm::es512);
    const std::string x = pub.at("x").get<std::string>();
    REQUIRE(jot::base64url::decode<std::string>(x).value()[0] == '\0'); // 66 octets, the first one zero
    const auto cut = jot::public_key_from_jwk(as<TestType>(with(pub, "x", reencode(x, "", 1))));
    REQUIRE_FALSE(cut.has_value());
    REQUIRE(cut.error() == errc::key_invalid);
}

TEMPLATE_TEST_CASE("malformed or inconsistent RSA members are refused", "[jwk][negative]", JOT_BACKENDS) {
    const json pub = a1_rsa();
    const json priv = a2_rsa();
    const std::string n = pub.at("n").get<std::string>();
    std::string n_noncanonical = n;
    n_noncanonical.back() = n_noncanonical.back() == 'w' ? 'x' : 'w'; // "…Kgw": 256 octets, 4 spare bits
    struct row {
        const char* what;
        json jwk;
        bool private_key;
        errc expected;
    };
    const row rows[] = {
        {"n not canonical base64url", with(pub, "n", n_noncanonical), false, errc::key_invalid},
        {"n padded", with(pub, "n", n + "=="), false, errc::key_invalid},
        {"n missing", without(pub, "n"), false, errc::key_invalid},
        {"e missing", without(pub, "e"), false, errc::key_invalid},
        {"e not a string", with(pub, "e", 65537), false, errc::key_invalid},
        {"e = 1", with(pub, "e", "AQ"), false, errc::key_invalid},
        {"e even", with(pub, "e", "AQAC"), false, errc::key_invalid},
        {"e = 3", with(pub, "e", "Aw"), false, errc::key_too_weak},
        {"e longer than 64 bits", with(pub, "e", jot::base64url::encode(std::string(9, '\x01'))), false,
         errc::key_invalid},
        {"n even", with(pub, "n", flip_bit(n, -1)), false, errc::key_invalid},
        {"n larger than any accepted key", with(pub, "n", jot::base64url::encode(std::string(2000, '\x7f'))), false,
         errc::key_invalid},
        {"d missing", without(priv, "d"), true, errc::key_not_private},
        {"only some CRT members", without(priv, "qi"), true, errc::key_invalid},
        {"qi wrong", with(priv, "qi", flip_bit(priv.at("qi").get<std::string>(), -1)), true, errc::key_invalid},
        {"dp wrong", with(priv, "dp", flip_bit(priv.at("dp").get<std::string>(), -1)), true, errc::key_invalid},
        {"p wrong", with(priv, "p", flip_bit(priv.at("p").get<std::string>(), -2)), true, errc::key_invalid},
        {"d wrong", with(priv, "d", flip_bit(priv.at("d").get<std::string>(), -1)), true, errc::key_invalid},
        {"d wrong, no CRT members",
         without(without(without(without(without(with(priv, "d", flip_bit(priv.at("d").get<std::string>(), -1)),
                                                  "p"), "q"), "dp"), "dq"), "qi"),
         true, errc::key_invalid},
        {"multi-prime", with(priv, "oth", json::array()), true, errc::key_invalid},
    };
    for (const row& r : rows) {
        INFO(r.what);
        const std::error_code ec = r.private_key ? jot::private_key_from_jwk(as<TestType>(r.jwk)).error()
                                                 : jot::public_key_from_jwk(as<TestType>(r.jwk)).error();
        REQUIRE(ec == r.expected);
    }
}

TEMPLATE_TEST_CASE("an OKP private key whose x is not the public key of d is refused",
                   "[jwk][negative]", JOT_BACKENDS) {
    const json ed = ed25519_private();
    const std::string x = ed.at("x").get<std::string>();
    REQUIRE(jot::private_key_from_jwk(as<TestType>(ed)).has_value());
    const auto mismatched = jot::private_key_from_jwk(as<TestType>(with(ed, "x", flip_bit(x, 0))));
    REQUIRE_FALSE(mismatched.has_value());
    REQUIRE(mismatched.error() == errc::key_invalid);
    REQUIRE(jot::public_key_from_jwk(as<TestType>(with(ed, "x", reencode(x, "", 1)))).error() == errc::key_invalid);
    // 32 octets, not 57
    REQUIRE(jot::public_key_from_jwk(as<TestType>(with(ed, "crv", "Ed448"))).error() == errc::key_invalid);
    REQUIRE(jot::private_key_from_jwk(as<TestType>(without(ed, "d"))).error() == errc::key_not_private);
}

TEMPLATE_TEST_CASE("an RSA key under 2048 bits is key_too_weak (Wycheproof JWK tcId 8)",
                   "[jwk][negative]", JOT_BACKENDS) {
    const json file = jot_test::read_json("wycheproof/json_web_key_test.json");
    for (const auto& group : file.at("testGroups")) {
        if (group.at("tests").at(0).at("tcId") != 8) continue;
        const json& pub = group.at("public").at("keys").at(0);
        const json& priv = group.at("private").at("keys").at(0);
        REQUIRE(pub.at("kid") == "RS256_1024");
        REQUIRE(jot::public_key_from_jwk(as<TestType>(pub)).error() == errc::key_too_weak);
        REQUIRE(jot::private_key_from_jwk(as<TestType>(priv)).error() == errc::key_too_weak);
        return;
    }
    FAIL("tcId 8 not found");
}

TEMPLATE_TEST_CASE("Wycheproof JWK key cases are refused with the expected code", "[jwk][vector]", JOT_BACKENDS) {
    // tcId -> the error loading its first private (and, if given, public) key must give. tcId 7 (a ROCA-weak
    // RSA modulus) is not detected by jot and is not listed; the other tcIds test JWS or JWK Set handling.
    const std::pair<int, errc> expected[] = {
        {6, errc::key_use_mismatch},       {9, errc::key_invalid},            {10, errc::key_too_short},
        {11, errc::key_too_short},         {12, errc::key_too_short},         {16, errc::key_too_short},
        {17, errc::key_too_short},         {18, errc::key_too_short},         {19, errc::key_algorithm_mismatch},
        {20, errc::key_algorithm_mismatch}, {21, errc::key_use_mismatch},     {22, errc::key_invalid},
        {23, errc::key_algorithm_mismatch}, {24, errc::key_algorithm_mismatch}, {25, errc::key_algorithm_mismatch},
        {26, errc::key_algorithm_mismatch},
    };
    const json file = jot_test::read_json("wycheproof/json_web_key_test.json");
    int checked = 0;
    for (const auto& group : file.at("testGroups")) {
        const int id = group.at("tests").at(0).at("tcId").get<int>();
        for (const auto& [tc, code] : expected) {
            if (tc != id) continue;
            INFO("wycheproof json_web_key_test tcId " << id << " (" << group.value("comment", "") << ")");
            const json& priv = group.at("private").at("keys").at(0);
            if (priv.at("kty") == "oct") {
                REQUIRE(jot::hmac_key_from_jwk(as<TestType>(priv)).error() == code);
            } else {
                REQUIRE(jot::private_key_from_jwk(as<TestType>(priv)).error() == code);
                if (group.contains("public"))
                    REQUIRE(jot::public_key_from_jwk(as<TestType>(group.at("public").at("keys").at(0))).error() ==
                            code);
            }
            ++checked;
        }
    }
    REQUIRE(checked == 16);
}

TEMPLATE_TEST_CASE("symmetric JWKs: short or missing secrets and non-HMAC algorithms are refused",
                   "[jwk][negative]", JOT_BACKENDS) {
    const json mac = rfc7517("a3_symmetric_keys.json").at("keys").at(1);
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(mac), algorithm::hs512).has_value()); // 64 octets: enough for HS512
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(with(mac, "k", jot::base64url::encode(std::string(31, 'k')))),
                                   algorithm::hs256)
                .error() == errc::key_too_short);
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(with(mac, "k", "")), algorithm::hs256).error() == errc::key_too_short);
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(without(mac, "k")), algorithm::hs256).error() == errc::key_invalid);
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(with(mac, "k", 3)), algorithm::hs256).error() == errc::key_invalid);
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(with(mac, "k", "AyM1+ysP")), algorithm::hs256).error() ==
            errc::key_invalid);
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(mac), algorithm::rs256).error() == errc::key_algorithm_mismatch);
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(with(mac, "alg", "HS384")), algorithm::hs256).error() ==
            errc::key_algorithm_mismatch);
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(with(mac, "key_ops", json::array({"verify"}))), algorithm::hs256)
                .has_value());
    REQUIRE(jot::hmac_key_from_jwk(as<TestType>(with(mac, "key_ops", json::array({"encrypt"}))), algorithm::hs256)
                .error() == errc::key_use_mismatch);
}
