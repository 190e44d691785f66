// SPDX-License-Identifier: MIT
// Tests for jot/builder.hpp: header members from the key, registered claims with their JSON types, deferred
// errors reported by sign() without exceptions, and the exact header and payload produced. Each test but the
// one about nlohmann::ordered_json runs against every JSON backend (JOT_BACKENDS).
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
#include "json_backends.hpp"

namespace {

using namespace std::chrono_literals;
template <class Json>
using clock_builder = jot::basic_builder<Json, jot::fixed_clock>;

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at(std::chrono::system_clock::duration since_epoch) {
    return {std::chrono::system_clock::time_point(since_epoch)};
}

const std::string secret(32, 's');
jot::hmac_key hs256(std::string kid = {}) {
    return jot::hmac_key::create(jot::algorithm::hs256, secret, std::move(kid)).value();
}

template <class Json>
jot::dangerous::basic_unverified_token<Json> decode(const std::string& token) {
    auto t = jot::dangerous::decode_unverified<Json>(token);
    REQUIRE(t.has_value());
    return std::move(*t);
}

std::string hex(const std::string& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
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

/// True for a JSON integer of either sign (nlohmann's is_number_integer()).
template <class Json>
bool is_integer(const Json& v) {
    const jot::json_kind k = jot::json_traits<Json>::kind(v);
    return k == jot::json_kind::number_integer || k == jot::json_kind::number_unsigned;
}

} // namespace

TEMPLATE_TEST_CASE("builder writes alg from the key, typ JWT by default, and a MAC that the key verifies",
                   "[builder][positive]", JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    const auto key = hs256();
    const std::string token = builder().subject("u1").sign(key).value();
    const auto t = decode<TestType>(token);
    REQUIRE(jot_test::to_nlohmann(t.header.json()) == nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}}));
    REQUIRE(jot_test::to_nlohmann(t.claims.json()) == nlohmann::json({{"sub", "u1"}}));
    const std::size_t dot = token.rfind('.');
    REQUIRE(key.verify(token.substr(0, dot), t.signature).has_value());

    const auto hs512 = jot::hmac_key::create(jot::algorithm::hs512, std::string(64, 'k')).value();
    const auto t512 = decode<TestType>(builder().sign(hs512).value());
    REQUIRE(t512.header.alg().value() == "HS512");
    REQUIRE(t512.signature.size() == 64);
    REQUIRE(jot_test::to_nlohmann(t512.claims.json()) == nlohmann::json::object());
}

TEMPLATE_TEST_CASE("builder writes the kid given to hmac_key::create into the header", "[builder][positive]",
                   JOT_BACKENDS) {
    const auto t = decode<TestType>(jot::basic_builder<TestType>().sign(hs256("key-2024-06")).value());
    REQUIRE(jot_test::to_nlohmann(t.header.json()) ==
            nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "key-2024-06"}}));
}

TEMPLATE_TEST_CASE("builder refuses alg or kid set by hand, reporting it from sign()", "[builder][negative]",
                   JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    for (const char* name : {"alg", "kid"}) {
        INFO(name);
        builder b;
        REQUIRE_NOTHROW(b.header_member(name, "HS512"));
        const auto r = b.sign(hs256("real"));
        REQUIRE_FALSE(r.has_value());
        REQUIRE(r.error() == jot::errc::reserved_header_member);
    }
    // Other members are fine and appear as given.
    const auto t = decode<TestType>(builder()
                                        .header_member("x5t", "abc")
                                        .header_member("ext", jot_test::to_backend<TestType>(nlohmann::json{{"n", 1}}))
                                        .sign(hs256())
                                        .value());
    REQUIRE(jot_test::to_nlohmann(t.header.json()) ==
            nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}, {"x5t", "abc"}, {"ext", {{"n", 1}}}}));
}

TEMPLATE_TEST_CASE("builder type() replaces the default typ", "[builder][positive]", JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    const auto t = decode<TestType>(builder().type("at+jwt").sign(hs256()).value());
    REQUIRE(jot_test::to_nlohmann(t.header.json()) == nlohmann::json({{"alg", "HS256"}, {"typ", "at+jwt"}}));
    const auto c = decode<TestType>(builder().content_type("JWT").sign(hs256()).value());
    REQUIRE(jot_test::to_nlohmann(c.header.json()) ==
            nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}, {"cty", "JWT"}}));
}

