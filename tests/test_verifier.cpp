// SPDX-License-Identifier: MIT
// Tests for jot/verifier.hpp: one negative test per rule, each asserting the exact errc, at a fixed time;
// plus key selection by alg and kid, check order (signature before payload), and concurrent use.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/error.hpp>
#include <jot/hmac_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "json_backends.hpp"

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
// The verifier, its builder and jot's token builder over a JSON backend `Json` (each test runs over JOT_BACKENDS);
// tokens are made as text with nlohmann::json, so every backend verifies the same bytes.
template <class Json>
using verifier_builder = jot::basic_verifier_builder<Json, jot::fixed_clock>;
template <class Json>
using verifier = jot::basic_verifier<Json, jot::fixed_clock>;
template <class Json>
using token_builder = jot::basic_builder<Json, jot::fixed_clock>;

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at(std::int64_t s) { return {std::chrono::system_clock::time_point(std::chrono::seconds(s))}; }

const std::string secret_a = "secret A: exactly thirty-two oct";
const std::string secret_b = "secret B: exactly thirty-two oct";
jot::hmac_key key_a(std::string kid = {}) {
    return jot::hmac_key::create(jot::algorithm::hs256, secret_a, std::move(kid)).value();
}
jot::hmac_key key_b(std::string kid = {}) {
    return jot::hmac_key::create(jot::algorithm::hs256, secret_b, std::move(kid)).value();
}

/// Claims every default policy accepts at now_s.
json good_claims() { return {{"sub", "user-1"}, {"exp", now_s + 60}}; }
json jwt_header() { return {{"alg", "HS256"}, {"typ", "JWT"}}; }

/// A token with exactly this header and payload JSON, signed by `key` (key_a unless given).
std::string make(const json& payload, const json& header = jwt_header()) {
    return jot::sign_compact(header.dump(), payload.dump(), key_a()).value();
}
std::string make_with(const jot::signer& key, const json& payload, const json& header) {
    return jot::sign_compact(header.dump(), payload.dump(), key).value();
}

/// A compact token from raw header and payload text and a MAC by `key`, whatever the header's "alg" says
/// (sign_compact refuses such headers, which is what these tests need to get past).
std::string make_raw(const std::string& header, const std::string& payload, const jot::hmac_key& key) {
    std::string out = jot::base64url::encode(header) + "." + jot::base64url::encode(payload);
    std::vector<std::uint8_t> mac(key.max_signature_size());
    const auto n = key.sign(out, mac.data(), mac.size());
    REQUIRE(n.has_value());
    mac.resize(*n);
    return out + "." + jot::base64url::encode(mac);
}

std::string tamper_signature(std::string token) {
    const std::size_t i = token.rfind('.') + 3;
    token[i] = token[i] == 'A' ? 'B' : 'A';
    return token;
}

/// The default policy with key_a at now_s.
template <class Json>
verifier_builder<Json> base() {
    return std::move(verifier_builder<Json>().key(key_a()).clock(at(now_s)));
}
template <class Json>
verifier<Json> build(const verifier_builder<Json>& b) {
    return b.build().value();
}

/// The error of verify(), or an empty code when the token was accepted.
template <class Json>
std::error_code code(const verifier<Json>& v, const std::string& token) {
    const auto r = v.verify(token);
    return r ? std::error_code() : r.error();
}
const std::error_code accepted{};

/// A signer that computes an HMAC but claims another algorithm: the shape of an alg-confusion forgery.
class relabelled_signer final : public jot::signer {
public:
    relabelled_signer(jot::hmac_key key, jot::algorithm claimed) : key_(std::move(key)), claimed_(claimed) {}
    jot::algorithm alg() const noexcept override { return claimed_; }
    std::size_t max_signature_size() const noexcept override { return key_.max_signature_size(); }
    jot::result<std::size_t> sign(std::string_view input, std::uint8_t* out, std::size_t cap) const override {
        return key_.sign(input, out, cap);
    }

private:
    jot::hmac_key key_;
    jot::algorithm claimed_;
};

} // namespace

