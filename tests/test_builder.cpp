// SPDX-License-Identifier: MIT
// Tests for jot/builder.hpp: header members from the key, registered claims with their JSON types, deferred
// errors reported by sign() without exceptions, and the exact header and payload produced.
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/verifier.hpp>
#include <jot/clock.hpp>
#include <jot/dangerous.hpp>
#include <jot/error.hpp>
#include <jot/hmac_key.hpp>

#include "catch.hpp"

namespace {

using namespace std::chrono_literals;
using clock_builder = jot::basic_builder<nlohmann::json, jot::fixed_clock>;

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at(std::chrono::system_clock::duration since_epoch) {
    return {std::chrono::system_clock::time_point(since_epoch)};
}

const std::string secret(32, 's');
jot::hmac_key hs256(std::string kid = {}) {
    return jot::hmac_key::create(jot::algorithm::hs256, secret, std::move(kid)).value();
}

jot::dangerous::unverified_token decode(const std::string& token) {
    auto t = jot::dangerous::decode_unverified(token);
    REQUIRE(t.has_value());
    return std::move(*t);
}

std::string hex(const std::string& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

/// The payload segment's exact text.
std::string payload_text(const std::string& token) {
    const std::size_t a = token.find('.'), b = token.rfind('.');
    return jot::base64url::decode(token.substr(a + 1, b - a - 1)).value();
}

} // namespace

TEST_CASE("builder writes alg from the key, typ JWT by default, and a MAC that the key verifies",
          "[builder][positive]") {
    const auto key = hs256();
    const std::string token = jot::builder().subject("u1").sign(key).value();
    const auto t = decode(token);
    REQUIRE(t.header.json() == nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}}));
    REQUIRE(t.claims.json() == nlohmann::json({{"sub", "u1"}}));
    const std::size_t dot = token.rfind('.');
    REQUIRE(key.verify(token.substr(0, dot), t.signature).has_value());

    const auto hs512 = jot::hmac_key::create(jot::algorithm::hs512, std::string(64, 'k')).value();
    const auto t512 = decode(jot::builder().sign(hs512).value());
    REQUIRE(t512.header.alg().value() == "HS512");
    REQUIRE(t512.signature.size() == 64);
    REQUIRE(t512.claims.json() == nlohmann::json::object());
}

TEST_CASE("builder writes the kid given to hmac_key::create into the header", "[builder][positive]") {
    const auto t = decode(jot::builder().sign(hs256("key-2024-06")).value());
    REQUIRE(t.header.json() == nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "key-2024-06"}}));
}

TEST_CASE("builder refuses alg or kid set by hand, reporting it from sign()", "[builder][negative]") {
    for (const char* name : {"alg", "kid"}) {
        INFO(name);
        jot::builder b;
        REQUIRE_NOTHROW(b.header_member(name, "HS512"));
        const auto r = b.sign(hs256("real"));
        REQUIRE_FALSE(r.has_value());
        REQUIRE(r.error() == jot::errc::reserved_header_member);
    }
    // Other members are fine and appear as given.
    const auto t = decode(jot::builder().header_member("x5t", "abc").header_member("ext", {{"n", 1}}).sign(hs256()).value());
    REQUIRE(t.header.json() ==
            nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}, {"x5t", "abc"}, {"ext", {{"n", 1}}}}));
}

TEST_CASE("builder type() replaces the default typ", "[builder][positive]") {
    const auto t = decode(jot::builder().type("at+jwt").sign(hs256()).value());
    REQUIRE(t.header.json() == nlohmann::json({{"alg", "HS256"}, {"typ", "at+jwt"}}));
    const auto c = decode(jot::builder().content_type("JWT").sign(hs256()).value());
    REQUIRE(c.header.json() == nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}, {"cty", "JWT"}}));
}

