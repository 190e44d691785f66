// SPDX-License-Identifier: MIT
// The JSON backend extension point (json_traits.hpp): claims, headers, the builder, the verifier and JWKs, each
// run against nlohmann::json and Boost.JSON, and the two backends held to one strict parser and one writer.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/json.hpp>
#include <nlohmann/json.hpp>

#include <jot/json/boost.hpp>
#include <jot/jot.hpp>

#include "catch.hpp"
#include "json_backends.hpp"
#include "test_support.hpp"

using jot::errc;
using jot_test::code;
using jot_test::error_of;

namespace {

template <class Json>
Json parse(std::string_view text) {
    return jot_test::parse_as<Json>(text);
}
template <class Json>
nlohmann::json as_nlohmann(const Json& v) {
    return jot_test::to_nlohmann(v);
}

template <class Json>
using verifier_builder_at = jot::basic_verifier_builder<Json, jot::fixed_clock>;
template <class Json>
using builder_at = jot::basic_builder<Json, jot::fixed_clock>;

constexpr std::int64_t now_s = 1800000000;
jot::fixed_clock at_now() { return {std::chrono::system_clock::time_point(std::chrono::seconds(now_s))}; }

jot::hmac_key test_key() {
    return jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 'k'), "k1").value();
}

} // namespace

// A caller's own claim type, converted by each backend's own mechanism: nlohmann's from_json, Boost's value_to.
namespace tenant_ns {
struct tenant {
    std::string id;
    int level = 0;
};
void from_json(const nlohmann::json& j, tenant& t) {
    t.id = j.at("id").get<std::string>();
    t.level = j.at("level").get<int>();
}
tenant tag_invoke(boost::json::value_to_tag<tenant>, const boost::json::value& v) {
    const boost::json::object& o = v.as_object(); // throws for a non-object, which jot must catch
    return tenant{std::string(o.at("id").as_string()), static_cast<int>(o.at("level").as_int64())};
}
} // namespace tenant_ns

TEMPLATE_TEST_CASE("json backend: the adaptor concept is met", "[json_backend]", JOT_BACKENDS) {
    using traits = jot::json_traits<TestType>;
    STATIC_REQUIRE(jot::detail::is_json_backend<TestType>::value);
    STATIC_REQUIRE(traits::text_reads);
    STATIC_REQUIRE_FALSE(jot::detail::is_json_backend<std::string>::value);
    const TestType v = parse<TestType>(R"({"s":"x","u":18446744073709551615,"i":-3,"d":0.5,"b":true,"n":null,
                                          "a":[1,"two"],"o":{}})");
    CHECK(traits::kind(v) == jot::json_kind::object);
    CHECK(traits::size(v) == 8);
    CHECK(traits::as_string(*traits::find(v, "s")) == "x");
    CHECK(traits::kind(*traits::find(v, "u")) == jot::json_kind::number_unsigned);
    CHECK(traits::as_unsigned(*traits::find(v, "u")) == std::numeric_limits<std::uint64_t>::max());
    CHECK(traits::as_integer(*traits::find(v, "i")) == -3);
    CHECK(traits::as_double(*traits::find(v, "d")) == 0.5);
    CHECK(traits::as_bool(*traits::find(v, "b")));
    CHECK(traits::kind(*traits::find(v, "n")) == jot::json_kind::null);
    CHECK(traits::size(*traits::find(v, "a")) == 2);
    CHECK(traits::as_string(traits::at(*traits::find(v, "a"), 1)) == "two");
    CHECK(traits::find(v, "missing") == nullptr);
    CHECK(traits::find(*traits::find(v, "s"), "x") == nullptr); // not an object
    std::size_t members = 0;
    CHECK(traits::for_each_member(v, [&](std::string_view, const TestType&) { return ++members < 3; }) == false);
    CHECK(members == 3);

    TestType o = traits::make_object();
    traits::set_member(o, "a", traits::make_integer(1));
    traits::set_member(o, "a", traits::make_string("replaced"));
    CHECK(traits::size(o) == 1);
    CHECK(traits::as_string(*traits::find(o, "a")) == "replaced");
    CHECK(traits::erase_member(o, "a"));
    CHECK_FALSE(traits::erase_member(o, "a"));
    // JSON equality (expect_claim): numbers by value whatever their kinds, objects whatever their member order.
    CHECK(traits::equal(traits::make_unsigned(7), traits::make_integer(7)));
    CHECK(traits::equal(traits::make_double(7.0), traits::make_integer(7)));
    CHECK(traits::equal(traits::make_unsigned(7), traits::make_double(7.0)));
    CHECK_FALSE(traits::equal(traits::make_double(7.5), traits::make_integer(7)));
    CHECK_FALSE(traits::equal(traits::make_integer(-1), traits::make_unsigned(18446744073709551615u)));
    CHECK_FALSE(traits::equal(traits::make_string("7"), traits::make_integer(7)));
    CHECK(traits::equal(parse<TestType>(R"({"a":[1,{"b":null}],"c":true})"),
                        parse<TestType>(R"({"c":true,"a":[1.0,{"b":null}]})")));
    CHECK_FALSE(traits::equal(parse<TestType>(R"({"a":[1,2]})"), parse<TestType>(R"({"a":[2,1]})")));
    CHECK_FALSE(traits::equal(parse<TestType>(R"({"a":1})"), parse<TestType>(R"({"a":1,"b":1})")));
    CHECK_FALSE(traits::equal(parse<TestType>(R"({"a":1,"b":1})"), parse<TestType>(R"({"a":1})")));
}