TEMPLATE_TEST_CASE("builder registered setters write strings, and aud as a string or an array",
                   "[builder][positive]", JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    const auto one = decode<TestType>(builder().issuer("https://iss.example").subject("u1").id("j-1").audience("api")
                                          .sign(hs256())
                                          .value());
    REQUIRE(jot_test::to_nlohmann(one.claims.json()) ==
            nlohmann::json({{"iss", "https://iss.example"}, {"sub", "u1"}, {"jti", "j-1"}, {"aud", "api"}}));
    const TestType* aud = one.claims.find("aud");
    REQUIRE(aud);
    REQUIRE(jot::json_traits<TestType>::kind(*aud) == jot::json_kind::string);

    const auto many = decode<TestType>(builder().audience({"api", "admin"}).sign(hs256()).value());
    REQUIRE(jot_test::to_nlohmann(many.claims.json()).at("aud") == nlohmann::json::array({"api", "admin"}));

    const auto vec = decode<TestType>(builder().audience(std::vector<std::string>{"only"}).sign(hs256()).value());
    REQUIRE(jot_test::to_nlohmann(vec.claims.json()).at("aud") == nlohmann::json::array({"only"}));
}

TEMPLATE_TEST_CASE("builder dates are integral seconds taken from its clock", "[builder][positive]", JOT_BACKENDS) {
    using traits = jot::json_traits<TestType>;
    // Half a second past now_s: issued_now() rounds down to the whole second.
    clock_builder<TestType> b(at(std::chrono::seconds(now_s) + 500ms));
    const auto t = decode<TestType>(b.issued_now().expires_in(15min).sign(hs256()).value());
    const TestType* iat = t.claims.find("iat");
    const TestType* exp = t.claims.find("exp");
    REQUIRE(iat);
    REQUIRE(exp);
    REQUIRE(is_integer(*iat));
    REQUIRE(is_integer(*exp));
    REQUIRE(traits::template to<std::int64_t>(*iat) == now_s);
    REQUIRE(traits::template to<std::int64_t>(*exp) == now_s + 900);

    const auto tp = std::chrono::system_clock::time_point(std::chrono::seconds(now_s + 60));
    const auto n = decode<TestType>(
        clock_builder<TestType>(at(0s)).not_before(tp).expires_at(tp + 1h).issued_at(tp).sign(hs256()).value());
    REQUIRE(jot_test::to_nlohmann(n.claims.json()) ==
            nlohmann::json({{"nbf", now_s + 60}, {"exp", now_s + 3660}, {"iat", now_s + 60}}));
    REQUIRE(payload_text(clock_builder<TestType>(at(0s)).expires_at(tp).sign(hs256()).value()) ==
            "{\"exp\":" + std::to_string(now_s + 60) + "}");
}

TEMPLATE_TEST_CASE("builder refuses a registered claim of the wrong type via claim()", "[builder][negative]",
                   JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    struct row {
        const char* name;
        nlohmann::json value;
    };
    for (const auto& r : {row{"exp", "tomorrow"}, row{"nbf", true}, row{"iat", -1}, row{"iss", 42},
                          row{"sub", nullptr}, row{"aud", nlohmann::json::array({"a", 1})}, row{"jti", {{"x", 1}}}}) {
        INFO(r.name << " = " << r.value.dump());
        builder b;
        REQUIRE_NOTHROW(b.claim(r.name, jot_test::to_backend<TestType>(r.value)));
        const auto s = b.sign(hs256());
        REQUIRE_FALSE(s.has_value());
        // A negative NumericDate has the right type but is out of range; both are unserialisable claims.
        REQUIRE(s.error() == jot::errc::claim_not_serializable);
    }
    // The right types through claim() are accepted.
    const auto ok = builder()
                        .claim("exp", now_s)
                        .claim("aud", jot_test::to_backend<TestType>(nlohmann::json::array({"a"})))
                        .sign(hs256());
    REQUIRE(ok.has_value());
}

TEMPLATE_TEST_CASE("builder reports the first deferred problem", "[builder][negative]", JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    const auto r = builder().header_member("kid", "x").claim("exp", "tomorrow").sign(hs256());
    REQUIRE(r.error() == jot::errc::reserved_header_member);
    const auto s = builder().claim("exp", "tomorrow").header_member("alg", "none").sign(hs256());
    REQUIRE(s.error() == jot::errc::claim_not_serializable);
}