TEST_CASE("builder registered setters write strings, and aud as a string or an array", "[builder][positive]") {
    const auto one = decode(jot::builder().issuer("https://iss.example").subject("u1").id("j-1").audience("api")
                                .sign(hs256())
                                .value());
    REQUIRE(one.claims.json() ==
            nlohmann::json({{"iss", "https://iss.example"}, {"sub", "u1"}, {"jti", "j-1"}, {"aud", "api"}}));
    REQUIRE(one.claims.json().at("aud").is_string());

    const auto many = decode(jot::builder().audience({"api", "admin"}).sign(hs256()).value());
    REQUIRE(many.claims.json().at("aud") == nlohmann::json::array({"api", "admin"}));

    const auto vec = decode(jot::builder().audience(std::vector<std::string>{"only"}).sign(hs256()).value());
    REQUIRE(vec.claims.json().at("aud") == nlohmann::json::array({"only"}));
}

TEST_CASE("builder dates are integral seconds taken from its clock", "[builder][positive]") {
    // Half a second past now_s: issued_now() rounds down to the whole second.
    clock_builder b(at(std::chrono::seconds(now_s) + 500ms));
    const auto t = decode(b.issued_now().expires_in(15min).sign(hs256()).value());
    const auto& iat = t.claims.json().at("iat");
    const auto& exp = t.claims.json().at("exp");
    REQUIRE(iat.is_number_integer());
    REQUIRE(exp.is_number_integer());
    REQUIRE(iat.get<std::int64_t>() == now_s);
    REQUIRE(exp.get<std::int64_t>() == now_s + 900);

    const auto tp = std::chrono::system_clock::time_point(std::chrono::seconds(now_s + 60));
    const auto n = decode(clock_builder(at(0s)).not_before(tp).expires_at(tp + 1h).issued_at(tp).sign(hs256()).value());
    REQUIRE(n.claims.json() == nlohmann::json({{"nbf", now_s + 60}, {"exp", now_s + 3660}, {"iat", now_s + 60}}));
    REQUIRE(payload_text(clock_builder(at(0s)).expires_at(tp).sign(hs256()).value()) ==
            "{\"exp\":" + std::to_string(now_s + 60) + "}");
}

TEST_CASE("builder refuses a registered claim of the wrong type via claim()", "[builder][negative]") {
    struct row {
        const char* name;
        nlohmann::json value;
    };
    for (const auto& r : {row{"exp", "tomorrow"}, row{"nbf", true}, row{"iat", -1}, row{"iss", 42},
                          row{"sub", nullptr}, row{"aud", nlohmann::json::array({"a", 1})}, row{"jti", {{"x", 1}}}}) {
        INFO(r.name << " = " << r.value.dump());
        jot::builder b;
        REQUIRE_NOTHROW(b.claim(r.name, r.value));
        const auto s = b.sign(hs256());
        REQUIRE_FALSE(s.has_value());
        // A negative NumericDate has the right type but is out of range; both are unserialisable claims.
        REQUIRE(s.error() == jot::errc::claim_not_serializable);
    }
    // The right types through claim() are accepted.
    const auto ok = jot::builder().claim("exp", now_s).claim("aud", nlohmann::json::array({"a"})).sign(hs256());
    REQUIRE(ok.has_value());
}

TEST_CASE("builder reports the first deferred problem", "[builder][negative]") {
    const auto r = jot::builder().header_member("kid", "x").claim("exp", "tomorrow").sign(hs256());
    REQUIRE(r.error() == jot::errc::reserved_header_member);
    const auto s = jot::builder().claim("exp", "tomorrow").header_member("alg", "none").sign(hs256());
    REQUIRE(s.error() == jot::errc::claim_not_serializable);
}

TEST_CASE("builder reports strings that are not UTF-8 as invalid_utf8 without throwing", "[builder][negative]") {
    const std::string overlong = "\xC0\xAF";          // overlong '/'
    const std::string surrogate = "ab\xED\xA0\x80";   // UTF-16 surrogate encoded as UTF-8
    const std::string truncated = "caf\xC3";          // cut inside a two-byte sequence
    for (const std::string& bad : {overlong, surrogate, truncated}) {
        INFO("bytes " << hex(bad));
        jot::result<std::string> r = jot::errc::crypto_failure;
        REQUIRE_NOTHROW(r = jot::builder().claim("name", bad).sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = jot::builder().claim(bad, "value").sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = jot::builder().issuer(bad).sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = jot::builder().claim("deep", {{"list", {"ok", bad}}}).sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = jot::builder().header_member("x-name", bad).sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = jot::builder().sign(hs256(bad)));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
    }
    // Well-formed multi-byte text goes through unchanged.
    const auto t = decode(jot::builder().claim("name", "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80").sign(hs256()).value());
    REQUIRE(t.claims.get<std::string>("name").value() == "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80");
}