TEMPLATE_TEST_CASE("json backend: claims read the same from a DOM", "[json_backend][claims]", JOT_BACKENDS) {
    auto c = jot::basic_claims<TestType>::from_json(parse<TestType>(R"({
        "iss":"https://issuer.example","sub":"user-1","jti":"id-1","aud":["api","web"],
        "exp":1800000300,"nbf":1799999990.25,"iat":1800000000,"scope":"read write","n":42,"neg":-5,"big":300,
        "pi":3.5,"flag":false,"list":["a","b"],"mixed":["a",1],"esc":"a\"b\u00e9",
        "tenant":{"id":"t-9","level":3},"bad_tenant":[1,2]})"));
    REQUIRE(c);
    CHECK(*c->issuer() == "https://issuer.example");
    CHECK(*c->subject() == "user-1");
    CHECK(*c->id() == "id-1");
    CHECK(*c->audience() == std::vector<std::string_view>{"api", "web"});
    CHECK(c->expires_at()->time_since_epoch() == std::chrono::seconds(1800000300));
    CHECK(c->not_before()->time_since_epoch() == std::chrono::microseconds(1799999990250000));
    CHECK(*c->template get<int>("n") == 42);
    CHECK(*c->template get<std::uint64_t>("n") == 42u);
    CHECK(*c->template get<int>("neg") == -5);
    CHECK(error_of(c->template get<unsigned>("neg")) == code(errc::claim_wrong_type)); // never wrapped
    CHECK(error_of(c->template get<std::int8_t>("big")) == code(errc::claim_wrong_type)); // never truncated
    CHECK(*c->template get<double>("pi") == 3.5);
    CHECK(*c->template get<double>("n") == 42.0);
    CHECK(*c->template get<bool>("flag") == false);
    CHECK(*c->template get<std::string>("esc") == "a\"b\xc3\xa9");
    CHECK(*c->template get<std::string_view>("esc") == "a\"b\xc3\xa9");
    CHECK(*c->template get<std::vector<std::string>>("list") == std::vector<std::string>{"a", "b"});
    CHECK(error_of(c->template get<std::vector<std::string>>("mixed")) == code(errc::claim_wrong_type));
    CHECK(error_of(c->template get<std::string>("n")) == code(errc::claim_wrong_type));
    CHECK(error_of(c->template get<std::string>("absent")) == code(errc::claim_missing));
    CHECK(c->contains("flag"));
    CHECK_FALSE(c->contains("absent"));

    auto t = c->template get<tenant_ns::tenant>("tenant");
    REQUIRE(t);
    CHECK(t->id == "t-9");
    CHECK(t->level == 3);
    // The backend's conversion throws for an array; jot reports the wrong type instead of letting it escape.
    CHECK(error_of(c->template get<tenant_ns::tenant>("bad_tenant")) == code(errc::claim_wrong_type));
    CHECK(c->check_registered_types());

    jot::basic_claims<TestType> edited = *c;
    edited.set("iat", jot::json_traits<TestType>::make_string("yesterday"));
    CHECK(error_of(edited.check_registered_types()) == code(errc::claim_wrong_type));
    CHECK(edited.erase("iat"));
    CHECK_FALSE(edited.erase("iat"));
    CHECK(edited.check_registered_types());
    edited.set("exp", jot::json_traits<TestType>::make_integer(-1));
    CHECK(error_of(edited.check_registered_types()) == code(errc::numeric_date_out_of_range));

    CHECK(error_of(jot::basic_claims<TestType>::from_json(parse<TestType>("[1]"))) == code(errc::json_not_object));
    auto one = jot::basic_claims<TestType>::from_json(parse<TestType>(R"({"aud":"solo"})"));
    CHECK(*one->audience() == std::vector<std::string_view>{"solo"});
    auto bad = jot::basic_claims<TestType>::from_json(parse<TestType>(R"({"aud":["a",2]})"));
    CHECK(error_of(bad->audience()) == code(errc::claim_wrong_type));
}

