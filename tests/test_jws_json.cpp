// SPDX-License-Identifier: MIT
// jot::jws JSON serialization, general and flattened (RFC 7515 §7.2): RFC 7520 §4.6-4.8 reproduced, several
// signatures under a policy, and the strict reading of the JSON form.
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <jot/hmac_key.hpp>
#include <jot/jwk.hpp>
#include <jot/jws.hpp>
#include <jot/private_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using jot::errc;
using jot_test::read_json;
using json = nlohmann::json;
namespace jws = jot::jws;

using jot_test::bytes;
using jot_test::code;
using jot_test::error_of;

std::string b64(const std::string& s) { return jot::base64url::encode(bytes(s)); }

const json& cookbook(const std::string& name) {
    static std::map<std::string, json> cache;
    auto it = cache.find(name);
    if (it == cache.end()) it = cache.emplace(name, read_json("jose-cookbook/jws/" + name)).first;
    return it->second;
}

std::shared_ptr<jot::hmac_key> hobbit_hmac() {
    const auto& v = cookbook("4_5.signature_with_detached_content.json");
    return std::make_shared<jot::hmac_key>(jot::hmac_key_from_jwk(v["input"]["key"]).value());
}

jws::verifier verifier_of(jot::key_list keys, jws::required_signatures required = jws::required_signatures::all) {
    jws::verify_options o;
    o.required = required;
    return jws::verifier::create(std::move(keys), o).value();
}

/// `s` with the lowest unused bit of its last base64url character set: same octets, non-canonical text.
std::string non_canonical(std::string s) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto v = alphabet.find(s.back());
    s.back() = alphabet[v | 1];
    return s;
}

/// Signs `payload` with `o` in the general and the flattened JSON form and compares each with the cookbook
/// example's output, byte for byte.
void check_signs_as_cookbook(const json& v, const jot::signer& key, const jws::signature_options& o,
                             const std::string& payload) {
    const auto general = jws::sign_json({jws::json_signer{key, o}}, bytes(payload));
    REQUIRE(general);
    CHECK(*general == v["output"]["json"].dump());
    const auto flat = jws::sign_json({jws::json_signer{key, o}}, bytes(payload), jws::json_form::flattened);
    REQUIRE(flat);
    CHECK(*flat == v["output"]["json_flat"].dump());
}

} // namespace

TEST_CASE("RFC 7520 §4.6: protecting specific header fields is reproduced byte for byte", "[jws][json][rfc7520]") {
    const auto& v = cookbook("4_6.protecting_specific_header_fields.json");
    const std::string payload = v["input"]["payload"];
    auto key = hobbit_hmac();
    jws::signature_options o;
    o.kid = jws::placement::unprotected_header;
    check_signs_as_cookbook(v, *key, o, payload);

    const auto verifier = verifier_of({key});
    for (const char* form : {"json", "json_flat"}) {
        const auto r = verifier.verify_json(v["output"][form].dump(2));
        REQUIRE(r);
        CHECK(r->payload() == payload);
        REQUIRE(r->signatures().size() == 1);
        CHECK(r->signatures()[0].protected_header == json{{"alg", "HS256"}});
        CHECK(r->signatures()[0].unprotected_header == v["signing"]["unprotected"]);
    }
}

TEST_CASE("RFC 7520 §4.7: protecting content only (no protected header) is reproduced byte for byte",
          "[jws][json][rfc7520]") {
    const auto& v = cookbook("4_7.protecting_content_only.json");
    const std::string payload = v["input"]["payload"];
    auto key = hobbit_hmac();
    jws::signature_options o;
    o.alg = jws::placement::unprotected_header;
    o.kid = jws::placement::unprotected_header;
    check_signs_as_cookbook(v, *key, o, payload);
    CHECK(error_of(jws::sign_compact(*key, bytes(payload), o)) == code(errc::invalid_argument));

    const auto verifier = verifier_of({key});
    for (const char* form : {"json", "json_flat"}) {
        const auto r = verifier.verify_json(v["output"][form].dump());
        REQUIRE(r);
        CHECK(r->payload() == payload);
        CHECK(r->signatures()[0].protected_header == json::object());
    }
}