TEST_CASE("builder nested custom claims round trip exactly", "[builder][positive]") {
    const nlohmann::json ctx = {
        {"roles", {"reader", "writer"}},
        {"limits", {{"rate", 2.5}, {"burst", 10}, {"unbounded", nullptr}}},
        {"flags", {{"beta", true}, {"tiers", {{{"n", 1}}, {{"n", -2}}}}}},
        {"empty", nlohmann::json::object()},
    };
    const auto t = decode(jot::builder().claim("ctx", ctx).claim("n", 18446744073709551615ull).sign(hs256()).value());
    REQUIRE(t.claims.json().at("ctx") == ctx);
    REQUIRE(t.claims.get<std::uint64_t>("n").value() == 18446744073709551615ull);
}

TEST_CASE("builder over ordered_json keeps member order in header and payload", "[builder][positive]") {
    using ordered_builder = jot::basic_builder<nlohmann::ordered_json>;
    const std::string token = ordered_builder()
                                  .claim("zeta", 1)
                                  .claim("alpha", 2)
                                  .subject("mid")
                                  .claim("beta", nlohmann::ordered_json({{"z", 1}, {"a", 2}}))
                                  .header_member("zz", "last")
                                  .sign(hs256("k"))
                                  .value();
    REQUIRE(payload_text(token) == R"({"zeta":1,"alpha":2,"sub":"mid","beta":{"z":1,"a":2}})");
    const auto t = jot::dangerous::decode_unverified<nlohmann::ordered_json>(token);
    REQUIRE(t.has_value());
    std::vector<std::string> names;
    for (auto it = t->header.json().begin(); it != t->header.json().end(); ++it) names.push_back(it.key());
    REQUIRE(names == std::vector<std::string>{"alg", "kid", "typ", "zz"});
}

TEST_CASE("builder refuses infinite and NaN numbers instead of writing them as null", "[builder][negative]") {
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 's')).value();
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    REQUIRE(jot::builder().claim("x", inf).sign(key).error() == jot::errc::number_not_finite);
    REQUIRE(jot::builder().claim("x", nlohmann::json{{"deep", {1.0, nan}}}).sign(key).error() ==
            jot::errc::number_not_finite);
    REQUIRE(jot::builder().header_member("x", -inf).sign(key).error() == jot::errc::number_not_finite);
    REQUIRE(jot::builder().claim("x", 1.5).sign(key).has_value());
}

TEST_CASE("builder refuses a registered header member of the wrong type, as the verifier would",
          "[builder][negative]") {
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 's')).value();
    using jot::errc;
    CHECK(jot::builder().header_member("x5c", "QUJD").sign(key).error() == errc::header_member_wrong_type);
    CHECK(jot::builder().header_member("x5c", nlohmann::json::array({"QU-D"})).sign(key).error() ==
          errc::header_member_wrong_type);
    CHECK(jot::builder().header_member("jwk", "k").sign(key).error() == errc::header_member_wrong_type);
    CHECK(jot::builder().header_member("typ", 1).sign(key).error() == errc::header_member_wrong_type);
    CHECK(jot::builder().header_member("cty", nullptr).sign(key).error() == errc::header_member_wrong_type);
    // The right types are written, and a verifier reads them back without complaint.
    const auto token = jot::builder()
                           .header_member("x5c", nlohmann::json::array({"QUJD"}))
                           .header_member("jwk", {{"kty", "oct"}})
                           .expires_in(std::chrono::minutes(1))
                           .sign(key);
    REQUIRE(token.has_value());
    CHECK(jot::verifier_builder().key(key).build().value().verify(*token).has_value());
}