TEMPLATE_TEST_CASE("json backend: header members and their registered types", "[json_backend][header]", JOT_BACKENDS) {
    using header = jot::basic_header<TestType>;
    auto h = header::from_json(parse<TestType>(R"({"alg":"ES256","typ":"at+jwt","kid":"k-7","cty":"JWT",
                                                    "crit":["exp-x"],"exp-x":1})"));
    REQUIRE(h);
    CHECK(*h->alg() == "ES256");
    CHECK(*h->type() == "at+jwt");
    CHECK(*h->key_id() == "k-7");
    CHECK(*h->content_type() == "JWT");
    CHECK(*h->critical() == std::vector<std::string_view>{"exp-x"});
    CHECK(*h->template get<int>("exp-x") == 1);
    CHECK(error_of(h->template get<int>("nope")) == code(errc::header_member_missing));
    CHECK(error_of(h->template get<std::string>("exp-x")) == code(errc::header_invalid_member));
    CHECK(h->check_registered_types());

    auto no_alg = header::from_json(parse<TestType>(R"({"typ":"JWT"})"));
    CHECK(error_of(no_alg->check_registered_types()) == code(errc::header_missing_alg));
    for (const char* text : {R"({"alg":1})", R"({"alg":"HS256","kid":5})", R"({"alg":"HS256","jwk":"x"})",
                             R"({"alg":"HS256","x5c":[]})", R"({"alg":"HS256","x5c":["not base64!"]})"}) {
        CAPTURE(text);
        auto bad = header::from_json(parse<TestType>(text));
        CHECK(error_of(bad->check_registered_types()) == code(errc::header_invalid_member));
    }
    auto crit = header::from_json(parse<TestType>(R"({"alg":"HS256","crit":"exp-x"})"));
    CHECK(error_of(crit->critical()) == code(errc::header_invalid_member));
    header made;
    made.set("alg", jot::json_traits<TestType>::make_string("HS256"));
    CHECK(made.check_registered_types());
}