TEMPLATE_TEST_CASE("verifier accepts a well-formed token under the default policy",
                   "[verifier][positive]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    const auto r = v.verify(make(good_claims()));
    REQUIRE(r.has_value());
    REQUIRE(r->alg() == jot::algorithm::hs256);
    REQUIRE(r->claims().subject().value() == "user-1");
    // A token from the builder, at the same fixed time.
    const auto t = token_builder<TestType>(at(now_s)).subject("user-1").expires_in(5min).sign(key_a()).value();
    REQUIRE(code(v, t) == accepted);
}

TEMPLATE_TEST_CASE("verifier rejects a token whose alg has no key", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    const auto hs384 = jot::hmac_key::create(jot::algorithm::hs384, std::string(48, 'k')).value();
    const auto t384 = token_builder<TestType>(at(now_s)).expires_in(1min).sign(hs384).value();
    REQUIRE(code(v, t384) == jot::errc::algorithm_not_allowed);

    // An HMAC made with the verifier's own secret but labelled RS256 is never checked with the HMAC key.
    const relabelled_signer as_rs256(key_a(), jot::algorithm::rs256);
    REQUIRE(code(v, make_with(as_rs256, good_claims(), {{"alg", "RS256"}})) == jot::errc::algorithm_not_allowed);
    // An HS512 MAC labelled HS256 reaches the key, which refuses its length.
    const relabelled_signer hs512_as_hs256(jot::hmac_key::create(jot::algorithm::hs512, std::string(64, 'k')).value(),
                                           jot::algorithm::hs256);
    REQUIRE(code(v, make_with(hs512_as_hs256, good_claims(), jwt_header())) == jot::errc::signature_length_invalid);
}

TEMPLATE_TEST_CASE("verifier rejects alg names jot does not implement, case-sensitively",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    for (const char* alg : {"hs256", "HS257", "Hs256", "HS256 "}) {
        INFO(alg);
        const std::string t = make_raw(json({{"alg", alg}}).dump(), good_claims().dump(), key_a());
        REQUIRE(code(v, t) == jot::errc::unsupported_algorithm);
    }
    REQUIRE(code(v, make_raw(R"({"typ":"JWT"})", good_claims().dump(), key_a())) == jot::errc::header_missing_alg);
    REQUIRE(code(v, make_raw(R"({"alg":256})", good_claims().dump(), key_a())) == jot::errc::header_invalid_member);
}

TEMPLATE_TEST_CASE("verifier rejects alg none with and without a signature", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>().allow_missing_expiration().ignore_type());
    const std::string body = jot::base64url::encode(std::string(R"({"alg":"none"})")) + "." +
                             jot::base64url::encode(good_claims().dump());
    REQUIRE(code(v, body + ".") == jot::errc::unsecured_token);
    REQUIRE(code(v, make_raw(R"({"alg":"none"})", good_claims().dump(), key_a())) == jot::errc::unsecured_token);
    REQUIRE(code(v, make_raw(R"({"alg":"none","typ":"JWT"})", "{}", key_a())) == jot::errc::unsecured_token);
    // Other spellings are not "none"; they are simply unknown.
    REQUIRE(code(v, make_raw(R"({"alg":"None"})", good_claims().dump(), key_a())) ==
            jot::errc::unsupported_algorithm);
}

TEMPLATE_TEST_CASE("verifier rejects an HS256 token with an empty signature as malformed",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    const std::string t = make(good_claims());
    REQUIRE(code(v, t.substr(0, t.rfind('.') + 1)) == jot::errc::empty_segment);
}

TEMPLATE_TEST_CASE("verifier rejects a MAC made with a different secret", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    REQUIRE(code(v, make_with(key_b(), good_claims(), jwt_header())) == jot::errc::signature_invalid);
    REQUIRE(code(v, tamper_signature(make(good_claims()))) == jot::errc::signature_invalid);
}

