// SPDX-License-Identifier: MIT
// Tests for jot/jwks.hpp: JWK Sets (RFC 7517 §5) read into algorithm-bound keys, the JWKs skipped and why,
// duplicate kids, document errors, RFC 7517 Appendix A, and writing a set back as public JWKs.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/algorithm.hpp>
#include <jot/base64url.hpp>
#include <jot/error.hpp>
#include <jot/jwk.hpp>
#include <jot/jwks.hpp>
#include <jot/hmac_key.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>
#include <jot/signer.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using jot::algorithm;
using jot::errc;

const std::string input = "eyJhbGciOiJ0ZXN0In0.c2lnbmVkIGJ5IHRlc3Rfandrcw";

std::vector<std::uint8_t> sign(const jot::signer& key, std::string_view in = input) {
    std::vector<std::uint8_t> sig(key.max_signature_size());
    const auto n = key.sign(in, sig.data(), sig.size());
    REQUIRE(n.has_value());
    sig.resize(*n);
    return sig;
}

bool verifies(const jot::verification_key& key, const std::vector<std::uint8_t>& sig, std::string_view in = input) {
    return key.verify(in, jot::bytes_view(sig.data(), sig.size())).has_value();
}

// Keys generated once per run: RSA generation costs tens of milliseconds.
const jot::private_key& rsa_key() {
    static const auto k = jot::private_key::generate(algorithm::rs256).value();
    return k;
}
const jot::private_key& rsa_key_2() {
    static const auto k = jot::private_key::generate(algorithm::rs256).value();
    return k;
}
const jot::private_key& p256_key() {
    static const auto k = jot::private_key::generate(algorithm::es256).value();
    return k;
}
const jot::private_key& p256_key_2() {
    static const auto k = jot::private_key::generate(algorithm::es256).value();
    return k;
}
const jot::private_key& p384_key() {
    static const auto k = jot::private_key::generate(algorithm::es384).value();
    return k;
}
const jot::private_key& p521_key() {
    static const auto k = jot::private_key::generate(algorithm::es512).value();
    return k;
}
const jot::private_key& secp256k1_key() {
    static const auto k = jot::private_key::generate(algorithm::es256k).value();
    return k;
}
const jot::private_key& ed25519_key() {
    static const auto k = jot::private_key::generate(algorithm::eddsa).value();
    return k;
}
const jot::private_key& ed448_key() {
    static const auto k = jot::private_key::generate(algorithm::ed448).value();
    return k;
}

/// A signer over the same key material as `key`, for algorithm `alg` (e.g. PS384 for an RSA key).
jot::private_key signer_for(const jot::private_key& key, algorithm alg) {
    return jot::private_key::from_pem(alg, key.to_pem().value()).value();
}

/// The public JWK of `key` with "kid" `kid`; "alg" removed unless `keep_alg`.
json public_jwk(const jot::private_key& key, const std::string& kid, bool keep_alg) {
    json j = jot::to_jwk(key.public_key().value()).value();
    j["kid"] = kid;
    if (!keep_alg) j.erase("alg");
    return j;
}

json with(json jwk, const std::string& name, json value) {
    jwk[name] = std::move(value);
    return jwk;
}
json without(json jwk, const std::string& name) {
    jwk.erase(name);
    return jwk;
}

json key_set(const std::vector<json>& jwks) {
    json doc = json::object();
    doc["keys"] = json::array();
    for (const auto& j : jwks) doc["keys"].push_back(j);
    return doc;
}

jot::jwk_set read(const json& doc, const jot::jwk_set_options& options = {}) {
    auto set = jot::jwk_set::from_json(doc, options);
    REQUIRE(set.has_value());
    return std::move(*set);
}

/// "kid/ALG" for each key, in order.
std::vector<std::string> bindings(const jot::jwk_set& set) {
    std::vector<std::string> out;
    for (const auto& k : set.keys())
        out.push_back(std::string(k->key_id()) + "/" + std::string(jot::to_string(k->alg())));
    return out;
}

/// The algorithm names of the keys whose kid is `kid`, in order.
std::vector<std::string> algs_of(const jot::jwk_set& set, std::string_view kid) {
    std::vector<std::string> out;
    for (const auto& k : set.keys())
        if (k->key_id() == kid) out.emplace_back(jot::to_string(k->alg()));
    return out;
}

/// The key with `kid` bound to `alg`; fails the test when there is none.
const jot::verification_key& key_for(const jot::jwk_set& set, std::string_view kid, algorithm alg) {
    for (const auto& k : set.keys())
        if (k->key_id() == kid && k->alg() == alg) return *k;
    FAIL("no key " << kid << "/" << jot::to_string(alg));
    throw; // unreachable: FAIL throws
}

struct expected_skip {
    std::size_t index;
    std::string kid;
    errc reason;
};

