// SPDX-License-Identifier: MIT
// jot::jws detached content (RFC 7515 Appendix F, RFC 7520 §4.5) and unencoded payloads (RFC 7797 §3-§6).
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <jot/hmac_key.hpp>
#include <jot/jwk.hpp>
#include <jot/jws.hpp>
#include <jot/private_key.hpp>
#include <jot/verifier.hpp>

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

const json& rfc7797() {
    static const json v = read_json("rfc7797/rfc7797_4.json");
    return v;
}

std::shared_ptr<jot::hmac_key> rfc7797_key() {
    return std::make_shared<jot::hmac_key>(jot::hmac_key_from_jwk(rfc7797()["key"], jot::algorithm::hs256).value());
}

jws::verifier verifier_of(std::shared_ptr<const jot::verification_key> key, bool allow_unencoded) {
    jws::verify_options o;
    o.allow_unencoded_payload = allow_unencoded;
    return jws::verifier::create({std::move(key)}, o).value();
}

std::string b64(const std::string& s) { return jot::base64url::encode(bytes(s)); }

} // namespace

TEST_CASE("RFC 7797 §4.1: the encoded payload example is reproduced byte for byte", "[jws][rfc7797]") {
    const auto& v = rfc7797()["section_4_1"];
    const std::string payload = rfc7797()["payload"];
    auto key = rfc7797_key();
    const auto token = jws::sign_compact(*key, bytes(payload));
    REQUIRE(token);
    CHECK(*token == v["compact"].get<std::string>());
    const auto r = verifier_of(key, false).verify_compact(*token);
    REQUIRE(r);
    CHECK(r->payload() == payload);
    CHECK_FALSE(r->unencoded());
}

TEST_CASE("RFC 7797 §4.2: the unencoded payload example is reproduced byte for byte", "[jws][rfc7797]") {
    const auto& v = rfc7797()["section_4_2"];
    const std::string payload = rfc7797()["payload"];
    auto key = rfc7797_key();
    jws::signature_options o;
    o.unencoded_payload = true;

    SECTION("detached compact form") {
        const auto token = jws::sign_detached(*key, bytes(payload), o);
        REQUIRE(token);
        CHECK(*token == v["compact_detached"].get<std::string>());
        const auto r = verifier_of(key, true).verify_detached(*token, bytes(payload));
        REQUIRE(r);
        CHECK(r->payload() == payload);
        CHECK(r->unencoded());
        REQUIRE(r->signatures().size() == 1);
        CHECK(r->signatures()[0].protected_header == json::parse(v["protected"].get<std::string>()));
    }
    SECTION("flattened JSON form") {
        const auto text = jws::sign_json({jws::json_signer{*key, o}}, bytes(payload), jws::json_form::flattened);
        REQUIRE(text);
        CHECK(*text == v["json_flattened"].dump());
        const auto r = verifier_of(key, true).verify_json(v["json_flattened"].dump(2));
        REQUIRE(r);
        CHECK(r->payload() == payload);
    }
    SECTION("the attached compact form is refused both ways: the payload contains '.' (RFC 7797 §5.2)") {
        CHECK(error_of(jws::sign_compact(*key, bytes(payload), o)) == code(errc::unencoded_payload_period));
        const std::string attached = v["protected_b64u"].get<std::string>() + "." + payload + "." +
                                     v["signature"].get<std::string>();
        CHECK(error_of(verifier_of(key, true).verify_compact(attached)) == code(errc::unencoded_payload_period));
        // Without the option the header is refused first, as any unknown critical extension.
        CHECK(error_of(verifier_of(key, false).verify_compact(attached)) == code(errc::crit_unsupported));
    }
}