TEMPLATE_TEST_CASE("verifier checks the signature before it parses the payload", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    const std::string garbage = jot::sign_compact(jwt_header().dump(), std::string("not json {"), key_a()).value();
    // Correctly signed garbage gets as far as the JSON parser...
    REQUIRE(code(v, garbage) == jot::errc::json_invalid);
    // ...but with a wrong signature the payload is never looked at.
    REQUIRE(code(v, tamper_signature(garbage)) == jot::errc::signature_invalid);
    const std::string by_b = jot::sign_compact(jwt_header().dump(), std::string("\xff\xfe"), key_b()).value();
    REQUIRE(code(v, by_b) == jot::errc::signature_invalid);
}

TEMPLATE_TEST_CASE("verifier selects keys by kid and still tries keys without one",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>().key(key_b("b")));
    // base<TestType>() holds key_a without a kid. Replace it with kid-bearing keys for the strict cases.
    const auto kids = build(verifier_builder<TestType>().key(key_a("a")).key(key_b("b")).clock(at(now_s)));

    REQUIRE(code(kids, token_builder<TestType>(at(now_s)).expires_in(1min).sign(key_a("a")).value()) == accepted);
    REQUIRE(code(kids, token_builder<TestType>(at(now_s)).expires_in(1min).sign(key_b("b")).value()) == accepted);
    REQUIRE(code(kids, token_builder<TestType>(at(now_s)).expires_in(1min).sign(key_a("c")).value()) ==
            jot::errc::key_not_found);
    // kid "a" but made with secret B: only key "a" is tried, so the MAC fails.
    REQUIRE(code(kids, token_builder<TestType>(at(now_s)).expires_in(1min).sign(key_b("a")).value()) ==
            jot::errc::signature_invalid);
    // No kid in the token: every HS256 key is tried.
    REQUIRE(code(kids, token_builder<TestType>(at(now_s)).expires_in(1min).sign(key_b()).value()) == accepted);

    // A key without a kid is tried whatever kid the token names.
    REQUIRE(code(v, token_builder<TestType>(at(now_s)).expires_in(1min).sign(key_a("zzz")).value()) == accepted);
    REQUIRE(code(v, token_builder<TestType>(at(now_s)).expires_in(1min).sign(key_b("b")).value()) == accepted);
}

TEMPLATE_TEST_CASE("verifier requires exp unless allow_missing_expiration()", "[verifier][negative]", JOT_BACKENDS) {
    const json no_exp = {{"sub", "user-1"}};
    REQUIRE(code(build(base<TestType>()), make(no_exp)) == jot::errc::expiration_missing);
    REQUIRE(code(build(base<TestType>().allow_missing_expiration()), make(no_exp)) == accepted);
    // An expired token is still expired when exp is optional.
    REQUIRE(code(build(base<TestType>().allow_missing_expiration()), make({{"exp", now_s}})) ==
            jot::errc::token_expired);
}

TEMPLATE_TEST_CASE("verifier treats now == exp as expired and now == exp - 1 as valid",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    REQUIRE(code(v, make({{"exp", now_s}})) == jot::errc::token_expired);
    REQUIRE(code(v, make({{"exp", now_s + 1}})) == accepted);
    REQUIRE(code(v, make({{"exp", now_s - 3600}})) == jot::errc::token_expired);
    // Fractional NumericDates are compared at microsecond precision.
    REQUIRE(code(v, make({{"exp", now_s + 0.001}})) == accepted);
    REQUIRE(code(v, make({{"exp", now_s - 0.5}})) == jot::errc::token_expired);
}

TEMPLATE_TEST_CASE("verifier honours leeway for exp, nbf and iat", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>().leeway(30s));
    REQUIRE(code(v, make({{"exp", now_s - 29}})) == accepted);
    REQUIRE(code(v, make({{"exp", now_s - 30}})) == jot::errc::token_expired);
    REQUIRE(code(v, make({{"exp", now_s + 60}, {"nbf", now_s + 30}})) == accepted);
    REQUIRE(code(v, make({{"exp", now_s + 60}, {"nbf", now_s + 31}})) == jot::errc::token_not_yet_valid);
    REQUIRE(code(v, make({{"exp", now_s + 60}, {"iat", now_s + 30}})) == accepted);
    REQUIRE(code(v, make({{"exp", now_s + 60}, {"iat", now_s + 31}})) == jot::errc::issued_in_future);
}