TEMPLATE_TEST_CASE("builder reports strings that are not UTF-8 as invalid_utf8 without throwing",
                   "[builder][negative]", JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    using traits = jot::json_traits<TestType>;
    const std::string overlong = "\xC0\xAF";          // overlong '/'
    const std::string surrogate = "ab\xED\xA0\x80";   // UTF-16 surrogate encoded as UTF-8
    const std::string truncated = "caf\xC3";          // cut inside a two-byte sequence
    for (const std::string& bad : {overlong, surrogate, truncated}) {
        INFO("bytes " << hex(bad));
        // {"list": ["ok", bad]}, built through the adaptor: a literal would go through nlohmann's dump(),
        // which throws for the bytes under test.
        TestType list = traits::make_array();
        traits::push_back(list, traits::make_string("ok"));
        traits::push_back(list, traits::make_string(bad));
        TestType deep = traits::make_object();
        traits::set_member(deep, "list", std::move(list));

        jot::result<std::string> r = jot::errc::crypto_failure;
        REQUIRE_NOTHROW(r = builder().claim("name", jot_test::json_string<TestType>(bad)).sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = builder().claim(bad, "value").sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = builder().issuer(bad).sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = builder().claim("deep", deep).sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = builder().header_member("x-name", jot_test::json_string<TestType>(bad)).sign(hs256()));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
        REQUIRE_NOTHROW(r = builder().sign(hs256(bad)));
        REQUIRE(r.error() == jot::errc::invalid_utf8);
    }
    // Well-formed multi-byte text goes through unchanged.
    const auto t = decode<TestType>(
        builder().claim("name", "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80").sign(hs256()).value());
    REQUIRE(t.claims.template get<std::string>("name").value() == "caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80");
}

TEMPLATE_TEST_CASE("builder nested custom claims round trip exactly", "[builder][positive]", JOT_BACKENDS) {
    const nlohmann::json ctx = {
        {"roles", {"reader", "writer"}},
        {"limits", {{"rate", 2.5}, {"burst", 10}, {"unbounded", nullptr}}},
        {"flags", {{"beta", true}, {"tiers", {{{"n", 1}}, {{"n", -2}}}}}},
        {"empty", nlohmann::json::object()},
    };
    const TestType backend_ctx = jot_test::to_backend<TestType>(ctx);
    const auto t = decode<TestType>(
        jot::basic_builder<TestType>().claim("ctx", backend_ctx).claim("n", 18446744073709551615ull).sign(hs256())
            .value());
    const TestType* got = t.claims.find("ctx");
    REQUIRE(got);
    REQUIRE(*got == backend_ctx);
    REQUIRE(jot_test::to_nlohmann(*got) == ctx);
    REQUIRE(t.claims.template get<std::uint64_t>("n").value() == 18446744073709551615ull);
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

TEMPLATE_TEST_CASE("builder refuses infinite and NaN numbers instead of writing them as null",
                   "[builder][negative]", JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    using traits = jot::json_traits<TestType>;
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 's')).value();
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // {"deep": [1.0, nan]}, built through the adaptor: nlohmann's dump() would write the NaN as null.
    TestType list = traits::make_array();
    traits::push_back(list, traits::make_double(1.0));
    traits::push_back(list, traits::make_double(nan));
    TestType deep = traits::make_object();
    traits::set_member(deep, "deep", std::move(list));
    REQUIRE(builder().claim("x", inf).sign(key).error() == jot::errc::number_not_finite);
    REQUIRE(builder().claim("x", deep).sign(key).error() == jot::errc::number_not_finite);
    REQUIRE(builder().header_member("x", -inf).sign(key).error() == jot::errc::number_not_finite);
    REQUIRE(builder().claim("x", 1.5).sign(key).has_value());
}

TEMPLATE_TEST_CASE("builder refuses a registered header member of the wrong type, as the verifier would",
                   "[builder][negative]", JOT_BACKENDS) {
    using builder = jot::basic_builder<TestType>;
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 's')).value();
    using jot::errc;
    CHECK(builder().header_member("x5c", "QUJD").sign(key).error() == errc::header_member_wrong_type);
    CHECK(builder()
              .header_member("x5c", jot_test::to_backend<TestType>(nlohmann::json::array({"QU-D"})))
              .sign(key)
              .error() ==
          errc::header_member_wrong_type);
    CHECK(builder().header_member("jwk", "k").sign(key).error() == errc::header_member_wrong_type);
    CHECK(builder().header_member("typ", 1).sign(key).error() == errc::header_member_wrong_type);
    CHECK(builder().header_member("cty", nullptr).sign(key).error() == errc::header_member_wrong_type);
    // The right types are written, and a verifier reads them back without complaint.
    const auto token = builder()
                           .header_member("x5c", jot_test::to_backend<TestType>(nlohmann::json::array({"QUJD"})))
                           .header_member("jwk", jot_test::to_backend<TestType>(nlohmann::json{{"kty", "oct"}}))
                           .expires_in(std::chrono::minutes(1))
                           .sign(key);
    REQUIRE(token.has_value());
    CHECK(jot::basic_verifier_builder<TestType>().key(key).build().value().verify(*token).has_value());
}
