// SPDX-License-Identifier: MIT
// jot's result-returning API in a program built with -fno-exceptions: sign, verify, reject, parse JWK and JWKS,
// revoke and rotate through a jti store.
// Not Catch2 (which needs exceptions): each check prints what failed, and the exit status is 0 only if all hold.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#error "this program proves the API works without exceptions: build it with -fno-exceptions"
#endif

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include <jot/dangerous.hpp>
#include <jot/jot.hpp>
#include <jot/jwks.hpp>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "FAILED: %s\n", what);
    }
}

/// True when `r` failed with exactly `want`.
template <class R>
bool fails_with(const R& r, jot::errc want) {
    return !r.has_value() && r.error() == want;
}

using json = nlohmann::json;
using verifier_builder = jot::basic_verifier_builder<json, jot::fixed_clock>;
using token_builder = jot::basic_builder<json, jot::fixed_clock>;

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at(std::int64_t s) { return {std::chrono::system_clock::time_point(std::chrono::seconds(s))}; }

void hmac_round_trip() {
    const std::string_view secret = "a 32-octet secret for -fno-except";
    auto key = jot::hmac_key::create(jot::algorithm::hs256, secret, "k1");
    check(key.has_value(), "hmac_key::create");
    if (!key) return;
    auto token = token_builder(at(now_s)).issuer("iss").subject("alice").expires_in(std::chrono::minutes(5)).sign(*key);
    check(token.has_value(), "builder sign");
    if (!token) return;
    auto v = verifier_builder().key(*key).clock(at(now_s)).expect_issuer("iss").build();
    check(v.has_value(), "verifier build");
    if (!v) return;

    auto ok = v->verify(*token);
    check(ok.has_value(), "verify a good token");
    if (ok) {
        auto sub = ok->claims().subject();
        check(sub.has_value() && *sub == "alice", "read sub");
        check(fails_with(ok->claims().get<bool>("sub"), jot::errc::claim_wrong_type), "claim of the wrong type");
        check(fails_with(ok->claims().issued_at(), jot::errc::claim_missing), "absent claim");
    }

    std::string tampered = *token;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    check(fails_with(v->verify(tampered), jot::errc::signature_invalid), "tampered signature rejected");

    auto later = verifier_builder().key(*key).clock(at(now_s + 301)).expect_issuer("iss").build();
    check(later.has_value() && fails_with(later->verify(*token), jot::errc::token_expired), "expired token rejected");

    check(fails_with(v->verify("not a token"), jot::errc::token_not_compact), "garbage rejected");
    check(fails_with(v->verify("e30.e30."), jot::errc::header_missing_alg), "header without alg rejected");
    check(fails_with(v->verify("eyJhbGciOiJub25lIn0.e30."), jot::errc::unsecured_token), "alg none rejected");
    check(fails_with(v->verify("eyJhbGciOiJIUzI1NiJ9.eyJh.AAAA"), jot::errc::signature_length_invalid),
          "short signature rejected");
    // Inputs that would make nlohmann throw in a build with exceptions must come back as codes here.
    check(fails_with(token_builder(at(now_s)).claim("x", std::string("\xff")).sign(*key), jot::errc::invalid_utf8),
          "non-UTF-8 claim refused before serialising");
    check(fails_with(jot::dangerous::decode_unverified("eyJhbGciOiJIUzI1NiJ9.W10.AAAA"), jot::errc::json_not_object),
          "payload that is not an object");
    check(fails_with(jot::dangerous::decode_unverified("eyJhIjoxLCJhIjoyfQ.e30.AAAA"),
                     jot::errc::json_duplicate_member),
          "duplicate member");

    const std::string authorization = "Bearer " + *token;
    auto bearer = jot::bearer::extract(authorization); // a view into `authorization`
    check(bearer.has_value() && *bearer == *token, "bearer extract");
    check(fails_with(jot::bearer::extract("Basic abc"), jot::errc::bearer_wrong_scheme), "bearer wrong scheme");
}