TEMPLATE_TEST_CASE("verifier rejects nbf further in the future than the default 60 s as not yet valid",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    REQUIRE(code(v, make({{"exp", now_s + 600}, {"nbf", now_s + 61}})) == jot::errc::token_not_yet_valid);
    REQUIRE(code(v, make({{"exp", now_s + 600}, {"nbf", now_s + 60}})) == accepted);
    REQUIRE(code(v, make({{"exp", now_s + 60}, {"nbf", now_s}})) == accepted);
}

TEMPLATE_TEST_CASE("verifier rejects iat further in the future than the default 60 s as issued in the future",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    REQUIRE(code(v, make({{"exp", now_s + 600}, {"iat", now_s + 61}})) == jot::errc::issued_in_future);
    REQUIRE(code(v, make({{"exp", now_s + 600}, {"iat", now_s + 60}})) == accepted);
    REQUIRE(code(v, make({{"exp", now_s + 60}, {"iat", now_s}})) == accepted);
}

TEMPLATE_TEST_CASE("by default a token a fraction of a second early passes and one a fraction late does not",
                   "[verifier][positive]", JOT_BACKENDS) {
    // The outage class of clock skew between hosts: the issuer's clock 0.3 s ahead of the verifier's.
    const auto v = build(base<TestType>());
    CHECK(code(v, make({{"exp", now_s + 300}, {"iat", now_s + 0.3}, {"nbf", now_s + 0.3}})) == accepted);
    // The expiry side has no default tolerance: a token is expired the microsecond exp passes.
    CHECK(code(v, make({{"exp", now_s - 0.000001}})) == jot::errc::token_expired);
    CHECK(jot::default_future_leeway == 60s);
}

TEMPLATE_TEST_CASE("expiry_leeway and future_leeway are set apart, and leeway() sets both exactly",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto late = build(base<TestType>().expiry_leeway(10s));
    CHECK(code(late, make({{"exp", now_s - 9}})) == accepted);
    CHECK(code(late, make({{"exp", now_s - 10}})) == jot::errc::token_expired);
    CHECK(code(late, make({{"exp", now_s + 600}, {"iat", now_s + 60}})) == accepted);  // future side untouched
    const auto strict = build(base<TestType>().future_leeway(0s));
    CHECK(code(strict, make({{"exp", now_s + 60}, {"iat", now_s + 0.5}})) == jot::errc::issued_in_future);
    CHECK(code(strict, make({{"exp", now_s + 60}, {"nbf", now_s + 0.5}})) == jot::errc::token_not_yet_valid);
    // An explicit leeway(0s) gets exactly 0 on both sides, the default future tolerance included.
    const auto zero = build(base<TestType>().leeway(0s));
    CHECK(code(zero, make({{"exp", now_s + 60}, {"iat", now_s + 1}})) == jot::errc::issued_in_future);
    CHECK(base<TestType>().future_leeway(11min).build().error() == jot::errc::leeway_too_large);
    CHECK(base<TestType>().expiry_leeway(-1s).build().error() == jot::errc::invalid_argument);
}

TEMPLATE_TEST_CASE("verifier max_age rejects old tokens and requires iat", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>().max_age(1h));
    REQUIRE(code(v, make({{"exp", now_s + 60}, {"iat", now_s - 3600}})) == accepted);
    REQUIRE(code(v, make({{"exp", now_s + 60}, {"iat", now_s - 3601}})) == jot::errc::token_too_old);
    REQUIRE(code(v, make({{"exp", now_s + 60}})) == jot::errc::claim_missing);
    const auto lenient = build(base<TestType>().max_age(1h).leeway(10s));
    REQUIRE(code(lenient, make({{"exp", now_s + 60}, {"iat", now_s - 3610}})) == accepted);
    REQUIRE(code(lenient, make({{"exp", now_s + 60}, {"iat", now_s - 3611}})) == jot::errc::token_too_old);
}