TEST_CASE("RFC 7797 §6: b64 is honoured only in crit, and only when the caller allowed it", "[jws][rfc7797][negative]") {
    const auto& v = rfc7797()["section_4_2"];
    const std::string payload = rfc7797()["payload"];
    auto key = rfc7797_key();
    const std::string token = v["compact_detached"];

    SECTION("verifier without allow_unencoded_payload refuses crit b64") {
        CHECK(error_of(verifier_of(key, false).verify_detached(token, bytes(payload))) ==
              code(errc::crit_unsupported));
        CHECK(error_of(verifier_of(key, false).verify_json(v["json_flattened"].dump())) ==
              code(errc::crit_unsupported));
    }
    SECTION("the JWT verifier keeps refusing crit b64") {
        const std::string attached = v["protected_b64u"].get<std::string>() + ".JC4wMg." +
                                     v["signature"].get<std::string>();
        auto jwt = jot::verifier_builder().key(key).build().value();
        CHECK(error_of(jwt.verify(attached)) == code(errc::crit_unsupported));
    }
    SECTION("b64:false without crit is an ordinary member: the payload is read as base64url") {
        // The cookbook's 4.2.hmac-sha2_b64_false.json signed "$.02" unencoded under {"alg":"HS256","b64":false}
        // with no "crit": not the extension, so that signature must not verify.
        const auto cookbook = read_json("jose-cookbook/rfc7797/4.2.hmac-sha2_b64_false.json");
        const auto& flat = cookbook["output"]["json_flat"];
        CHECK(flat["payload"] == "$.02");
        CHECK(error_of(verifier_of(key, true).verify_json(flat.dump())) == code(errc::base64_invalid_character));
        const std::string detached = flat["protected"].get<std::string>() + ".." + flat["signature"].get<std::string>();
        CHECK(error_of(verifier_of(key, true).verify_detached(detached, bytes(payload))) ==
              code(errc::signature_invalid));
        // The same header over the base64url payload verifies, and the payload is decoded.
        jws::signature_options o;
        o.protected_members["b64"] = false;
        CHECK(error_of(jws::sign_compact(*key, bytes(payload), o)) == code(errc::reserved_header_member));
        const std::string header = flat["protected"];
        const std::string input = header + "." + b64(payload);
        std::uint8_t mac[32];
        REQUIRE(key->sign(input, mac, sizeof mac));
        const std::string encoded = input + "." + jot::base64url::encode(jot::bytes_view(mac, 32));
        const auto r = verifier_of(key, true).verify_compact(encoded);
        REQUIRE(r);
        CHECK(r->payload() == payload);
        CHECK_FALSE(r->unencoded());
    }
    SECTION("b64 listed in crit must be a boolean and present") {
        auto sign_raw = [&](const std::string& header, const std::string& part) {
            const std::string input = b64(header) + "." + part;
            std::uint8_t mac[32];
            REQUIRE(key->sign(input, mac, sizeof mac));
            return input + "." + jot::base64url::encode(jot::bytes_view(mac, 32));
        };
        CHECK(error_of(verifier_of(key, true).verify_compact(
                  sign_raw(R"({"alg":"HS256","b64":"false","crit":["b64"]})", "x"))) ==
              code(errc::header_invalid_member));
        CHECK(error_of(verifier_of(key, true).verify_compact(sign_raw(R"({"alg":"HS256","crit":["b64"]})", "x"))) ==
              code(errc::crit_invalid));
        CHECK(error_of(verifier_of(key, true).verify_compact(
                  sign_raw(R"({"alg":"HS256","b64":false,"crit":["b64","exp"],"exp":1})", "x"))) ==
              code(errc::crit_unsupported));
        // b64:true under crit is the extension too, with the usual encoding.
        const auto r = verifier_of(key, true).verify_compact(
            sign_raw(R"({"alg":"HS256","b64":true,"crit":["b64"]})", b64(payload)));
        REQUIRE(r);
        CHECK(r->payload() == payload);
        CHECK_FALSE(r->unencoded());
    }
}

TEST_CASE("RFC 7520 §4.5: signature with detached content is reproduced byte for byte", "[jws][rfc7520]") {
    const auto v = read_json("jose-cookbook/jws/4_5.signature_with_detached_content.json");
    const std::string payload = v["input"]["payload"];
    auto key = std::make_shared<jot::hmac_key>(jot::hmac_key_from_jwk(v["input"]["key"]).value());
    const auto verifier = verifier_of(key, false);

    const auto token = jws::sign_detached(*key, bytes(payload));
    REQUIRE(token);
    CHECK(*token == v["output"]["compact"].get<std::string>());
    const auto general = jws::sign_json({jws::json_signer{*key}}, bytes(payload), jws::json_form::general, jws::content::detached);
    REQUIRE(general);
    CHECK(*general == v["output"]["json"].dump());
    const auto flat = jws::sign_json({jws::json_signer{*key}}, bytes(payload), jws::json_form::flattened, jws::content::detached);
    REQUIRE(flat);
    CHECK(*flat == v["output"]["json_flat"].dump());

    auto r = verifier.verify_detached(v["output"]["compact"].get<std::string>(), bytes(payload));
    REQUIRE(r);
    CHECK(r->payload() == payload);
    CHECK(r->signatures()[0].protected_header["kid"] == "018c0ae5-4d9b-471b-bfd6-eef314bc7037");
    CHECK(verifier.verify_json_detached(v["output"]["json"].dump(), bytes(payload)));
    CHECK(verifier.verify_json_detached(v["output"]["json_flat"].dump(), bytes(payload)));
}