void require_skipped(const jot::jwk_set& set, const std::vector<expected_skip>& expected) {
    const auto& got = set.skipped();
    for (std::size_t i = 0; i < got.size(); ++i)
        UNSCOPED_INFO("skipped[" << i << "]: index " << got[i].index << " kid '" << got[i].kid << "' "
                                 << got[i].reason.message());
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("expected skip " << i << ": index " << expected[i].index << " kid '" << expected[i].kid << "'");
        CHECK(got[i].index == expected[i].index);
        CHECK(got[i].kid == expected[i].kid);
        CHECK(got[i].reason == expected[i].reason);
    }
}

/// The names of the members of a JSON object.
std::set<std::string> members(const json& obj) {
    std::set<std::string> out;
    for (auto it = obj.begin(); it != obj.end(); ++it) out.insert(it.key());
    return out;
}

const std::vector<std::string> rsa_algs = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"};

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// Keys and the algorithms they are bound to

TEST_CASE("each usable JWK of a set becomes keys bound to the algorithms its alg, type and curve allow",
          "[jwks][positive]") {
    const json doc = key_set({
        public_jwk(p256_key(), "p256", false),
        public_jwk(p384_key(), "p384", true),
        public_jwk(p521_key(), "p521", false),
        public_jwk(secp256k1_key(), "k1", false),
        public_jwk(rsa_key(), "rsa-rs256", true),
        public_jwk(rsa_key(), "rsa-any", false),
        public_jwk(ed25519_key(), "ed25519", false),
        public_jwk(ed25519_key(), "ed25519-eddsa", true),
        public_jwk(ed448_key(), "ed448", false),
    });
    const auto set = jot::jwk_set::parse(doc.dump());
    REQUIRE(set.has_value());
    CHECK(set->skipped().empty());
    CHECK_FALSE(set->empty());

    CHECK(algs_of(*set, "p256") == std::vector<std::string>{"ES256"});
    CHECK(algs_of(*set, "p384") == std::vector<std::string>{"ES384"});
    CHECK(algs_of(*set, "p521") == std::vector<std::string>{"ES512"});
    CHECK(algs_of(*set, "k1") == std::vector<std::string>{"ES256K"});
    CHECK(algs_of(*set, "rsa-rs256") == std::vector<std::string>{"RS256"});
    CHECK(algs_of(*set, "rsa-any") == rsa_algs);
    CHECK(algs_of(*set, "ed25519") == std::vector<std::string>{"EdDSA", "Ed25519"});
    CHECK(algs_of(*set, "ed25519-eddsa") == std::vector<std::string>{"EdDSA"});
    CHECK(algs_of(*set, "ed448") == std::vector<std::string>{"EdDSA", "Ed448"});
    CHECK(set->keys().size() == 16);
    // Document order: the first key comes from the first JWK, the last from the last.
    CHECK(set->keys().front()->key_id() == "p256");
    CHECK(set->keys().back()->key_id() == "ed448");

    // Every key verifies a signature of its algorithm made with the matching private key.
    const std::map<std::string, const jot::private_key*> source = {
        {"p256", &p256_key()},         {"p384", &p384_key()},       {"p521", &p521_key()},
        {"k1", &secp256k1_key()},      {"rsa-rs256", &rsa_key()},   {"rsa-any", &rsa_key()},
        {"ed25519", &ed25519_key()},   {"ed25519-eddsa", &ed25519_key()}, {"ed448", &ed448_key()},
    };
    for (const auto& k : set->keys()) {
        INFO(k->key_id() << "/" << jot::to_string(k->alg()));
        const auto sig = sign(signer_for(*source.at(std::string(k->key_id())), k->alg()));
        CHECK(verifies(*k, sig));
        auto tampered = sig;
        tampered[tampered.size() / 2] ^= 0x01;
        CHECK_FALSE(verifies(*k, tampered));
    }

    // The six keys of the RSA JWK without "alg" each verify their own algorithm only.
    for (const std::string& signed_with : rsa_algs) {
        const auto sig = sign(signer_for(rsa_key(), jot::algorithm_from_string(signed_with).value()));
        for (const std::string& verified_with : rsa_algs) {
            INFO("signed " << signed_with << ", verified " << verified_with);
            const auto& key = key_for(*set, "rsa-any", jot::algorithm_from_string(verified_with).value());
            CHECK(verifies(key, sig) == (signed_with == verified_with));
        }
    }
}