TEMPLATE_TEST_CASE("verifier_builder refuses leeway over 10 minutes, negative durations, and no keys",
                   "[verifier][negative]", JOT_BACKENDS) {
    REQUIRE(base<TestType>().leeway(10min).build().has_value());
    REQUIRE(base<TestType>().leeway(10min + 1s).build().error() == jot::errc::leeway_too_large);
    REQUIRE(base<TestType>().leeway(1h).build().error() == jot::errc::leeway_too_large);
    REQUIRE(base<TestType>().leeway(-1s).build().error() == jot::errc::invalid_argument);
    REQUIRE(base<TestType>().max_age(-1s).build().error() == jot::errc::invalid_argument);
    REQUIRE(verifier_builder<TestType>().clock(at(now_s)).build().error() == jot::errc::no_keys);
    REQUIRE(base<TestType>().key(std::shared_ptr<const jot::verification_key>()).build().error() ==
            jot::errc::invalid_argument);
    REQUIRE(base<TestType>().expect_audience("api").ignore_audience().build().error() == jot::errc::invalid_argument);
}

TEMPLATE_TEST_CASE("verifier expect_issuer matches exactly", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>().expect_issuer("https://issuer.example"));
    auto with_iss = [](const json& iss) {
        json c = good_claims();
        c["iss"] = iss;
        return make(c);
    };
    REQUIRE(code(v, with_iss("https://issuer.example")) == accepted);
    for (const std::string& near : {std::string("https://Issuer.example"), std::string("https://issuer.example/"),
                                   std::string("https://issuer.exampl"), std::string("https://issuer"),
                                   std::string("https://issuer.example\0", 23), std::string(" https://issuer.example"),
                                   std::string()}) {
        INFO("iss " << json(near).dump());
        REQUIRE(code(v, with_iss(near)) == jot::errc::issuer_mismatch);
    }
    REQUIRE(code(v, make(good_claims())) == jot::errc::claim_missing);
    REQUIRE(code(v, with_iss(json::array({"https://issuer.example"}))) == jot::errc::claim_wrong_type);
    // Several expected issuers: any of them.
    const auto two = build(base<TestType>().expect_issuer("https://a.example").expect_issuer("https://issuer.example"));
    REQUIRE(code(two, with_iss("https://issuer.example")) == accepted);
    REQUIRE(code(two, with_iss("https://b.example")) == jot::errc::issuer_mismatch);
}

TEMPLATE_TEST_CASE("verifier expect_audience matches any expected value against a string or an array aud",
                   "[verifier][negative]", JOT_BACKENDS) {
    auto with_aud = [](const json& aud) {
        json c = good_claims();
        c["aud"] = aud;
        return make(c);
    };
    const auto v = build(base<TestType>().expect_audience("api"));
    REQUIRE(code(v, with_aud("api")) == accepted);
    REQUIRE(code(v, with_aud(json::array({"other", "api"}))) == accepted);
    for (const json& near : {json("API"), json("api "), json("ap"), json("apis"), json(std::string("api\0", 4)),
                             json::array({"API", "other"}), json::array({"ap"}), json::array()}) {
        INFO("aud " << near.dump());
        REQUIRE(code(v, with_aud(near)) == jot::errc::audience_mismatch);
    }
    REQUIRE(code(v, make(good_claims())) == jot::errc::claim_missing);
    REQUIRE(code(v, with_aud(json::array({"api", 7}))) == jot::errc::claim_wrong_type);

    const auto any = build(base<TestType>().expect_audience({"web", "api"}));
    REQUIRE(code(any, with_aud("api")) == accepted);
    REQUIRE(code(any, with_aud(json::array({"x", "web"}))) == accepted);
    REQUIRE(code(any, with_aud(json::array({"x", "y"}))) == jot::errc::audience_mismatch);
}

TEMPLATE_TEST_CASE("verifier expecting no audience rejects a token with aud unless ignore_audience()",
                   "[verifier][negative]", JOT_BACKENDS) {
    json c = good_claims();
    c["aud"] = "api";
    REQUIRE(code(build(base<TestType>()), make(c)) == jot::errc::audience_unexpected);
    c["aud"] = json::array();
    REQUIRE(code(build(base<TestType>()), make(c)) == jot::errc::audience_unexpected);
    REQUIRE(code(build(base<TestType>().ignore_audience()), make(c)) == accepted);
    c["aud"] = "api";
    REQUIRE(code(build(base<TestType>().ignore_audience()), make(c)) == accepted);
}