void asymmetric_and_jwk() {
    auto priv = jot::private_key::generate(jot::algorithm::es256, "ec-1");
    check(priv.has_value(), "private_key::generate");
    if (!priv) return;
    auto pub = priv->public_key();
    check(pub.has_value(), "public_key()");
    if (!pub) return;
    auto token = token_builder(at(now_s)).subject("bob").expires_in(std::chrono::minutes(5)).sign(*priv);
    check(token.has_value(), "ES256 sign");
    if (!token) return;

    // JWK out and back in, through nlohmann's non-throwing parse.
    auto jwk = jot::to_jwk(*pub);
    check(jwk.has_value(), "to_jwk");
    if (!jwk) return;
    const json parsed = json::parse(jwk->dump(), nullptr, /*allow_exceptions=*/false);
    check(!parsed.is_discarded(), "non-throwing parse of a JWK");
    auto imported = jot::public_key_from_jwk(parsed);
    check(imported.has_value(), "public_key_from_jwk");
    if (imported) {
        auto v = verifier_builder().key(*imported).clock(at(now_s)).build();
        check(v.has_value() && v->verify(*token).has_value(), "verify with a key imported from a JWK");
    }
    const json broken = json::parse("{\"kty\":", nullptr, false);
    check(broken.is_discarded(), "invalid JSON is discarded, not thrown");
    check(fails_with(jot::public_key_from_jwk(broken), jot::errc::key_invalid), "a discarded value is no JWK");
    check(fails_with(jot::public_key_from_jwk(json{{"kty", "EC"}, {"crv", "P-256"}}), jot::errc::key_invalid),
          "JWK without coordinates");
    check(fails_with(jot::hmac_key_from_jwk(json{{"kty", "oct"}, {"k", "c2hvcnQ"}, {"alg", "HS256"}}),
                     jot::errc::key_too_short),
          "short oct JWK");

    // A JWK Set, straight from text.
    const std::string set_text = "{\"keys\":[" + jwk->dump() + ",{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}";
    auto set = jot::jwk_set::parse(set_text);
    check(set.has_value(), "jwk_set::parse");
    if (set) {
        check(set->keys().size() == 1 && set->skipped().size() == 1, "one usable key, one skipped");
        auto v = verifier_builder().keys(set->keys()).clock(at(now_s)).build();
        check(v.has_value() && v->verify(*token).has_value(), "verify with a JWK Set");
        auto out = set->to_json();
        check(out.has_value() && (*out)["keys"].size() == 1, "jwk_set::to_json");
    }
    check(fails_with(jot::jwk_set::parse("{\"keys\":[}"), jot::errc::json_invalid), "malformed JWK Set text");
    check(fails_with(jot::jwk_set::parse("{\"keys\":{}}"), jot::errc::key_set_invalid), "JWK Set without an array");
}

void revocation_and_rotation() {
    const std::string_view secret = "a 32-octet secret for -fno-except";
    auto key = jot::hmac_key::create(jot::algorithm::hs256, secret);
    if (!key) return check(false, "hmac_key::create for revocation");
    auto store = std::make_shared<jot::memory_jti_store>(16);
    auto v = verifier_builder().key(*key).clock(at(now_s)).revocation(store).require_jti().cache(8).build();
    auto token = token_builder(at(now_s)).id("j1").issued_now().expires_in(std::chrono::minutes(5)).sign(*key);
    check(v.has_value() && token.has_value(), "revocation verifier and token");
    if (!v || !token) return;
    check(v->verify(*token).has_value(), "a live jti accepted");
    const auto until = std::chrono::system_clock::now() + std::chrono::hours(1);
    check(store->revoke("access", "j1", until).has_value(), "revoke");
    check(fails_with(v->verify(*token), jot::errc::token_revoked), "a revoked jti refused on a cache hit");
    const jot::refresh_rotation rotation(store);
    check(rotation.rotate("f", "r1", until, until).has_value(), "first use of a refresh token");
    check(fails_with(rotation.rotate("f", "r1", until, until), jot::errc::token_replayed), "reuse detected");
    check(fails_with(rotation.rotate("f", "r2", until, until), jot::errc::token_revoked), "family revoked");
}

} // namespace

int main() {
    hmac_round_trip();
    asymmetric_and_jwk();
    revocation_and_rotation();
    if (failures == 0) std::puts("jot without exceptions: every check passed");
    return failures == 0 ? 0 : 1;
}