TEMPLATE_TEST_CASE("json backend: the builder signs what either backend verifies", "[json_backend][builder]",
                   JOT_BACKENDS) {
    using traits = jot::json_traits<TestType>;
    const jot::hmac_key key = test_key();
    builder_at<TestType> b(at_now());
    b.issuer("iss-1")
        .subject("sub-1")
        .audience({"api", "web"})
        .id("jti-1")
        .issued_now()
        .expires_in(std::chrono::minutes(5))
        .not_before(std::chrono::system_clock::time_point(std::chrono::microseconds(1799999999500000)))
        .claim("scope", traits::make_string("read write"))
        .claim("obj", parse<TestType>(R"({"z":[1,-2,3.25,true,null],"a":"\u00e9\n"})"))
        .type("at+jwt")
        .header_member("x-h", traits::make_integer(9));
    const std::string token = b.sign(key).value();

    // Both backends verify it and read the same claims.
    auto check_with = [&](auto backend_tag) {
        using Json = decltype(backend_tag);
        auto v = verifier_builder_at<Json>().clock(at_now())
                     .key(key)
                     .expect_issuer("iss-1")
                     .expect_audience("web")
                     .expect_type("at+jwt")
                     .build()
                     .value();
        auto t = v.verify(token);
        REQUIRE(t);
        CHECK(*t->claims().subject() == "sub-1");
        CHECK(*t->claims().template get<double>("nbf") == 1799999999.5);
        CHECK(*t->header().template get<int>("x-h") == 9);
        CHECK(*t->header().key_id() == "k1");
        return as_nlohmann(t->claims().json());
    };
    const nlohmann::json via_nlohmann = check_with(nlohmann::json());
    const nlohmann::json via_boost = check_with(boost::json::value());
    CHECK(via_nlohmann == via_boost);
    CHECK(via_nlohmann == as_nlohmann(b.claims().json()));
    CHECK(via_nlohmann["obj"]["z"][2] == 3.25);
    CHECK(via_nlohmann["obj"]["a"] == "\xc3\xa9\n");

    // Setter problems are reported by sign(), with the same codes for both backends.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(error_of(builder_at<TestType>(at_now()).claim("exp", traits::make_string("soon")).sign(key)) ==
          code(errc::claim_not_serializable));
    CHECK(error_of(builder_at<TestType>(at_now()).claim("x", parse<TestType>("{\"a\":[1]}")).claim("y", traits::make_double(nan)).sign(key)) ==
          code(errc::number_not_finite));
    CHECK(error_of(builder_at<TestType>(at_now()).header_member("kid", traits::make_string("k")).sign(key)) ==
          code(errc::reserved_header_member));
    CHECK(error_of(builder_at<TestType>(at_now()).header_member("jwk", traits::make_string("k")).sign(key)) ==
          code(errc::header_member_wrong_type));
    CHECK(error_of(builder_at<TestType>(at_now()).claim("s", traits::make_string("\xff")).sign(key)) ==
          code(errc::invalid_utf8));

    // The header starts {"alg","kid","typ"} whatever the backend's member order.
    const std::string plain = builder_at<TestType>(at_now()).subject("s").sign(key).value();
    CHECK(jot_test::unb64(jot_test::split(plain)[0]) == R"({"alg":"HS256","kid":"k1","typ":"JWT"})");
    const std::string more =
        builder_at<TestType>(at_now()).subject("s").header_member("a-first", traits::make_bool(true)).sign(key).value();
    const std::string more_header = jot_test::unb64(jot_test::split(more)[0]);
    // Then the hand-set members, in the backend's order: nlohmann::json sorts, Boost.JSON keeps insertion order.
    CHECK(more_header == (std::is_same<TestType, nlohmann::json>::value
                              ? R"({"a-first":true,"alg":"HS256","kid":"k1","typ":"JWT"})"
                              : R"({"alg":"HS256","kid":"k1","typ":"JWT","a-first":true})"));
}