TEMPLATE_TEST_CASE("verifier expect_subject matches exactly", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>().expect_subject("user-1"));
    REQUIRE(code(v, make(good_claims())) == accepted);
    REQUIRE(code(v, make({{"sub", "User-1"}, {"exp", now_s + 60}})) == jot::errc::subject_mismatch);
    REQUIRE(code(v, make({{"sub", "user-10"}, {"exp", now_s + 60}})) == jot::errc::subject_mismatch);
    REQUIRE(code(v, make({{"exp", now_s + 60}})) == jot::errc::claim_missing);
}

TEMPLATE_TEST_CASE("verifier accepts only a plain JWT typ by default", "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    REQUIRE(code(v, make(good_claims(), {{"alg", "HS256"}})) == accepted);
    for (const char* typ : {"JWT", "jwt", "application/jwt", "Application/JWT"}) {
        INFO("typ " << typ);
        REQUIRE(code(v, make(good_claims(), {{"alg", "HS256"}, {"typ", typ}})) == accepted);
    }
    for (const char* typ : {"at+jwt", "application/at+jwt", "JOSE", "JWTX", "", "application/"}) {
        INFO("typ " << typ);
        REQUIRE(code(v, make(good_claims(), {{"alg", "HS256"}, {"typ", typ}})) == jot::errc::type_mismatch);
    }
    REQUIRE(code(v, make(good_claims(), {{"alg", "HS256"}, {"typ", 1}})) == jot::errc::header_invalid_member);
}

TEMPLATE_TEST_CASE("verifier expect_type and ignore_type change which typ is accepted",
                   "[verifier][negative]", JOT_BACKENDS) {
    const json at_jwt = {{"alg", "HS256"}, {"typ", "at+jwt"}};
    const auto expecting = build(base<TestType>().expect_type("at+jwt"));
    REQUIRE(code(expecting, make(good_claims(), at_jwt)) == accepted);
    REQUIRE(code(expecting, make(good_claims(), {{"alg", "HS256"}, {"typ", "application/at+jwt"}})) == accepted);
    REQUIRE(code(expecting, make(good_claims(), {{"alg", "HS256"}, {"typ", "AT+JWT"}})) == accepted);
    REQUIRE(code(expecting, make(good_claims(), jwt_header())) == jot::errc::type_mismatch);
    REQUIRE(code(expecting, make(good_claims(), {{"alg", "HS256"}})) == jot::errc::type_mismatch);

    const auto ignoring = build(base<TestType>().ignore_type());
    REQUIRE(code(ignoring, make(good_claims(), at_jwt)) == accepted);
    REQUIRE(code(ignoring, make(good_claims(), {{"alg", "HS256"}, {"typ", "secevent+jwt"}})) == accepted);
}

TEMPLATE_TEST_CASE("verifier rejects crit it does not understand and crit that is malformed",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto v = build(base<TestType>());
    REQUIRE(code(v, make(good_claims(), {{"alg", "HS256"}, {"crit", {"exp"}}, {"exp", now_s + 60}})) ==
            jot::errc::crit_unsupported);
    REQUIRE(code(v, make(good_claims(), {{"alg", "HS256"}, {"crit", {"b64"}}, {"b64", false}})) ==
            jot::errc::crit_unsupported);
    const json bad_crits[] = {
        json::array(),                  // empty
        json::array({"alg"}),           // registered by RFC 7515
        json::array({"kid"}),           // registered, and present
        json::array({"exp"}),           // names a member the header does not have
        json::array({1}),               // not a name
        json("exp"),                    // not an array
        json({{"exp", true}}),
    };
    for (const json& crit : bad_crits) {
        INFO("crit " << crit.dump());
        const json h = {{"alg", "HS256"}, {"kid", "k"}, {"crit", crit}};
        REQUIRE(code(v, make(good_claims(), h)) == jot::errc::crit_invalid);
    }
}

