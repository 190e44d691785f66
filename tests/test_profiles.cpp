// SPDX-License-Identifier: MIT
// Tests for jot/profiles.hpp: RFC 9068 access tokens and OpenID Connect ID tokens.
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include <jot/builder.hpp>
#include <jot/hmac_key.hpp>
#include <jot/profiles.hpp>

#include "catch.hpp"

using jot::errc;
using namespace std::chrono_literals;

namespace {
const jot::fixed_clock clock_at{std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))};
using vbuilder = jot::basic_verifier_builder<nlohmann::json, jot::fixed_clock>;
using tbuilder = jot::basic_builder<nlohmann::json, jot::fixed_clock>;

const jot::hmac_key& key() {
    static const auto k = jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 'k')).value();
    return k;
}

tbuilder access_token_claims() {
    tbuilder b(clock_at);
    b.type("at+jwt").issuer("https://as.example").audience("https://rs.example").subject("user").claim("client_id", "app")
        .issued_now().expires_in(5min).id("jti-1");
    return b;
}

jot::basic_verifier<nlohmann::json, jot::fixed_clock> access_token_verifier() {
    vbuilder b;
    b.key(key()).clock(clock_at);
    jot::profiles::access_token(b, "https://as.example", "https://rs.example");
    return b.build().value();
}
} // namespace

TEST_CASE("access_token profile accepts an RFC 9068 token", "[profiles][positive]") {
    const auto token = access_token_claims().sign(key()).value();
    REQUIRE(access_token_verifier().verify(token));
}

TEST_CASE("access_token profile requires typ at+jwt", "[profiles][negative]") {
    auto b = access_token_claims();
    b.type("JWT");
    REQUIRE(access_token_verifier().verify(b.sign(key()).value()).error() == errc::type_mismatch);
    auto c = access_token_claims();
    c.type("application/at+jwt");
    REQUIRE(access_token_verifier().verify(c.sign(key()).value()));
}

TEST_CASE("access_token profile requires every RFC 9068 claim", "[profiles][negative]") {
    for (const char* name : {"sub", "client_id", "iat", "jti"}) {
        INFO(name);
        tbuilder b(clock_at);
        b.type("at+jwt").issuer("https://as.example").audience("https://rs.example").expires_in(5min);
        if (std::string(name) != "sub") b.subject("user");
        if (std::string(name) != "client_id") b.claim("client_id", "app");
        if (std::string(name) != "iat") b.issued_now();
        if (std::string(name) != "jti") b.id("j");
        REQUIRE(access_token_verifier().verify(b.sign(key()).value()).error() == errc::claim_missing);
    }
}

TEST_CASE("access_token profile keeps exp required even when the builder allowed it missing", "[profiles][negative]") {
    vbuilder vb;
    vb.key(key()).clock(clock_at).allow_missing_expiration();
    jot::profiles::access_token(vb, "https://as.example", "https://rs.example");
    const auto v = vb.build().value();
    tbuilder b(clock_at);
    b.type("at+jwt").issuer("https://as.example").audience("https://rs.example").subject("u").claim("client_id", "app")
        .issued_now().id("j");
    REQUIRE(v.verify(b.sign(key()).value()).error() == errc::expiration_missing);
}

TEST_CASE("access_token profile rejects a client_id that is not a string", "[profiles][negative]") {
    auto b = access_token_claims();
    b.claim("client_id", 7);
    REQUIRE(access_token_verifier().verify(b.sign(key()).value()).error() == errc::claim_wrong_type);
}

namespace {
jot::basic_verifier<nlohmann::json, jot::fixed_clock> id_verifier(jot::profiles::id_token_options o) {
    vbuilder b;
    b.key(key()).clock(clock_at);
    jot::profiles::id_token(b, std::move(o));
    return b.build().value();
}
tbuilder id_claims() {
    tbuilder b(clock_at);
    b.issuer("https://op.example").subject("248289761001").audience("s6BhdRkqt3").claim("nonce", "n-0S6_WzA2Mj")
        .issued_now().expires_in(10min);
    return b;
}
jot::profiles::id_token_options id_options() {
    jot::profiles::id_token_options o;
    o.issuer = "https://op.example";
    o.client_id = "s6BhdRkqt3";
    o.nonce = "n-0S6_WzA2Mj";
    return o;
}
} // namespace

TEST_CASE("id_token profile accepts a token for this client with the sent nonce", "[profiles][positive]") {
    REQUIRE(id_verifier(id_options()).verify(id_claims().sign(key()).value()));
}

TEST_CASE("id_token profile rejects a wrong or missing nonce", "[profiles][negative]") {
    auto b = id_claims();
    b.claim("nonce", "other");
    REQUIRE(id_verifier(id_options()).verify(b.sign(key()).value()).error() == errc::claim_mismatch);
    tbuilder c(clock_at);
    c.issuer("https://op.example").subject("s").audience("s6BhdRkqt3").issued_now().expires_in(1min);
    REQUIRE(id_verifier(id_options()).verify(c.sign(key()).value()).error() == errc::claim_missing);
}

TEST_CASE("id_token profile needs azp with several audiences and azp equal to the client", "[profiles][negative]") {
    auto b = id_claims();
    b.audience({"s6BhdRkqt3", "other"});
    REQUIRE(id_verifier(id_options()).verify(b.sign(key()).value()).error() == errc::claim_missing);
    b.claim("azp", "s6BhdRkqt3");
    REQUIRE(id_verifier(id_options()).verify(b.sign(key()).value()));
    b.claim("azp", "other");
    REQUIRE(id_verifier(id_options()).verify(b.sign(key()).value()).error() == errc::claim_mismatch);
}

TEST_CASE("id_token profile checks at_hash and c_hash as OpenID Connect Core A.3/A.4 compute them", "[profiles][vector]") {
    // Values from OpenID Connect Core 1.0 Appendix A.3 (c_hash) and A.4 (at_hash); both use a *256 algorithm.
    auto o = id_options();
    o.access_token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
    o.code = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk";
    auto b = id_claims();
    b.claim("at_hash", "77QmUPtjPfzWtF2AnpK9RQ").claim("c_hash", "LDktKdoQak3Pk0cnXxCltA");
    REQUIRE(id_verifier(o).verify(b.sign(key()).value()));

    b.claim("at_hash", "77QmUPtjPfzWtF2AnpK9RR");
    REQUIRE(id_verifier(o).verify(b.sign(key()).value()).error() == errc::claim_mismatch);

    auto no_c = id_claims();
    no_c.claim("at_hash", "77QmUPtjPfzWtF2AnpK9RQ");
    REQUIRE(id_verifier(o).verify(no_c.sign(key()).value()).error() == errc::claim_missing);
}

TEST_CASE("id_token profile requires at_hash only when asked to", "[profiles][negative]") {
    auto o = id_options();
    o.access_token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
    REQUIRE(id_verifier(o).verify(id_claims().sign(key()).value()));
    o.require_at_hash = true;
    REQUIRE(id_verifier(o).verify(id_claims().sign(key()).value()).error() == errc::claim_missing);
}

TEST_CASE("id_token profile rejects the wrong issuer and audience", "[profiles][negative]") {
    auto b = id_claims();
    b.issuer("https://op.example/");
    REQUIRE(id_verifier(id_options()).verify(b.sign(key()).value()).error() == errc::issuer_mismatch);
    auto c = id_claims();
    c.audience("someone-else");
    REQUIRE(id_verifier(id_options()).verify(c.sign(key()).value()).error() == errc::audience_mismatch);
}