TEST_CASE("RFC 7520 §4.8: multiple signatures are reproduced (RS256, HS256) and verified (ES512 too)",
          "[jws][json][rfc7520]") {
    const auto& v = cookbook("4_8.multiple_signatures.json");
    const std::string payload = v["input"]["payload"];
    const auto& keys = v["input"]["key"];
    const auto rsa = jot::private_key_from_jwk(keys[0], jot::algorithm::rs256).value();
    const auto ec = jot::private_key_from_jwk(keys[1], jot::algorithm::es512).value();
    auto hs = std::make_shared<jot::hmac_key>(jot::hmac_key_from_jwk(keys[2]).value());
    REQUIRE(rsa.key_id() == "bilbo.baggins@hobbiton.example");
    REQUIRE(ec.key_id() == "bilbo.baggins@hobbiton.example");
    auto rsa_pub = std::make_shared<jot::public_key>(rsa.public_key().value());
    auto ec_pub = std::make_shared<jot::public_key>(ec.public_key().value());

    jws::signature_options first, second;
    first.kid = jws::placement::unprotected_header;
    second.alg = jws::placement::unprotected_header;
    second.kid = jws::placement::unprotected_header;
    const auto text = jws::sign_json({jws::json_signer{rsa, first}, jws::json_signer{ec, second}, jws::json_signer{*hs}}, bytes(payload));
    REQUIRE(text);
    // ECDSA is randomised: every other byte must be the RFC's.
    json mine = json::parse(*text), expected = v["output"]["json"];
    CHECK(mine["signatures"][1]["signature"] != expected["signatures"][1]["signature"]);
    mine["signatures"][1]["signature"] = expected["signatures"][1]["signature"];
    CHECK(mine.dump() == expected.dump());

    const auto all = verifier_of({rsa_pub, ec_pub, hs});
    for (const std::string& t : {*text, expected.dump()}) {
        const auto r = all.verify_json(t);
        REQUIRE(r);
        CHECK(r->payload() == payload);
        REQUIRE(r->signatures().size() == 3);
        CHECK(r->signatures()[0].alg == jot::algorithm::rs256);
        CHECK(r->signatures()[1].alg == jot::algorithm::es512);
        CHECK(r->signatures()[1].unprotected_header["alg"] == "ES512");
        CHECK(r->signatures()[2].alg == jot::algorithm::hs256);
    }
}

TEST_CASE("several signatures: the policy says whether one valid signature is enough or all must verify",
          "[jws][json][policy]") {
    const auto& v = cookbook("4_8.multiple_signatures.json");
    const std::string text = v["output"]["json"].dump();
    auto hs = hobbit_hmac();
    const auto ec = jot::private_key_from_jwk(v["input"]["key"][1], jot::algorithm::es512).value();
    auto ec_pub = std::make_shared<jot::public_key>(ec.public_key().value());

    // Only the HMAC key: the RS256 and ES512 signatures are by keys this verifier does not have.
    CHECK(error_of(verifier_of({hs}).verify_json(text)) == code(errc::algorithm_not_allowed));
    const auto one = verifier_of({hs}, jws::required_signatures::one).verify_json(text);
    REQUIRE(one);
    REQUIRE(one->signatures().size() == 1);
    CHECK(one->signatures()[0].index == 2);
    // With ES512 first in line, "one" stops at the first that verifies.
    const auto first = verifier_of({ec_pub, hs}, jws::required_signatures::one).verify_json(text);
    REQUIRE(first);
    REQUIRE(first->signatures().size() == 1);
    CHECK(first->signatures()[0].index == 1);

    // A tampered signature fails "all" even when the others verify, and "one" when it was the only candidate.
    json bad = v["output"]["json"];
    std::string sig = bad["signatures"][2]["signature"];
    sig[0] = sig[0] == 's' ? 't' : 's';
    bad["signatures"][2]["signature"] = sig;
    CHECK(error_of(verifier_of({hs}, jws::required_signatures::one).verify_json(bad.dump())) ==
          code(errc::signature_invalid));
    const auto rest = verifier_of({ec_pub, hs}, jws::required_signatures::one).verify_json(bad.dump());
    REQUIRE(rest);
    CHECK(rest->signatures()[0].index == 1);
    CHECK(error_of(verifier_of({ec_pub, hs}).verify_json(bad.dump())) == code(errc::algorithm_not_allowed));
}