TEMPLATE_TEST_CASE("verifier custom claim rules report missing, mismatched and failed predicates",
                   "[verifier][negative]", JOT_BACKENDS) {
    json c = good_claims();
    c["role"] = "user";
    c["level"] = 3;

    REQUIRE(code(build(base<TestType>().require_claim("role")), make(c)) == accepted);
    REQUIRE(code(build(base<TestType>().require_claim("tenant")), make(c)) == jot::errc::claim_missing);

    // expect_claim takes a value of the backend.
    const auto str = [](const char* s) { return jot_test::json_string<TestType>(s); };
    const TestType three = jot_test::to_backend<TestType>(json(3));
    REQUIRE(code(build(base<TestType>().expect_claim("role", str("user")).expect_claim("level", three)), make(c)) ==
            accepted);
    REQUIRE(code(build(base<TestType>().expect_claim("role", str("admin"))), make(c)) == jot::errc::claim_mismatch);
    REQUIRE(code(build(base<TestType>().expect_claim("level", str("3"))), make(c)) == jot::errc::claim_mismatch);
    REQUIRE(code(build(base<TestType>().expect_claim("tenant", str("t1"))), make(c)) == jot::errc::claim_missing);

    std::atomic<int> calls{0};
    auto is_admin = [&calls](const jot::basic_claims<TestType>& cl) {
        ++calls;
        return cl.template get<std::string>("role").value_or("") == "admin";
    };
    const auto v = build(base<TestType>().expect(is_admin));
    REQUIRE(code(v, make(c)) == jot::errc::claim_predicate_failed);
    REQUIRE(calls == 1);
    c["role"] = "admin";
    REQUIRE(code(v, make(c)) == accepted);
    REQUIRE(calls == 2);
    // A predicate never sees a token whose signature or standard claims failed.
    REQUIRE(code(v, tamper_signature(make(c))) == jot::errc::signature_invalid);
    c["exp"] = now_s;
    REQUIRE(code(v, make(c)) == jot::errc::token_expired);
    REQUIRE(calls == 2);
}

TEMPLATE_TEST_CASE("verifier reports a registered claim of the wrong type, never as absent",
                   "[verifier][negative]", JOT_BACKENDS) {
    const auto strict = build(base<TestType>());
    const auto lax = build(base<TestType>().allow_missing_expiration());
    REQUIRE(code(strict, make({{"exp", "1700000060"}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"exp", "1700000060"}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"exp", nullptr}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"exp", true}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"nbf", "0"}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"iat", json::array({now_s})}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"iss", 5}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"sub", json::object()}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"aud", 5}})) == jot::errc::claim_wrong_type);
    REQUIRE(code(lax, make({{"exp", -1}})) == jot::errc::numeric_date_out_of_range);
    REQUIRE(code(lax, make({{"exp", 1e300}})) == jot::errc::numeric_date_out_of_range);
}

TEMPLATE_TEST_CASE("one const verifier serves 8 threads at once", "[verifier][threads]", JOT_BACKENDS) {
    const verifier<TestType> v = build(verifier_builder<TestType>().key(key_a("a")).key(key_b("b")).clock(at(now_s)));
    const std::string ta = token_builder<TestType>(at(now_s)).subject("a").expires_in(1min).sign(key_a("a")).value();
    const std::string tb = token_builder<TestType>(at(now_s)).subject("b").expires_in(1min).sign(key_b("b")).value();
    const std::string forged = tamper_signature(ta);
    constexpr int threads = 8, rounds = 250;
    std::atomic<int> ok{0}, wrong{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&] {
            for (int n = 0; n < rounds; ++n) {
                const auto a = v.verify(ta);
                const auto b = v.verify(tb);
                const auto f = v.verify(forged);
                const bool good = a && b && a->claims().subject().value_or("") == "a" &&
                                  b->claims().subject().value_or("") == "b" && !f &&
                                  f.error() == jot::errc::signature_invalid;
                ++(good ? ok : wrong);
            }
        });
    }
    for (auto& t : pool) t.join();
    REQUIRE(wrong == 0);
    REQUIRE(ok == threads * rounds);
}