TEMPLATE_TEST_CASE("json backend: the verifier's checks and claim reads", "[json_backend][verifier]", JOT_BACKENDS) {
    using traits = jot::json_traits<TestType>;
    const jot::hmac_key key = test_key();
    const std::string token = builder_at<TestType>(at_now())
                                  .issuer("iss-1")
                                  .audience("api")
                                  .expires_in(std::chrono::minutes(1))
                                  .claim("scope", traits::make_string("read write"))
                                  .claim("tier", traits::make_integer(2))
                                  .claim("tenant", parse<TestType>(R"({"id":"t-1","level":4})"))
                                  .sign(key)
                                  .value();
    auto make = [&](jot::fixed_clock clock) {
        return verifier_builder_at<TestType>().clock(clock)
            .key(key)
            .expect_issuer("iss-1")
            .expect_audience("api")
            .expect_claim("tier", traits::make_unsigned(2)) // JSON equality: 2 however it is stored
            .require_claim("scope")
            .cache(16);
    };
    auto v = make(at_now()).build().value();
    for (int round = 0; round < 2; ++round) { // the second is a cache hit
        CAPTURE(round);
        auto t = v.verify(token);
        REQUIRE(t);
        CHECK(*t->claims().issuer() == "iss-1");
        CHECK(*t->claims().template get<int>("tier") == 2);
        CHECK(jot::require_scopes(t->claims(), {"read"}));
        CHECK(error_of(jot::require_scopes(t->claims(), {"admin"})) == code(errc::insufficient_scope));
        CHECK(t->claims().template get<tenant_ns::tenant>("tenant")->level == 4);
        CHECK(traits::size(t->claims().json()) == 6);
    }

    auto later = make(jot::fixed_clock{at_now().at + std::chrono::minutes(2)}).build().value();
    CHECK(error_of(later.verify(token)) == code(errc::token_expired));
    auto other_tier = verifier_builder_at<TestType>().clock(at_now())
                          .key(key)
                          .expect_issuer("iss-1")
                          .expect_audience("api")
                          .expect_claim("tier", traits::make_string("2"))
                          .build()
                          .value();
    CHECK(error_of(other_tier.verify(token)) == code(errc::claim_mismatch));
    auto other_aud = verifier_builder_at<TestType>().clock(at_now()).key(key).expect_issuer("iss-1").expect_audience("web").build().value();
    CHECK(error_of(other_aud.verify(token)) == code(errc::audience_mismatch));
    std::string forged = token;
    forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
    CHECK(error_of(v.verify(forged)) == code(errc::signature_invalid));

    // RFC 7515 A.1, whose header and payload carry CRLF and spaces, at a time before its "exp".
    const nlohmann::json a1 = jot_test::read_json("rfc/rfc7515_A1_hs256.json");
    auto a1_key = jot::hmac_key_from_jwk(parse<TestType>(a1["jwk"].dump()), jot::algorithm::hs256).value();
    auto a1_verifier = verifier_builder_at<TestType>()
                           .clock(jot::fixed_clock{std::chrono::system_clock::time_point(std::chrono::seconds(1300819379))})
                           .key(a1_key)
                           .expect_type("JWT")
                           .build()
                           .value();
    auto a1_token = a1_verifier.verify(a1["compact"].template get<std::string>());
    REQUIRE(a1_token);
    CHECK(*a1_token->claims().issuer() == "joe");
    CHECK(*a1_token->claims().template get<bool>("http://example.com/is_root"));

    // A token whose payload the strict parser refuses, for both backends alike.
    const std::string dup = jot::sign_compact(R"({"alg":"HS256"})", jot_test::bytes(R"({"iss":"a","iss":"b"})"), key).value();
    CHECK(error_of(v.verify(dup)) == code(errc::json_duplicate_member));
}

TEMPLATE_TEST_CASE("json backend: JWK import, export and thumbprints", "[json_backend][jwk]", JOT_BACKENDS) {
    const nlohmann::json rfc7638 = jot_test::read_json("rfc7638/section_3_1.json");
    const TestType rsa = parse<TestType>(rfc7638["jwk"].dump());
    CHECK(*jot::jwk_thumbprint(rsa) == rfc7638["thumbprint_sha256"].template get<std::string>());
    auto pub = jot::public_key_from_jwk(rsa);
    REQUIRE(pub);
    CHECK(pub->alg() == jot::algorithm::rs256);
    CHECK(pub->key_id() == "2011-04-29");

    const auto priv = jot::private_key::generate(jot::algorithm::es256, "ec-1").value();
    const TestType exported = jot::to_jwk<TestType>(priv.public_key().value()).value();
    CHECK(jot::detail::json_string(*jot::detail::find_member(exported, "crv")) == "P-256");
    CHECK(jot::detail::find_member(exported, "d") == nullptr);
    CHECK(*jot::jwk_thumbprint(exported) == *jot::jwk_thumbprint(priv.public_key().value()));
    CHECK(as_nlohmann(exported) == as_nlohmann(jot::to_jwk<nlohmann::json>(priv.public_key().value()).value()));
    auto back = jot::public_key_from_jwk(exported);
    REQUIRE(back);
    const std::string token = jot::basic_builder<TestType>().subject("s").expires_in(std::chrono::minutes(5)).sign(priv).value();
    auto v = jot::basic_verifier_builder<TestType>().key(*back).build().value();
    CHECK(v.verify(token));

    const auto hmac = jot::to_jwk<TestType>(test_key()).value();
    auto hmac_back = jot::hmac_key_from_jwk(hmac);
    REQUIRE(hmac_back);
    CHECK(hmac_back->alg() == jot::algorithm::hs256);

    // The RFC 7517 A.2 EC key says "use":"enc": not a signing key.
    const nlohmann::json a2 = jot_test::read_json("rfc7517/a2_private_keys.json");
    CHECK(error_of(jot::private_key_from_jwk(parse<TestType>(a2["keys"][0].dump()))) == code(errc::key_use_mismatch));
    for (const char* bad : {R"({"kty":1})", R"({"kty":"EC","crv":"P-256","x":"AA","y":"AA"})", R"([])",
                            R"({"kty":"RSA","n":"AQAB","e":"AQAB","key_ops":["verify","verify"]})"}) {
        CAPTURE(bad);
        CHECK(error_of(jot::public_key_from_jwk(parse<TestType>(bad))) == code(errc::key_invalid));
    }

    const std::string set_text = R"({"keys":[)" + as_nlohmann(exported).dump() + R"(,{"kty":"oct","k":"AAAA"}]})";
    auto set = jot::jwk_set::parse<TestType>(set_text);
    REQUIRE(set);
    CHECK(set->keys().size() == 1);
    CHECK(set->skipped().size() == 1);
    const TestType out = set->template to_json<TestType>().value();
    CHECK(jot::json_traits<TestType>::size(*jot::detail::find_member(out, "keys")) == 1);
    CHECK(error_of(jot::jwk_set::parse<TestType>(R"({"keys":{}})")) == code(errc::key_set_invalid));
}