TEST_CASE("RFC 7797 in the JSON serialization: attached unencoded payload, and b64 the same for all signatures",
          "[jws][json][rfc7797]") {
    const auto v = read_json("jose-cookbook/rfc7797/hmac-sha2_b64_false.json");
    const std::string payload = v["input"]["payload"];
    auto key = std::make_shared<jot::hmac_key>(jot::hmac_key_from_jwk(v["input"]["key"]).value());
    jws::signature_options o;
    o.unencoded_payload = true;
    CHECK(jws::sign_compact(*key, bytes(payload), o).value() == v["output"]["compact"].get<std::string>());
    CHECK(jws::sign_json({jws::json_signer{*key, o}}, bytes(payload)).value() == v["output"]["json"].dump());
    CHECK(jws::sign_json({jws::json_signer{*key, o}}, bytes(payload), jws::json_form::flattened).value() ==
          v["output"]["json_flat"].dump());

    jws::verify_options allow;
    allow.allow_unencoded_payload = true;
    const auto verifier = jws::verifier::create({key}, allow).value();
    for (const std::string& t : {v["output"]["json"].dump(), v["output"]["json_flat"].dump()}) {
        const auto r = verifier.verify_json(t);
        REQUIRE(r);
        CHECK(r->payload() == payload);
        CHECK(r->unencoded());
    }
    const auto compact = verifier.verify_compact(v["output"]["compact"].get<std::string>());
    REQUIRE(compact);
    CHECK(compact->payload() == payload);

    // One signer unencoded and one not cannot share a payload (RFC 7797 §3).
    CHECK(error_of(jws::sign_json({jws::json_signer{*key, o}, jws::json_signer{*key}}, bytes(payload))) ==
          code(errc::b64_inconsistent));
    json mixed = v["output"]["json"];
    mixed["signatures"].push_back({{"protected", b64(R"({"alg":"HS256"})")}, {"signature", "AA"}});
    CHECK(error_of(verifier.verify_json(mixed.dump())) == code(errc::b64_inconsistent));
    // b64 and crit must be integrity protected.
    json moved = v["output"]["json_flat"];
    moved["protected"] = b64(R"({"alg":"HS256","crit":["b64"]})");
    moved["header"] = {{"b64", false}};
    CHECK(error_of(verifier.verify_json(moved.dump())) == code(errc::header_invalid_member));
    moved["protected"] = b64(R"({"alg":"HS256","b64":false})");
    moved["header"] = {{"crit", {"b64"}}};
    CHECK(error_of(verifier.verify_json(moved.dump())) == code(errc::crit_invalid));
    // An attached unencoded payload travels as a JSON string, so it must be UTF-8.
    const std::string binary = "\xff\xfe";
    CHECK(error_of(jws::sign_json({jws::json_signer{*key, o}}, bytes(binary))) == code(errc::invalid_utf8));
    CHECK(jws::sign_json({jws::json_signer{*key, o}}, bytes(binary), jws::json_form::general,
                         jws::content::detached));
}