TEST_CASE("narrowing allowed_algorithms narrows the algorithms a JWK without alg is bound to", "[jwks][positive]") {
    const json doc = key_set({
        public_jwk(rsa_key(), "rsa-any", false),
        public_jwk(rsa_key(), "rsa-rs256", true),
        public_jwk(p256_key(), "p256", false),
        public_jwk(p384_key(), "p384", true),
        public_jwk(ed25519_key(), "ed25519", false),
    });

    SECTION("PS256, PS512 and ES256") {
        jot::jwk_set_options options;
        options.allowed_algorithms = {algorithm::ps256, algorithm::ps512, algorithm::es256};
        const auto set = read(doc, options);
        CHECK(bindings(set) == std::vector<std::string>{"rsa-any/PS256", "rsa-any/PS512", "p256/ES256"});
        require_skipped(set, {{1, "rsa-rs256", errc::algorithm_not_allowed},
                              {3, "p384", errc::algorithm_not_allowed},
                              {4, "ed25519", errc::algorithm_not_allowed}});
    }
    SECTION("RS256 only") {
        jot::jwk_set_options options;
        options.allowed_algorithms = {algorithm::rs256};
        const auto set = read(doc, options);
        CHECK(bindings(set) == std::vector<std::string>{"rsa-any/RS256", "rsa-rs256/RS256"});
        require_skipped(set, {{2, "p256", errc::algorithm_not_allowed},
                              {3, "p384", errc::algorithm_not_allowed},
                              {4, "ed25519", errc::algorithm_not_allowed}});
    }
    SECTION("Ed25519 only: the fully-specified algorithm, not EdDSA") {
        jot::jwk_set_options options;
        options.allowed_algorithms = {algorithm::ed25519};
        const auto set = read(doc, options);
        CHECK(bindings(set) == std::vector<std::string>{"ed25519/Ed25519"});
        CHECK(set.skipped().size() == 4);
    }
    SECTION("nothing allowed") {
        jot::jwk_set_options options;
        options.allowed_algorithms = {};
        const auto set = read(doc, options);
        CHECK(set.empty());
        require_skipped(set, {{0, "rsa-any", errc::algorithm_not_allowed},
                              {1, "rsa-rs256", errc::algorithm_not_allowed},
                              {2, "p256", errc::algorithm_not_allowed},
                              {3, "p384", errc::algorithm_not_allowed},
                              {4, "ed25519", errc::algorithm_not_allowed}});
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Skipped JWKs

TEST_CASE("JWKs that cannot be used are skipped with their index, kid and reason; the rest of the set loads",
          "[jwks][negative]") {
    const json rsa_1024 = [] {
        const json file = jot_test::read_json("wycheproof/json_web_key_test.json");
        for (const auto& group : file.at("testGroups"))
            if (group.at("tests").at(0).at("tcId") == 8) return group.at("public").at("keys").at(0);
        FAIL("Wycheproof JWK tcId 8 not found");
        return json();
    }();
    REQUIRE(rsa_1024.at("kid") == "RS256_1024");
    const std::string x25519_x = jot::base64url::encode(std::string(32, '\x09'));
    const std::string secret = jot::base64url::encode(std::string(32, 's'));

    const json doc = key_set({
        /* 0 */ public_jwk(p256_key(), "good", false),
        /* 1 */ json{{"kty", "foo"}, {"kid", "unknown-kty"}},
        /* 2 */ with(public_jwk(p256_key(), "p192", true), "crv", "P-192"),
        /* 3 */ json{{"kty", "OKP"}, {"crv", "X25519"}, {"x", x25519_x}, {"kid", "x25519"}},
        /* 4 */ rsa_1024,
        /* 5 */ with(without(rsa_1024, "alg"), "kid", "rsa-1024-no-alg"),
        /* 6 */ with(public_jwk(p256_key(), "enc", false), "use", "enc"),
        /* 7 */ with(without(public_jwk(p256_key(), "encrypt", false), "use"), "key_ops", json::array({"encrypt"})),
        /* 8 */ public_jwk(p521_key(), "es512", true),
        /* 9 */ json{{"kty", "oct"}, {"k", secret}, {"alg", "HS256"}, {"kid", "secret"}},
        /* 10 */ with(public_jwk(p256_key(), "bad-x", false), "x", "not base64url!"),
        /* 11 */ with(public_jwk(rsa_key(), "numeric-e", true), "e", 65537),
        /* 12 */ json("a string"),
        /* 13 */ json(nullptr),
        /* 14 */ json::array(),
        /* 15 */ with(public_jwk(p256_key(), "", false), "kid", 7),
        /* 16 */ with(public_jwk(rsa_key(), "oaep", true), "alg", "RSA-OAEP"),
        /* 17 */ with(public_jwk(p256_key(), "none", true), "alg", "none"),
        /* 18 */ without(public_jwk(p256_key(), "no-kty", false), "kty"),
        /* 19 */ with(public_jwk(p384_key(), "wrong-curve-alg", true), "alg", "ES256"),
        /* 20 */ public_jwk(ed25519_key(), "good-ed", true),
    });
    jot::jwk_set_options options;
    options.allowed_algorithms = {algorithm::rs256, algorithm::ps256, algorithm::es256, algorithm::es384,
                                  algorithm::eddsa}; // ES512 left out on purpose (JWK 8)
    const auto set = jot::jwk_set::parse(doc.dump(), options);
    REQUIRE(set.has_value()); // never failing the set

    CHECK(bindings(*set) == std::vector<std::string>{"good/ES256", "good-ed/EdDSA"});
    require_skipped(*set, {
                              {1, "unknown-kty", errc::key_invalid},
                              {2, "p192", errc::key_invalid},
                              {3, "x25519", errc::key_algorithm_mismatch},  // a key agreement curve
                              {4, "RS256_1024", errc::key_too_weak},
                              {5, "rsa-1024-no-alg", errc::key_too_weak},
                              {6, "enc", errc::key_use_mismatch},
                              {7, "encrypt", errc::key_use_mismatch},
                              {8, "es512", errc::algorithm_not_allowed},
                              {9, "secret", errc::key_algorithm_mismatch},  // symmetric keys not allowed
                              {10, "bad-x", errc::key_invalid},
                              {11, "numeric-e", errc::key_invalid},
                              {12, "", errc::key_invalid},
                              {13, "", errc::key_invalid},
                              {14, "", errc::key_invalid},
                              {15, "", errc::key_invalid},  // a "kid" that is not a string
                              {16, "oaep", errc::key_algorithm_mismatch},
                              {17, "none", errc::key_algorithm_mismatch},
                              {18, "no-kty", errc::key_invalid},
                              {19, "wrong-curve-alg", errc::key_algorithm_mismatch},
                          });
}

TEST_CASE("an X25519 key is skipped as unusable for signatures, not as an algorithm the caller left out",
          "[jwks][negative]") {
    const json x25519 = {{"kty", "OKP"}, {"crv", "X25519"}, {"x", jot::base64url::encode(std::string(32, 'x'))}};
    const auto set = read(key_set({x25519, with(x25519, "alg", "ECDH-ES")}));
    CHECK(set.empty());
    require_skipped(set, {{0, "", errc::key_algorithm_mismatch}, {1, "", errc::key_algorithm_mismatch}});
}

// ---------------------------------------------------------------------------------------------------------------
// Duplicate kids

TEST_CASE("a kid repeated for the same algorithm is ambiguous and yields no key", "[jwks][negative]") {
    const json first = public_jwk(p256_key(), "dup", false);
    const json second = public_jwk(p256_key_2(), "dup", false);
    const json other = public_jwk(p256_key(), "other", false);

    // Neither JWK is used, whatever their order: jot does not guess which key the issuer meant.
    const auto set = read(key_set({first, other, second}));
    CHECK(bindings(set) == std::vector<std::string>{"other/ES256"});
    require_skipped(set, {{0, "dup", errc::duplicate_key_id}, {2, "dup", errc::duplicate_key_id}});
    const auto swapped = read(key_set({second, first}));
    CHECK(swapped.empty());

    // An identical JWK repeated is a duplicate too.
    const auto twice = read(key_set({first, first, first}));
    CHECK(twice.empty());
    CHECK(twice.skipped().size() == 3);
}

TEST_CASE("a broken JWK declaring the same kid and alg makes the good one ambiguous", "[jwks][negative]") {
    // As in Wycheproof json_web_key_test tcId 4: the second key is malformed but claims the same (kid, alg).
    const json good = public_jwk(p256_key(), "dup", true);
    json broken = good;
    broken["x"] = "not-base64url!";
    const auto set = read(key_set({good, broken}));
    CHECK(set.empty());
    require_skipped(set, {{1, "dup", errc::key_invalid}, {0, "dup", errc::duplicate_key_id}});

    // An encryption key with the same kid claims nothing for signatures.
    json enc = public_jwk(p256_key_2(), "dup", true);
    enc["use"] = "enc";
    const auto with_enc = read(key_set({good, enc}));
    CHECK(bindings(with_enc) == std::vector<std::string>{"dup/ES256"});
}

TEST_CASE("the same kid on keys of different types or algorithms keeps them all", "[jwks][positive]") {
    const auto set = read(key_set({
        public_jwk(p256_key(), "shared", false),
        public_jwk(rsa_key(), "shared", true),
        public_jwk(p384_key(), "shared", true),
        with(public_jwk(rsa_key_2(), "shared", true), "alg", "PS256"),
    }));
    CHECK(set.skipped().empty());
    CHECK(algs_of(set, "shared") == std::vector<std::string>{"ES256", "RS256", "ES384", "PS256"});
    CHECK(verifies(key_for(set, "shared", algorithm::ps256), sign(signer_for(rsa_key_2(), algorithm::ps256))));
    CHECK_FALSE(verifies(key_for(set, "shared", algorithm::rs256), sign(signer_for(rsa_key_2(), algorithm::rs256))));
}

TEST_CASE("a JWK whose kid is ambiguous for some of its algorithms keeps the others", "[jwks][negative]") {
    // Both JWKs claim "r" for RS256, so neither serves RS256; the second, without "alg", keeps the other five.
    const auto set = read(key_set({public_jwk(rsa_key(), "r", true), public_jwk(rsa_key_2(), "r", false)}));
    require_skipped(set, {{0, "r", errc::duplicate_key_id}, {1, "r", errc::duplicate_key_id}});
    CHECK(algs_of(set, "r") == std::vector<std::string>{"RS384", "RS512", "PS256", "PS384", "PS512"});
    CHECK(verifies(key_for(set, "r", algorithm::ps384), sign(signer_for(rsa_key_2(), algorithm::ps384))));
}

TEST_CASE("JWKs without a kid never collide", "[jwks][positive]") {
    const auto set = read(key_set({without(public_jwk(p256_key(), "", false), "kid"),
                                   without(public_jwk(p256_key_2(), "", false), "kid"),
                                   without(public_jwk(p256_key(), "", false), "kid")}));
    CHECK(set.skipped().empty());
    CHECK(bindings(set) == std::vector<std::string>{"/ES256", "/ES256", "/ES256"});
}

// ---------------------------------------------------------------------------------------------------------------
// Bounds and document errors

TEST_CASE("JWKs beyond max_keys are skipped with too_many_keys", "[jwks][negative]") {
    std::vector<json> jwks;
    for (int i = 0; i < 70; ++i) jwks.push_back(public_jwk(p256_key(), "k" + std::to_string(i), false));

    SECTION("the default bound of 64") {
        const auto set = read(key_set(jwks));
        CHECK(set.keys().size() == 64);
        CHECK(set.keys().back()->key_id() == "k63");
        std::vector<expected_skip> expected;
        for (std::size_t i = 64; i < 70; ++i) expected.push_back({i, "k" + std::to_string(i), errc::too_many_keys});
        require_skipped(set, expected);
    }
    SECTION("a smaller bound counts JWKs, not keys, and counts skipped JWKs too") {
        jot::jwk_set_options options;
        options.max_keys = 3;
        const auto set = read(key_set({public_jwk(rsa_key(), "rsa-any", false), json("not a JWK"), jwks[0], jwks[1],
                                       jwks[2]}),
                              options);
        CHECK(set.keys().size() == 7); // six RSA algorithms and one ES256 from the first three JWKs
        require_skipped(set, {{1, "", errc::key_invalid},
                              {3, "k1", errc::too_many_keys},
                              {4, "k2", errc::too_many_keys}});
    }
}

TEST_CASE("a document that is not a JWK Set is refused as a whole", "[jwks][negative]") {
    struct bad_doc {
        const char* id;
        std::string text;
        errc expected;
    };
    const std::string good_jwk = public_jwk(p256_key(), "a", false).dump();
    const std::vector<bad_doc> docs = {
        {"not JSON", "keys: [a, b]", errc::json_invalid},
        {"empty text", "", errc::json_invalid},
        {"truncated", "{\"keys\":[" + good_jwk, errc::json_invalid},
        {"trailing garbage", "{\"keys\":[]} x", errc::json_invalid},
        {"an array", "[" + good_jwk + "]", errc::json_not_object},
        {"a string", "\"keys\"", errc::json_not_object},
        {"no keys", "{}", errc::key_set_invalid},
        {"keys misspelt", "{\"Keys\":[" + good_jwk + "]}", errc::key_set_invalid},
        {"keys an object", "{\"keys\":" + good_jwk + "}", errc::key_set_invalid},
        {"keys a string", "{\"keys\":\"[]\"}", errc::key_set_invalid},
        {"keys null", "{\"keys\":null}", errc::key_set_invalid},
        {"duplicate keys member", "{\"keys\":[],\"keys\":[" + good_jwk + "]}", errc::json_duplicate_member},
        {"duplicate member in a JWK", "{\"keys\":[{\"kty\":\"EC\",\"kty\":\"RSA\"}]}", errc::json_duplicate_member},
        {"invalid UTF-8", "{\"keys\":[],\"x\":\"\xC3\x28\"}", errc::invalid_utf8},
        {"too deep", "{\"keys\":[], \"x\":" + std::string(40, '[') + std::string(40, ']') + "}", errc::json_too_deep},
        {"a NUL after the object", std::string("{\"keys\":[]}\0{}", 14), errc::json_invalid},
    };
    for (const auto& d : docs) {
        INFO(d.id);
        const auto set = jot::jwk_set::parse(d.text);
        REQUIRE_FALSE(set.has_value());
        CHECK(set.error() == d.expected);
    }

    // from_json on values that are not an object with a "keys" array.
    for (const json& v : {json::array({json::parse(good_jwk)}), json("x"), json(1), json(nullptr),
                          json{{"keys", json::object()}}, json{{"keys", 3}}}) {
        INFO(v.dump());
        const auto set = jot::jwk_set::from_json(v);
        REQUIRE_FALSE(set.has_value());
        CHECK(set.error() == errc::key_set_invalid);
    }
}

TEST_CASE("an empty keys array is a valid, empty set", "[jwks][positive]") {
    const auto set = jot::jwk_set::parse("{\"keys\":[]}");
    REQUIRE(set.has_value());
    CHECK(set->empty());
    CHECK(set->keys().empty());
    CHECK(set->skipped().empty());
    CHECK(set->shared_keys()->empty());
    CHECK(set->to_json().value() == json::parse("{\"keys\":[]}"));
}

TEST_CASE("a document longer than max_document_size is key_set_too_large", "[jwks][negative]") {
    const std::string text = key_set({public_jwk(p256_key(), "a", false)}).dump();
    jot::jwk_set_options options;

    options.max_document_size = text.size();
    CHECK(jot::jwk_set::parse(text, options).has_value()); // exactly at the bound

    options.max_document_size = text.size() - 1;
    const auto over = jot::jwk_set::parse(text, options);
    REQUIRE_FALSE(over.has_value());
    CHECK(over.error() == errc::key_set_too_large);

    // The default bound is 256 KiB, apart from the token limit (64 KiB): a 100 KiB set reads, a set padded
    // past 256 KiB with whitespace is refused before it is parsed.
    const std::string roomy = "{\"keys\":[]" + std::string(100 * 1024, ' ') + "}";
    CHECK(jot::jwk_set::parse(roomy).has_value());
    const std::string padded = "{\"keys\":[]" + std::string(256 * 1024, ' ') + "}";
    const auto big = jot::jwk_set::parse(padded);
    REQUIRE_FALSE(big.has_value());
    CHECK(big.error() == errc::key_set_too_large);
}

// ---------------------------------------------------------------------------------------------------------------
// Symmetric keys

TEST_CASE("an oct key is used only with allow_symmetric and an allowed HS* algorithm", "[jwks][negative]") {
    const json oct = {{"kty", "oct"}, {"k", jot::base64url::encode(std::string(64, 'k'))}, {"kid", "mac"}};
    const auto mac = jot::hmac_key::create(algorithm::hs384, std::string(64, 'k')).value();
    const auto sig384 = sign(mac);

    SECTION("skipped by default, with or without alg") {
        const auto set = read(key_set({oct, with(oct, "alg", "HS256")}));
        CHECK(set.empty());
        require_skipped(set, {{0, "mac", errc::key_algorithm_mismatch}, {1, "mac", errc::key_algorithm_mismatch}});
    }
    SECTION("allow_symmetric with the default algorithms (no HS*): not allowed") {
        jot::jwk_set_options options;
        options.allow_symmetric = true;
        const auto set = read(key_set({oct, with(oct, "alg", "HS256")}), options);
        CHECK(set.empty());
        require_skipped(set, {{0, "mac", errc::algorithm_not_allowed}, {1, "mac", errc::algorithm_not_allowed}});
    }
    SECTION("allow_symmetric with HS*: bound like any key without alg, and verifying") {
        jot::jwk_set_options options;
        options.allow_symmetric = true;
        options.allowed_algorithms = {algorithm::hs256, algorithm::hs384, algorithm::hs512};
        const auto set = read(key_set({oct, with(with(oct, "alg", "HS384"), "kid", "mac-384")}), options);
        CHECK(set.skipped().empty());
        CHECK(bindings(set) == std::vector<std::string>{"mac/HS256", "mac/HS384", "mac/HS512", "mac-384/HS384"});
        CHECK(verifies(key_for(set, "mac", algorithm::hs384), sig384));
        CHECK_FALSE(verifies(key_for(set, "mac", algorithm::hs512), sig384));
        // Never written back: a published set holds no secrets.
        CHECK(set.to_json().value() == json::parse("{\"keys\":[]}"));
    }
}

TEST_CASE("an HMAC secret too short for one allowed algorithm is still bound to the others", "[jwks][positive]") {
    // 32 octets: enough for HS256, too short for HS384 and HS512 (RFC 7518 §3.2), whatever order they are listed in.
    const json oct = {{"kty", "oct"}, {"k", jot::base64url::encode(std::string(32, 'k'))}, {"kid", "short"}};
    jot::jwk_set_options options;
    options.allow_symmetric = true;

    options.allowed_algorithms = {algorithm::hs512, algorithm::hs384, algorithm::hs256};
    const auto set = read(key_set({oct}), options);
    CHECK(bindings(set) == std::vector<std::string>{"short/HS256"});
    CHECK(set.skipped().empty());

    options.allowed_algorithms = {algorithm::hs512, algorithm::hs384};
    const auto none = read(key_set({oct}), options);
    CHECK(none.empty());
    require_skipped(none, {{0, "short", errc::key_too_short}});
}

// ---------------------------------------------------------------------------------------------------------------
// Writing a set back

/// `jwk` without its private members: what a set may carry.
json public_part(json jwk) {
    for (const char* m : {"d", "p", "q", "dp", "dq", "qi", "oth"}) jwk.erase(m);
    return jwk;
}

TEST_CASE("to_json writes one public JWK per source JWK, never a secret", "[jwks][positive]") {
    json ec_private = public_part(jot_test::read_json("rfc/rfc7515_A3_es256.json").at("jwk"));
    ec_private["kid"] = "ec-private";
    json ed_private = public_part(jot_test::read_json("rfc/rfc8037_A4_ed25519.json").at("jwk"));
    ed_private["kid"] = "ed-private";
    const json rsa_private = public_part(jot_test::read_json("rfc7517/a2_private_keys.json").at("keys").at(1));
    const json rsa_any = public_jwk(rsa_key(), "rsa-any", false);
    const json oct = {{"kty", "oct"}, {"k", jot::base64url::encode(std::string(32, 'k'))}, {"alg", "HS256"}};

    jot::jwk_set_options options;
    options.allow_symmetric = true;
    options.allowed_algorithms.push_back(algorithm::hs256);
    const auto set = read(key_set({ec_private, oct, rsa_private, ed_private, rsa_any}), options);
    REQUIRE(set.skipped().empty());
    REQUIRE(set.keys().size() == 1 + 1 + 1 + 2 + 6);

    const json out = set.to_json().value();
    REQUIRE(members(out) == std::set<std::string>{"keys"});
    const json& keys = out.at("keys");
    REQUIRE(keys.size() == 4); // the oct key is left out

    // "alg" is written when the source JWK yielded one algorithm (its own "alg" or the curve's), not otherwise.
    CHECK(members(keys[0]) == std::set<std::string>{"alg", "crv", "kid", "kty", "use", "x", "y"});
    CHECK(keys[0].at("alg") == "ES256");
    CHECK(keys[0].at("kid") == "ec-private");
    CHECK(keys[0].at("x") == ec_private.at("x"));
    CHECK(keys[0].at("y") == ec_private.at("y"));

    CHECK(members(keys[1]) == std::set<std::string>{"alg", "e", "kid", "kty", "n", "use"});
    CHECK(keys[1].at("alg") == "RS256");
    CHECK(keys[1].at("kid") == "2011-04-29");
    CHECK(keys[1].at("n") == rsa_private.at("n"));
    CHECK(keys[1].at("e") == rsa_private.at("e"));

    CHECK(members(keys[2]) == std::set<std::string>{"crv", "kid", "kty", "use", "x"});
    CHECK(keys[2].at("x") == ed_private.at("x"));

    CHECK(members(keys[3]) == std::set<std::string>{"e", "kid", "kty", "n", "use"});
    CHECK(keys[3].at("n") == rsa_any.at("n"));

    const std::string text = out.dump();
    for (const char* secret_member : {"\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"oth\"", "\"k\""}) {
        INFO(secret_member);
        CHECK(text.find(secret_member) == std::string::npos);
    }
    CHECK(text.find(jot_test::read_json("rfc/rfc7515_A3_es256.json").at("jwk").at("d").get<std::string>()) ==
          std::string::npos);
    CHECK(text.find(oct.at("k").get<std::string>()) == std::string::npos);
}

TEST_CASE("a set written by to_json reads back into keys that verify the same signatures", "[jwks][roundtrip]") {
    const json doc = key_set({
        public_jwk(p256_key(), "p256", false),
        public_jwk(p521_key(), "p521", true),
        public_jwk(secp256k1_key(), "k1", true),
        public_jwk(rsa_key(), "rsa-any", false),
        with(public_jwk(rsa_key_2(), "rsa-ps", true), "alg", "PS384"),
        public_jwk(ed25519_key(), "ed25519", false),
        public_jwk(ed448_key(), "ed448", true),
    });
    const std::map<std::string, const jot::private_key*> source = {
        {"p256", &p256_key()}, {"p521", &p521_key()},       {"k1", &secp256k1_key()},  {"rsa-any", &rsa_key()},
        {"rsa-ps", &rsa_key_2()}, {"ed25519", &ed25519_key()}, {"ed448", &ed448_key()},
    };
    const auto first = read(doc);
    REQUIRE(first.skipped().empty());
    const json written = first.to_json().value();
    CHECK(written.at("keys").size() == doc.at("keys").size());

    const auto again = jot::jwk_set::parse(written.dump());
    REQUIRE(again.has_value());
    CHECK(again->skipped().empty());
    CHECK(bindings(*again) == bindings(first));
    REQUIRE(again->keys().size() == first.keys().size());
    for (std::size_t i = 0; i < first.keys().size(); ++i) {
        const auto& k = *again->keys()[i];
        INFO(k.key_id() << "/" << jot::to_string(k.alg()));
        const auto sig = sign(signer_for(*source.at(std::string(k.key_id())), k.alg()));
        CHECK(verifies(*first.keys()[i], sig));
        CHECK(verifies(k, sig));
        auto tampered = sig;
        tampered[tampered.size() / 2] ^= 0x01;
        CHECK_FALSE(verifies(k, tampered));
    }
    // Writing is a fixed point: the second set writes the same JSON.
    CHECK(again->to_json().value() == written);
}

TEST_CASE("shared_keys() holds the same keys as keys()", "[jwks][positive]") {
    const auto set = read(key_set({public_jwk(p256_key(), "a", false), public_jwk(ed25519_key(), "b", true)}));
    const auto shared = set.shared_keys();
    REQUIRE(shared);
    REQUIRE(shared->size() == set.keys().size());
    for (std::size_t i = 0; i < shared->size(); ++i) CHECK((*shared)[i] == set.keys()[i]);
}

// ---------------------------------------------------------------------------------------------------------------
// RFC 7517 Appendix A

TEST_CASE("RFC 7517 A.1: the RSA key is bound to its RS256 and the EC key marked \"use\":\"enc\" is skipped",
          "[jwks][vector]") {
    const std::string text = jot_test::read_file("rfc7517/a1_public_keys.json");
    const auto set = jot::jwk_set::parse(text);
    REQUIRE(set.has_value());
    CHECK(bindings(*set) == std::vector<std::string>{"2011-04-29/RS256"});
    require_skipped(*set, {{0, "1", errc::key_use_mismatch}});

    // The RFC's private RSA key (A.2) signs what the public set verifies.
    const json rsa_private = jot_test::read_json("rfc7517/a2_private_keys.json").at("keys").at(1);
    const auto signer = jot::private_key_from_jwk(rsa_private).value();
    CHECK(verifies(*set->keys().at(0), sign(signer)));
    CHECK_FALSE(verifies(*set->keys().at(0), sign(signer_for(rsa_key(), algorithm::rs256))));

    // Without its "use":"enc", the EC key (no "alg") is bound to ES256 by its curve.
    json doc = json::parse(text);
    doc["keys"][0].erase("use");
    const auto both = read(doc);
    CHECK(both.skipped().empty());
    CHECK(bindings(both) == std::vector<std::string>{"1/ES256", "2011-04-29/RS256"});

    // Written back: the RSA JWK is the RFC's, plus "use":"sig".
    const json written = set->to_json().value();
    REQUIRE(written.at("keys").size() == 1);
    CHECK(written.at("keys").at(0) == with(json::parse(text).at("keys").at(1), "use", "sig"));
}

TEST_CASE("RFC 7517 A.2: a set of private JWKs is a leak: every key is skipped as private_key_in_set",
          "[jwks][vector][negative]") {
    const auto set = jot::jwk_set::parse(jot_test::read_file("rfc7517/a2_private_keys.json"));
    REQUIRE(set.has_value());
    CHECK(set->keys().empty());
    require_skipped(*set, {{0, "1", errc::private_key_in_set}, {1, "2011-04-29", errc::private_key_in_set}});
    // Without their private members the same JWKs read as RFC 7517 A.1's public set.
    json stripped = jot_test::read_json("rfc7517/a2_private_keys.json");
    for (auto& k : stripped.at("keys")) k = public_part(k);
    CHECK(read(stripped).to_json().value() == read(jot_test::read_json("rfc7517/a1_public_keys.json")).to_json().value());
}

TEST_CASE("a JWK Set skips a key carrying any private member, whatever its type", "[jwks][negative]") {
    const json ec = jot_test::read_json("rfc/rfc7515_A3_es256.json").at("jwk");   // has "d"
    const json ed = jot_test::read_json("rfc/rfc8037_A4_ed25519.json").at("jwk"); // has "d"
    const json rsa_pub = public_jwk(rsa_key(), "rsa", true);
    REQUIRE(ec.contains("d"));
    REQUIRE(ed.contains("d"));
    std::vector<json> keys = {with(ec, "kid", "ec"), with(ed, "kid", "ed")};
    // An RSA public JWK with any one private member added is skipped too, "oth" included.
    for (const char* m : {"d", "p", "q", "dp", "dq", "qi", "oth"})
        keys.push_back(with(with(rsa_pub, "kid", std::string("rsa-") + m), m, m == std::string("oth") ? json::array() : json("AQAB")));
    keys.push_back(with(rsa_pub, "kid", "rsa-public"));
    const auto set = read(key_set(keys));
    REQUIRE(set.skipped().size() == 9);
    for (const auto& s : set.skipped()) {
        INFO(s.kid);
        CHECK(s.reason == errc::private_key_in_set);
    }
    CHECK(bindings(set) == std::vector<std::string>{"rsa-public/RS256"});
}

TEST_CASE("RFC 7517 A.3: the symmetric set is skipped by default and read with allow_symmetric", "[jwks][vector]") {
    const std::string text = jot_test::read_file("rfc7517/a3_symmetric_keys.json");
    const std::string hmac_kid = "HMAC key used in JWS spec Appendix A.1 example";

    const auto by_default = jot::jwk_set::parse(text);
    REQUIRE(by_default.has_value());
    CHECK(by_default->empty());
    require_skipped(*by_default, {{0, "", errc::key_algorithm_mismatch}, {1, hmac_kid, errc::key_algorithm_mismatch}});

    // RFC 7515 A.1 is signed with the second key: HS256.
    const json a1 = jot_test::read_json("rfc/rfc7515_A1_hs256.json");
    const auto sig =
        jot::base64url::decode<std::vector<std::uint8_t>>(a1.at("signature_b64u").get<std::string>()).value();
    const std::string signing_input = a1.at("signing_input");

    jot::jwk_set_options options;
    options.allow_symmetric = true;
    options.allowed_algorithms = {algorithm::hs256};
    const auto set = jot::jwk_set::parse(text, options);
    REQUIRE(set.has_value());
    CHECK(bindings(*set) == std::vector<std::string>{hmac_kid + "/HS256"});
    // The A128KW key wraps keys; it is no JWS key at all.
    require_skipped(*set, {{0, "", errc::key_algorithm_mismatch}});
    CHECK(verifies(*set->keys().at(0), sig, signing_input));
    CHECK_FALSE(verifies(*set->keys().at(0), sig, signing_input + "x"));

    // With "alg":"HS256" written in the JWK, the same.
    json doc = json::parse(text);
    doc["keys"][1]["alg"] = "HS256";
    options.allowed_algorithms = {algorithm::hs256, algorithm::hs384, algorithm::hs512};
    const auto with_alg = read(doc, options);
    CHECK(bindings(with_alg) == std::vector<std::string>{hmac_kid + "/HS256"});
    CHECK(verifies(*with_alg.keys().at(0), sig, signing_input));
}