TEST_CASE("json backend: Boost.JSON is parsed by jot's strict rules, exactly as nlohmann::json is",
          "[json_backend][strict]") {
    const std::string deep = std::string(40, '[');
    const std::vector<std::string> texts = {
        R"({"a":1})", R"( {"a":[1,2,{"b":null}],"c":"x\u00e9\ud83d\ude00"} )", R"({"a":1,"a":2})",
        R"({"o":{"k":1,"k":2}})", "\xEF\xBB\xBF{}", "{\"a\":\"\xff\"}", R"({"a":"\ud800"})", R"({"a":1,})",
        R"({"a":NaN})", R"({"a":1e400})", R"([1])", R"("s")", R"({"a":01})", "{\"a\":\"\x01\"}", R"({} x)",
        std::string("{\"a\":1}\0x", 8), R"({"a":-0,"b":-0.0,"c":1E2,"d":18446744073709551616,"e":-9223372036854775809})",
        R"({"a":18446744073709551615,"b":-9223372036854775808,"c":9223372036854775808})", "{\"a\":" + deep + "}",
        R"({"s\u0075b":1,"sub":2})", R"({"a":true,"b":false,"c":null,"d":[],"e":{}})", "", "{", R"({"a" 1})"};
    for (const std::string& text : texts) {
        CAPTURE(text);
        auto n = jot::detail::parse_object<nlohmann::json>(text, 16);
        auto b = jot::detail::parse_object<boost::json::value>(text, 16);
        REQUIRE(n.has_value() == b.has_value());
        if (!n) {
            CHECK(n.error() == b.error());
            continue;
        }
        CHECK(*n == as_nlohmann(*b));
        // Integer kinds survive: what nlohmann holds as a double, Boost holds as a double too.
        auto kinds_agree = [](const nlohmann::json& x, const boost::json::value& y) {
            for (auto it = x.begin(); it != x.end(); ++it) {
                const auto* m = jot::detail::find_member(y, it.key());
                if (!m || it->is_number_float() != m->is_double()) return false;
            }
            return true;
        };
        CHECK(kinds_agree(*n, *b));
    }
}

TEST_CASE("json backend: the kind-driven writer", "[json_backend][write]") {
    using traits = jot::json_traits<boost::json::value>;
    boost::json::value v = boost::json::parse(R"({"b":[1.0,0.1,-2.5e-7,1e300,-0.0],"a":"q\"\\\n\u0001"})");
    std::string out;
    REQUIRE(jot::detail::write_json(v, out));
    // Insertion order, doubles in the shortest form that reads back as a double, strings escaped as dump() does.
    CHECK(out == R"({"b":[1.0,0.1,-2.5e-07,1e+300,-0.0],"a":"q\"\\\n\u0001"})");
    CHECK(boost::json::parse(out) == v);
    out.clear();
    CHECK_FALSE(jot::detail::write_json(traits::make_double(std::numeric_limits<double>::infinity()), out));
    CHECK_FALSE(jot::detail::json_numbers_finite(boost::json::value{{"x", {1.0, std::nan("")}}}));
    CHECK(jot::detail::json_numbers_finite(boost::json::value{{"x", {1.0, 2}}}));
    out.clear();
    CHECK_FALSE(jot::detail::write_json(boost::json::value{{"x", "\xc3"}}, out)); // not UTF-8
}