TEST_CASE("JWS JSON serialization is read strictly: unknown, duplicate, missing and mistyped members",
          "[jws][json][negative]") {
    const auto& v = cookbook("4_6.protecting_specific_header_fields.json");
    const json general = v["output"]["json"], flat = v["output"]["json_flat"];
    const auto verifier = verifier_of({hobbit_hmac()});
    auto check = [&](const json& j, errc e) { CHECK(error_of(verifier.verify_json(j.dump())) == code(e)); };
    REQUIRE(verifier.verify_json(general.dump()));
    REQUIRE(verifier.verify_json(flat.dump()));

    SECTION("unknown members, at the top and in a signature") {
        json j = general;
        j["extra"] = 1;
        check(j, errc::jws_json_invalid);
        j = general;
        j["signatures"][0]["extra"] = 1;
        check(j, errc::jws_json_invalid);
        j = flat;
        j["signatures"] = general["signatures"];
        check(j, errc::jws_json_invalid);
        j = general;
        j["signatures"][0]["payload"] = general["payload"];
        check(j, errc::jws_json_invalid);
    }
    SECTION("missing or empty members") {
        json j = general;
        j["signatures"] = json::array();
        check(j, errc::jws_json_invalid);
        j = flat;
        j.erase("signature");
        check(j, errc::jws_json_invalid);
        j = flat;
        j["protected"] = "";
        check(j, errc::jws_json_invalid);
        j = flat;
        j["header"] = json::object();
        check(j, errc::jws_json_invalid);
        j = flat;
        j.erase("protected");
        j.erase("header");
        check(j, errc::jws_json_invalid);
        j = flat;
        j.erase("payload");
        check(j, errc::jws_json_invalid);
    }
    SECTION("mistyped members") {
        json j = flat;
        j["payload"] = 1;
        check(j, errc::jws_json_invalid);
        j = flat;
        j["header"] = "kid";
        check(j, errc::jws_json_invalid);
        j = general;
        j["signatures"] = general["signatures"][0];
        check(j, errc::jws_json_invalid);
        j = general;
        j["signatures"][0] = "x";
        check(j, errc::jws_json_invalid);
    }
    SECTION("duplicate members in the text, and a name in both headers (RFC 7515 §7.2.1)") {
        std::string text = flat.dump();
        text.insert(1, R"("signature":"AA",)");
        CHECK(error_of(verifier.verify_json(text)) == code(errc::json_duplicate_member));
        json j = flat;
        j["header"]["alg"] = "HS256";
        check(j, errc::header_member_duplicated);
        jws::signature_options o;
        o.protected_members["x"] = 1;
        o.unprotected_members["x"] = 2;
        CHECK(error_of(jws::sign_json({jws::json_signer{*hobbit_hmac(), o}}, bytes("p"))) ==
              code(errc::invalid_argument));
    }
    SECTION("non-canonical base64url in the payload, the protected header or the signature") {
        // The cookbook's values have no unused bits in some members: "abcd" and this header have.
        jws::signature_options typ;
        typ.protected_members["typ"] = "JOSE";
        const json own = json::parse(jws::sign_json({jws::json_signer{*hobbit_hmac(), typ}}, bytes("abcd"),
                                                    jws::json_form::flattened)
                                         .value());
        REQUIRE(verifier.verify_json(own.dump()));
        for (const char* member : {"payload", "protected", "signature"}) {
            json j = own;
            REQUIRE(j[member].get<std::string>().size() % 4 != 0);
            j[member] = non_canonical(j[member]);
            check(j, errc::base64_non_canonical);
        }
    }
    SECTION("too many signatures") {
        json j = general;
        for (int i = 0; i < 8; ++i) j["signatures"].push_back(general["signatures"][0]);
        check(j, errc::too_many_signatures);
    }
    SECTION("not JSON, or not an object") {
        CHECK(error_of(verifier.verify_json("[1]")) == code(errc::json_not_object));
        CHECK(error_of(verifier.verify_json(flat.dump() + "x")) == code(errc::json_invalid));
    }
}