TEST_CASE("detached content: a wrong payload, an attached one, or a missing one is refused", "[jws][negative]") {
    const auto v = read_json("jose-cookbook/jws/4_5.signature_with_detached_content.json");
    const std::string payload = v["input"]["payload"];
    const std::string token = v["output"]["compact"];
    auto key = std::make_shared<jot::hmac_key>(jot::hmac_key_from_jwk(v["input"]["key"]).value());
    const auto verifier = verifier_of(key, false);

    CHECK(error_of(verifier.verify_detached(token, bytes(payload + " "))) == code(errc::signature_invalid));
    // The detached form is not a JWS with an empty payload.
    CHECK(error_of(verifier.verify_compact(token)) == code(errc::signature_invalid));
    const std::string attached = jws::sign_compact(*key, bytes(payload)).value();
    CHECK(verifier.verify_compact(attached));
    CHECK(error_of(verifier.verify_detached(attached, bytes(payload))) == code(errc::payload_not_detached));
    CHECK(error_of(verifier.verify_json(v["output"]["json"].dump())) == code(errc::jws_json_invalid));
    const std::string with_payload = jws::sign_json({jws::json_signer{*key}}, bytes(payload)).value();
    CHECK(error_of(verifier.verify_json_detached(with_payload, bytes(payload))) == code(errc::payload_not_detached));
}

TEST_CASE("jws verifier: the key decides the algorithm; none and unknown algorithms are refused", "[jws][negative]") {
    const std::string payload = "not a claim set \x01\xff";
    auto hs = rfc7797_key();
    auto rsa = std::make_shared<jot::private_key>(jot::private_key::generate(jot::algorithm::rs256).value());
    auto rsa_pub = std::make_shared<jot::public_key>(rsa->public_key().value());
    const auto by_rsa = jws::sign_detached(*rsa, bytes(payload)).value();
    CHECK(verifier_of(rsa_pub, false).verify_detached(by_rsa, bytes(payload)));
    CHECK(error_of(verifier_of(hs, false).verify_detached(by_rsa, bytes(payload))) ==
          code(errc::algorithm_not_allowed));
    const std::string none = b64(R"({"alg":"none"})") + "." + b64(payload) + ".";
    CHECK(error_of(verifier_of(hs, false).verify_compact(none)) == code(errc::empty_segment));
    const std::string none_signed = b64(R"({"alg":"none"})") + "." + b64(payload) + ".AA";
    CHECK(error_of(verifier_of(hs, false).verify_compact(none_signed)) == code(errc::unsecured_token));
    const std::string unknown = b64(R"({"alg":"HS999"})") + "." + b64(payload) + ".AA";
    CHECK(error_of(verifier_of(hs, false).verify_compact(unknown)) == code(errc::unsupported_algorithm));
    CHECK(error_of(jws::verifier::create({})) == code(errc::no_keys));
}

TEST_CASE("jws signing: header members that come from the key or from the options cannot be set by hand",
          "[jws][negative]") {
    auto key = rfc7797_key();
    const std::string payload = "p";
    for (const char* name : {"alg", "kid", "b64", "crit"}) {
        jws::signature_options o;
        o.protected_members[name] = "x";
        CHECK(error_of(jws::sign_compact(*key, bytes(payload), o)) == code(errc::reserved_header_member));
    }
    jws::signature_options typed;
    typed.protected_members["typ"] = 1;
    CHECK(error_of(jws::sign_compact(*key, bytes(payload), typed)) == code(errc::header_member_wrong_type));
    jws::signature_options unprotected;
    unprotected.unprotected_members["x"] = 1;
    CHECK(error_of(jws::sign_compact(*key, bytes(payload), unprotected)) == code(errc::invalid_argument));
    jws::signature_options with_typ;
    with_typ.protected_members["typ"] = "example+jws";
    const auto token = jws::sign_compact(*key, bytes(payload), with_typ).value();
    CHECK(token.substr(0, token.find('.')) == b64(R"({"alg":"HS256","typ":"example+jws"})"));
}
