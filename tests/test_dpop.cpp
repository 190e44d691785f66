// SPDX-License-Identifier: MIT
// Tests for jot/dpop.hpp: RFC 9449 proofs made and checked, every step of §4.3 refused with its code, challenges.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <jot/dangerous.hpp>
#include <jot/dpop.hpp>
#include <jot/hmac_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "test_support.hpp"

using jot::errc;
using namespace std::chrono_literals;

namespace {

using time_point = std::chrono::system_clock::time_point;

/// A clock the test moves; copies share the time.
struct moving_clock {
    std::shared_ptr<time_point> t = std::make_shared<time_point>(std::chrono::seconds(1700000000));
    time_point now() const noexcept { return *t; }
};

using verifier_t = jot::dpop::basic_proof_verifier<moving_clock>;

const jot::private_key& es256_key() {
    static const jot::private_key k = jot::private_key::generate(jot::algorithm::es256, "client-kid").value();
    return k;
}
const jot::private_key& other_es256_key() {
    static const jot::private_key k = jot::private_key::generate(jot::algorithm::es256).value();
    return k;
}

std::string b64(std::string_view s) { return jot::base64url::encode(jot::bytes_view(s.data(), s.size())); }

/// The public JWK members of `key` as a JSON object.
nlohmann::json jwk_of(const jot::private_key& key) {
    nlohmann::json j = jot::to_jwk(key.public_key().value()).value();
    j.erase("alg");
    j.erase("use");
    j.erase("kid");
    return j;
}

/// A proof with exactly the given header and claims, signed by `key` (whose alg the header must name).
std::string forge(const nlohmann::json& header, const nlohmann::json& claims, const jot::signer& key) {
    const std::string p = claims.dump();
    return jot::sign_compact(header.dump(), jot::bytes_view(p.data(), p.size()), key).value();
}

nlohmann::json good_header(const jot::private_key& key = es256_key()) {
    return {{"typ", "dpop+jwt"}, {"alg", std::string(jot::to_string(key.alg()))}, {"jwk", jwk_of(key)}};
}

nlohmann::json good_claims(const moving_clock& c) {
    return {{"jti", "id-1"},
            {"htm", "GET"},
            {"htu", "https://api.example.com/things"},
            {"iat", std::chrono::duration_cast<std::chrono::seconds>(c.now().time_since_epoch()).count()}};
}

const jot::dpop::request get_things{"GET", "https://api.example.com/things", {}, {}};

std::string thumbprint(const jot::private_key& key) { return jot::jwk_thumbprint(key.public_key().value()).value(); }

} // namespace

TEST_CASE("RFC 9449 §4.1 example proof verifies at its iat", "[dpop][rfc9449][vector]") {
    const auto v = jot_test::read_json("rfc9449/examples.json");
    const auto& ex = v["token_request"];
    moving_clock clock;
    *clock.t = time_point(std::chrono::seconds(ex["iat"].get<long long>()));
    const verifier_t verifier({}, clock);
    const auto proof = ex["proof"].get<std::string>();
    const std::string method = ex["method"].get<std::string>(), uri = ex["uri"].get<std::string>();
    const jot::dpop::request req{method, uri, {}, {}};
    auto r = verifier.verify(proof, req);
    INFO((r ? std::string("ok") : r.error().message()));
    REQUIRE(r.has_value());
    CHECK(r->alg == jot::algorithm::es256);
    CHECK(r->jkt == v["jkt"].get<std::string>());
    CHECK(r->jti == ex["jti"].get<std::string>());
    CHECK(r->htm == "POST");
    CHECK(r->htu == "https://server.example.com/token");
    CHECK(r->issued_at.time_since_epoch() == std::chrono::seconds(1562262616));
    // the same proof again: a replay
    CHECK(verifier.verify(proof, req).error() == errc::token_replayed);
    // and a minute and a second later, too old for the default window
    const verifier_t later({}, moving_clock{std::make_shared<time_point>(*clock.t + 61s)});
    CHECK(later.verify(proof, req).error() == errc::dpop_proof_too_old);
    // a flipped signature bit
    std::string bad = proof;
    bad[bad.size() - 3] = bad[bad.size() - 3] == 'A' ? 'B' : 'A';
    const verifier_t fresh({}, clock);
    CHECK(fresh.verify(bad, req).error() == errc::signature_invalid);
}

TEST_CASE("RFC 9449 §7.1 example proof binds its access token", "[dpop][rfc9449][vector]") {
    const auto v = jot_test::read_json("rfc9449/examples.json");
    const auto& ex = v["resource_request"];
    moving_clock clock;
    *clock.t = time_point(std::chrono::seconds(ex["iat"].get<long long>()) + 2s);
    const auto proof = ex["proof"].get<std::string>();
    const auto token = ex["access_token"].get<std::string>();
    const auto jkt = v["jkt"].get<std::string>();
    const std::string method = ex["method"].get<std::string>(), uri = ex["uri"].get<std::string>();

    CHECK(jot::dpop::access_token_hash(token).value() == ex["ath"].get<std::string>());
    CHECK(jot::jwk_thumbprint(v["jwk"]).value() == jkt);

    CHECK(verifier_t({}, clock).verify(proof, {method, uri, "another-token", jkt}).error() == errc::dpop_ath_mismatch);
    CHECK(verifier_t({}, clock).verify(proof, {method, uri, token, {}}).error() == errc::dpop_token_unbound);
    CHECK(verifier_t({}, clock).verify(proof, {method, uri, token, thumbprint(es256_key())}).error() ==
          errc::dpop_key_mismatch);
    CHECK(verifier_t({}, clock).verify(proof, {"POST", uri, token, jkt}).error() == errc::dpop_method_mismatch);
    CHECK(verifier_t({}, clock).verify(proof, {method, "https://resource.example.org/other", token, jkt}).error() ==
          errc::dpop_url_mismatch);
    auto r = verifier_t({}, clock).verify(proof, {method, uri, token, jkt});
    REQUIRE(r.has_value());
    CHECK(r->jti == "e1j3V_bKic8-LAEB");
    CHECK(r->jkt == jkt);
}

TEST_CASE("make_proof writes the header and claims of RFC 9449 §4.2", "[dpop][builder]") {
    moving_clock clock;
    jot::dpop::proof_options o;
    o.access_token = "token-123";
    o.nonce = "n-1";
    o.issued_at = clock.now();
    const auto proof = jot::dpop::make_proof(es256_key(), "POST", "https://API.example.com:443/a/b?x=1#frag", o).value();
    const auto parts = jot::dangerous::decode_unverified(proof).value();
    const auto& h = parts.header.json();
    CHECK(h.size() == 3);  // no "kid", though the key has one
    CHECK(h["typ"] == "dpop+jwt");
    CHECK(h["alg"] == "ES256");
    CHECK(h["jwk"] == jwk_of(es256_key()));
    CHECK(h["jwk"].size() == 4);
    const auto& c = parts.claims.json();
    CHECK(c.size() == 6);
    CHECK(c["htm"] == "POST");
    CHECK(c["htu"] == "https://API.example.com:443/a/b");
    CHECK(c["iat"] == 1700000000);
    CHECK(c["ath"] == jot::dpop::access_token_hash("token-123").value());
    CHECK(c["nonce"] == "n-1");
    CHECK(c["jti"].get<std::string>().size() == 22);  // 128 random bits

    // two proofs never share a jti
    const auto again = jot::dpop::make_proof(es256_key(), "POST", "https://api.example.com/a", o).value();
    CHECK(jot::dangerous::decode_unverified(again).value().claims.json()["jti"] != c["jti"]);

    CHECK(jot::dpop::make_proof(es256_key(), "", "https://a.example/").error() == errc::invalid_argument);
    CHECK(jot::dpop::make_proof(es256_key(), "GET POST", "https://a.example/").error() == errc::invalid_argument);
    CHECK(jot::dpop::make_proof(es256_key(), "GET", "ftp://a.example/").error() == errc::invalid_argument);
    CHECK(jot::dpop::make_proof(es256_key(), "GET", "/relative").error() == errc::invalid_argument);
}

TEST_CASE("proofs made by jot verify, for every asymmetric family", "[dpop][roundtrip]") {
    for (auto alg : {jot::algorithm::es256, jot::algorithm::es384, jot::algorithm::es512, jot::algorithm::ps256,
                     jot::algorithm::rs256, jot::algorithm::eddsa, jot::algorithm::ed25519}) {
        CAPTURE(jot::to_string(alg));
        const auto key = jot::private_key::generate(alg).value();
        moving_clock clock;
        jot::dpop::proof_options o;
        o.issued_at = clock.now();
        o.access_token = "at";
        const auto proof = jot::dpop::make_proof(key, "GET", "https://api.example.com/things?page=2", o).value();
        auto r = verifier_t({}, clock).verify(proof, {"GET", "https://api.example.com/things", "at", thumbprint(key)});
        REQUIRE(r.has_value());
        CHECK(r->alg == alg);
        CHECK(r->jkt == thumbprint(key));
    }
}

TEST_CASE("dpop: exactly one proof per request (§4.3 step 1)", "[dpop][negative]") {
    using jot::dpop::single_proof;
    CHECK(single_proof({}).error() == errc::dpop_proof_missing);
    CHECK(single_proof({"  "}).error() == errc::dpop_proof_missing);
    CHECK(single_proof({"a.b.c", "d.e.f"}).error() == errc::dpop_proof_multiple);
    CHECK(single_proof({"a.b.c, d.e.f"}).error() == errc::dpop_proof_multiple);
    CHECK(single_proof({" a.b.c "}).value() == "a.b.c");
}

TEST_CASE("dpop: a proof that is no compact JWS is malformed (§4.3 step 2)", "[dpop][negative]") {
    moving_clock clock;
    const verifier_t v({}, clock);
    CHECK(v.verify("abc", get_things).error() == errc::token_not_compact);
    CHECK(v.verify("e30.e30.", get_things).error() == errc::empty_segment);
    CHECK(v.verify(b64("[1]") + ".e30.AA", get_things).error() == errc::json_not_object);
    CHECK(v.verify(b64("{\"typ\":\"dpop+jwt\",\"typ\":\"x\"}") + ".e30.AA", get_things).error() ==
          errc::json_duplicate_member);
    jot::dpop::proof_policy small;
    small.max_proof_size = 100;
    CHECK(verifier_t(small, clock).verify(std::string(101, 'a'), get_things).error() == errc::token_too_large);
}

TEST_CASE("dpop: typ must be dpop+jwt (§4.3 step 4)", "[dpop][negative]") {
    moving_clock clock;
    for (const char* typ : {"JWT", "at+jwt", "dpop"}) {
        auto h = good_header();
        h["typ"] = typ;
        CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
              errc::dpop_type_mismatch);
    }
    auto h = good_header();
    h.erase("typ");
    CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
          errc::dpop_type_mismatch);
    h = good_header();
    h["crit"] = {"exp"};
    h["exp"] = 1;
    CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
          errc::crit_unsupported);
}

TEST_CASE("dpop: alg must be an allowed asymmetric algorithm (§4.3 step 5)", "[dpop][negative]") {
    moving_clock clock;
    // HS256, signed with a secret: never accepted, whatever the policy says
    const std::string secret(32, 's');
    const auto hs = jot::hmac_key::create(jot::algorithm::hs256, jot::bytes_view(secret.data(), secret.size())).value();
    auto h = good_header();
    h["alg"] = "HS256";
    jot::dpop::proof_policy with_hs;
    with_hs.algorithms.push_back(jot::algorithm::hs256);
    CHECK(verifier_t(with_hs, clock).verify(forge(h, good_claims(clock), hs), get_things).error() ==
          errc::dpop_algorithm_not_allowed);
    // "none" with an empty or a bogus signature
    h["alg"] = "none";
    const std::string unsigned_proof = b64(h.dump()) + "." + b64(good_claims(clock).dump()) + ".AAAA";
    CHECK(verifier_t({}, clock).verify(unsigned_proof, get_things).error() == errc::dpop_algorithm_not_allowed);
    h["alg"] = "ES999";
    CHECK(verifier_t({}, clock).verify(b64(h.dump()) + ".e30.AAAA", get_things).error() ==
          errc::dpop_algorithm_not_allowed);
    // EdDSA is asymmetric, but not in this policy
    const auto ed = jot::private_key::generate(jot::algorithm::eddsa).value();
    jot::dpop::proof_policy es_only;
    es_only.algorithms = {jot::algorithm::es256};
    CHECK(verifier_t(es_only, clock).verify(forge(good_header(ed), good_claims(clock), ed), get_things).error() ==
          errc::dpop_algorithm_not_allowed);
    CHECK(verifier_t({}, clock).verify(forge(good_header(ed), good_claims(clock), ed), get_things).has_value());
    // a missing alg
    h.erase("alg");
    CHECK(verifier_t({}, clock).verify(b64(h.dump()) + ".e30.AAAA", get_things).error() == errc::header_missing_alg);
}

TEST_CASE("dpop: jwk must be a public key for alg (§4.3 steps 6-7)", "[dpop][negative]") {
    moving_clock clock;
    auto h = good_header();
    h.erase("jwk");
    CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
          errc::dpop_jwk_invalid);
    h["jwk"] = "not an object";
    CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
          errc::dpop_jwk_invalid);
    // the private key itself in the header
    h = good_header();
    h["jwk"]["d"] = jot::base64url::encode(std::string(32, '\x01'));
    CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
          errc::dpop_jwk_private);
    h = good_header();
    h["jwk"]["k"] = "AAAA";
    CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
          errc::dpop_jwk_private);
    // a P-384 key under ES256
    const auto p384 = jot::private_key::generate(jot::algorithm::es384).value();
    h = good_header();
    h["jwk"] = jwk_of(p384);
    CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
          errc::key_algorithm_mismatch);
    // a point off the curve
    h = good_header();
    h["jwk"]["y"] = h["jwk"]["x"];
    CHECK(verifier_t({}, clock).verify(forge(h, good_claims(clock), es256_key()), get_things).error() ==
          errc::key_invalid);
}

TEST_CASE("dpop: the signature must verify under the embedded key (§4.3 step 6)", "[dpop][negative]") {
    moving_clock clock;
    // the header names one key, another key signed
    const auto proof = forge(good_header(es256_key()), good_claims(clock), other_es256_key());
    CHECK(verifier_t({}, clock).verify(proof, get_things).error() == errc::signature_invalid);
    const auto good = forge(good_header(), good_claims(clock), es256_key());
    CHECK(verifier_t({}, clock).verify(good.substr(0, good.rfind('.') + 1) + b64(std::string(63, 'x')), get_things)
              .error() == errc::signature_length_invalid);
}

TEST_CASE("dpop: jti, htm, htu and iat are required and typed (§4.3 step 3)", "[dpop][negative]") {
    moving_clock clock;
    for (const char* name : {"jti", "htm", "htu", "iat"}) {
        CAPTURE(name);
        auto c = good_claims(clock);
        c.erase(name);
        CHECK(verifier_t({}, clock).verify(forge(good_header(), c, es256_key()), get_things).error() ==
              errc::claim_missing);
        c[name] = nlohmann::json::array();
        CHECK(verifier_t({}, clock).verify(forge(good_header(), c, es256_key()), get_things).error() ==
              errc::claim_wrong_type);
    }
    auto c = good_claims(clock);
    c["jti"] = "";
    CHECK(verifier_t({}, clock).verify(forge(good_header(), c, es256_key()), get_things).error() == errc::claim_missing);
}

TEST_CASE("dpop: htm must be the request method (§4.3 step 8)", "[dpop][negative]") {
    moving_clock clock;
    const auto proof = forge(good_header(), good_claims(clock), es256_key());
    CHECK(verifier_t({}, clock).verify(proof, {"POST", get_things.uri, {}, {}}).error() == errc::dpop_method_mismatch);
    CHECK(verifier_t({}, clock).verify(proof, {"get", get_things.uri, {}, {}}).error() == errc::dpop_method_mismatch);
    CHECK(verifier_t({}, clock).verify(proof, {"", get_things.uri, {}, {}}).error() == errc::invalid_argument);
}

TEST_CASE("dpop: htu is compared with the request URI normalised (§4.3 step 9)", "[dpop][htu]") {
    moving_clock clock;
    auto proof_for = [&](const char* htu) {
        auto c = good_claims(clock);
        c["htu"] = htu;
        return forge(good_header(), c, es256_key());
    };
    // accepted: same URI once query and fragment are dropped, scheme and host lower-cased, default port removed,
    // percent-encodings normalised, an empty path written "/"
    const std::vector<std::pair<const char*, const char*>> same = {
        {"https://api.example.com/things", "https://api.example.com/things?page=2#top"},
        {"HTTPS://API.Example.COM/things", "https://api.example.com/things"},
        {"https://api.example.com:443/things", "https://api.example.com/things"},
        {"http://api.example.com:80/things", "http://api.example.com/things"},
        {"https://api.example.com/th%69ngs", "https://api.example.com/things"},
        {"https://api.example.com/a%2fb", "https://api.example.com/a%2Fb"},
        {"https://api.example.com", "https://api.example.com/"},
        {"https://[::1]:8443/x", "https://[::1]:8443/x"},
    };
    for (const auto& [htu, uri] : same) {
        CAPTURE(htu, uri);
        CHECK(verifier_t({}, clock).verify(proof_for(htu), {"GET", uri, {}, {}}).has_value());
    }
    // refused: another path (case matters there), port, scheme or host; userinfo; not http(s)
    const std::vector<std::pair<const char*, const char*>> different = {
        {"https://api.example.com/Things", "https://api.example.com/things"},
        {"https://api.example.com/things/", "https://api.example.com/things"},
        {"https://api.example.com:8443/things", "https://api.example.com/things"},
        {"http://api.example.com/things", "https://api.example.com/things"},
        {"https://evil.example.com/things", "https://api.example.com/things"},
        {"https://user@api.example.com/things", "https://api.example.com/things"},
        {"wss://api.example.com/things", "https://api.example.com/things"},
        {"/things", "https://api.example.com/things"},
        {"https://api.example.com/th%6", "https://api.example.com/th%6"},
    };
    for (const auto& [htu, uri] : different) {
        CAPTURE(htu, uri);
        const auto r = verifier_t({}, clock).verify(proof_for(htu), {"GET", uri, {}, {}});
        if (std::string_view(uri).find("%6") != std::string_view::npos) CHECK(r.error() == errc::invalid_argument);
        else CHECK(r.error() == errc::dpop_url_mismatch);
    }
}

TEST_CASE("dpop: iat must be within the window (§4.3 step 11)", "[dpop][negative]") {
    moving_clock clock;
    auto at = [&](std::chrono::seconds offset) {
        auto c = good_claims(clock);
        c["iat"] = c["iat"].get<long long>() + offset.count();
        c["jti"] = "id" + std::to_string(offset.count());
        return forge(good_header(), c, es256_key());
    };
    const verifier_t v({}, clock);
    CHECK(v.verify(at(-60s), get_things).has_value());
    CHECK(v.verify(at(-61s), get_things).error() == errc::dpop_proof_too_old);
    CHECK(v.verify(at(5s), get_things).has_value());
    CHECK(v.verify(at(6s), get_things).error() == errc::dpop_issued_in_future);
    jot::dpop::proof_policy wide;
    wide.max_age = 300s;
    wide.future_leeway = 0s;
    CHECK(verifier_t(wide, clock).verify(at(-299s), get_things).has_value());
    CHECK(verifier_t(wide, clock).verify(at(1s), get_things).error() == errc::dpop_issued_in_future);
    auto c = good_claims(clock);
    c["iat"] = "1700000000";
    CHECK(v.verify(forge(good_header(), c, es256_key()), get_things).error() == errc::claim_wrong_type);
}

TEST_CASE("dpop: the server nonce, when required (§4.3 step 10, §9)", "[dpop][nonce]") {
    moving_clock clock;
    jot::dpop::proof_policy p;
    p.accept_nonce = [](std::string_view n) { return n == "server-nonce-1"; };
    auto with = [&](const char* nonce, const char* jti) {
        auto c = good_claims(clock);
        c["jti"] = jti;
        if (nonce) c["nonce"] = nonce;
        return forge(good_header(), c, es256_key());
    };
    const verifier_t v(p, clock);
    CHECK(v.verify(with(nullptr, "a"), get_things).error() == errc::dpop_nonce_required);
    CHECK(v.verify(with("stale", "b"), get_things).error() == errc::dpop_nonce_mismatch);
    auto ok = v.verify(with("server-nonce-1", "c"), get_things);
    REQUIRE(ok.has_value());
    CHECK(ok->nonce == "server-nonce-1");
    // without the requirement, a nonce is neither required nor checked
    CHECK(verifier_t({}, clock).verify(with(nullptr, "d"), get_things).has_value());
    jot::dpop::proof_policy throwing;
    throwing.accept_nonce = [](std::string_view) -> bool { throw std::runtime_error("boom"); };
    CHECK(verifier_t(throwing, clock).verify(with("x", "e"), get_things).error() == errc::callback_failed);
}

TEST_CASE("dpop: ath and the token binding (§4.3 step 12)", "[dpop][binding]") {
    moving_clock clock;
    const std::string token = "the-access-token";
    const std::string jkt = thumbprint(es256_key());
    auto with_ath = [&](const char* ath, const char* jti) {
        auto c = good_claims(clock);
        c["jti"] = jti;
        if (ath) c["ath"] = ath;
        return forge(good_header(), c, es256_key());
    };
    const std::string ath = jot::dpop::access_token_hash(token).value();
    const verifier_t v({}, clock);
    const jot::dpop::request req{"GET", get_things.uri, token, jkt};
    CHECK(v.verify(with_ath(nullptr, "a"), req).error() == errc::claim_missing);
    CHECK(v.verify(with_ath(jot::dpop::access_token_hash("other").value().c_str(), "b"), req).error() ==
          errc::dpop_ath_mismatch);
    CHECK(v.verify(with_ath(ath.c_str(), "c"), {"GET", get_things.uri, token, {}}).error() == errc::dpop_token_unbound);
    CHECK(v.verify(with_ath(ath.c_str(), "d"), {"GET", get_things.uri, token, thumbprint(other_es256_key())}).error() ==
          errc::dpop_key_mismatch);
    CHECK(v.verify(with_ath(ath.c_str(), "e"), req).has_value());
}

TEST_CASE("dpop: a jti is accepted once per key (§11.1)", "[dpop][replay]") {
    moving_clock clock;
    auto store = std::make_shared<jot::basic_memory_jti_store<moving_clock>>(100, clock);
    jot::dpop::proof_policy p;
    p.replay_store = store;
    const verifier_t v(p, clock);
    const auto proof = forge(good_header(), good_claims(clock), es256_key());
    CHECK(v.verify(proof, get_things).has_value());
    CHECK(v.verify(proof, get_things).error() == errc::token_replayed);
    // a second verifier sharing the store (another instance of the service) refuses it too
    CHECK(verifier_t(p, clock).verify(proof, get_things).error() == errc::token_replayed);
    // the same jti under another key is another proof
    CHECK(v.verify(forge(good_header(other_es256_key()), good_claims(clock), other_es256_key()), get_things).has_value());
    CHECK(store->size() == 2);
    // a refused proof is never recorded
    auto c = good_claims(clock);
    c["jti"] = "refused";
    c["htm"] = "POST";
    CHECK(v.verify(forge(good_header(), c, es256_key()), get_things).error() == errc::dpop_method_mismatch);
    CHECK(store->size() == 2);
    // once the proof is too old anyway, the store forgets it
    *clock.t += 62s;
    CHECK(v.verify(proof, get_things).error() == errc::dpop_proof_too_old);
    c = good_claims(clock);
    c["jti"] = "later";
    CHECK(v.verify(forge(good_header(), c, es256_key()), get_things).has_value());
    CHECK(store->size() == 1);
}

namespace {
struct failing_store final : jot::jti_store {
    bool throws = false;
    jot::result<void> revoke(std::string_view, std::string_view, time_point) override { return {}; }
    jot::result<bool> is_revoked(std::string_view, std::string_view) override { return false; }
    jot::result<bool> use_once(std::string_view, std::string_view, time_point) override {
        if (throws) throw std::runtime_error("down");
        return errc::jti_store_unavailable;
    }
};
} // namespace

TEST_CASE("dpop: a replay store that cannot answer fails closed", "[dpop][replay]") {
    moving_clock clock;
    auto store = std::make_shared<failing_store>();
    jot::dpop::proof_policy p;
    p.replay_store = store;
    const auto proof = forge(good_header(), good_claims(clock), es256_key());
    CHECK(verifier_t(p, clock).verify(proof, get_things).error() == errc::jti_store_unavailable);
    store->throws = true;
    CHECK(verifier_t(p, clock).verify(proof, get_things).error() == errc::jti_store_unavailable);
}

TEST_CASE("dpop: the access token's confirmation, and Bearer downgrades (§6.1, §7.2)", "[dpop][binding]") {
    const std::string secret(32, 'k');
    const auto issuer_key = jot::hmac_key::create(jot::algorithm::hs256, jot::bytes_view(secret.data(), secret.size())).value();
    const auto verifier = jot::verifier_builder().key(issuer_key).build().value();
    auto make = [&](nlohmann::json cnf) {
        auto b = jot::builder().subject("alice").expires_in(5min);
        if (!cnf.is_null()) b.claim("cnf", std::move(cnf));
        return verifier.verify(b.sign(issuer_key).value()).value();
    };
    const auto bound = make({{"jkt", thumbprint(es256_key())}});
    CHECK(jot::dpop::confirmation_thumbprint(bound).value() == thumbprint(es256_key()));
    CHECK(jot::dpop::check_presented_as_bearer(bound).error() == errc::dpop_token_as_bearer);
    const auto unbound = make(nullptr);
    CHECK(jot::dpop::confirmation_thumbprint(unbound).error() == errc::dpop_token_unbound);
    CHECK(jot::dpop::check_presented_as_bearer(unbound).has_value());
    CHECK(jot::dpop::confirmation_thumbprint(make({{"x5t#S256", "abc"}})).error() == errc::dpop_token_unbound);
    CHECK(jot::dpop::confirmation_thumbprint(make("jkt")).error() == errc::claim_wrong_type);
    CHECK(jot::dpop::confirmation_thumbprint(make({{"jkt", 1}})).error() == errc::claim_wrong_type);

    // the verify() overload that reads the binding from the verified token
    moving_clock clock;
    const std::string token = "opaque-or-jwt";
    jot::dpop::proof_options o;
    o.access_token = token;
    o.issued_at = clock.now();
    const verifier_t v({}, clock);
    const auto proof = jot::dpop::make_proof(es256_key(), "GET", "https://api.example.com/things", o).value();
    CHECK(v.verify(proof, "GET", "https://api.example.com/things", token, unbound).error() == errc::dpop_token_unbound);
    CHECK(v.verify(proof, "GET", "https://api.example.com/things", token, bound).has_value());
    const auto elsewhere = make({{"jkt", thumbprint(other_es256_key())}});
    const auto proof2 = jot::dpop::make_proof(es256_key(), "GET", "https://api.example.com/things", o).value();
    CHECK(v.verify(proof2, "GET", "https://api.example.com/things", token, elsewhere).error() == errc::dpop_key_mismatch);
}

TEST_CASE("dpop: Authorization with the DPoP or Bearer scheme", "[dpop][http]") {
    using jot::dpop::parse_authorization;
    using jot::dpop::scheme;
    auto a = parse_authorization("DPoP Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU").value();
    CHECK(a.scheme == scheme::dpop);
    CHECK(a.token == "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU");
    CHECK(parse_authorization("dpop  tok").value().scheme == scheme::dpop);
    CHECK(parse_authorization("Bearer tok").value().scheme == scheme::bearer);
    CHECK(parse_authorization(" ").error() == errc::bearer_missing);
    CHECK(parse_authorization("Basic dXNlcjpwYXNz").error() == errc::bearer_wrong_scheme);
    CHECK(parse_authorization("DPoP").error() == errc::bearer_malformed);
    CHECK(parse_authorization("DPoP a b").error() == errc::bearer_malformed);
    CHECK(parse_authorization("DPoP a,b").error() == errc::bearer_malformed);
}

TEST_CASE("dpop: WWW-Authenticate values of RFC 9449 §7.1 and §9", "[dpop][http]") {
    using jot::dpop::challenge;
    using jot::dpop::failure_source;
    CHECK(challenge("api", "ES256 EdDSA") == "DPoP realm=\"api\", algs=\"ES256 EdDSA\"");
    CHECK(challenge(errc::signature_invalid, failure_source::proof) ==
          "DPoP error=\"invalid_dpop_proof\", error_description=\"the DPoP proof is invalid\"");
    CHECK(challenge(errc::token_replayed, failure_source::proof, "api", "ES256") ==
          "DPoP realm=\"api\", error=\"invalid_dpop_proof\", error_description=\"the DPoP proof is invalid\", "
          "algs=\"ES256\"");
    CHECK(challenge(errc::dpop_key_mismatch, failure_source::proof) ==
          "DPoP error=\"invalid_dpop_proof\", error_description=\"the DPoP proof key is not the key the access "
          "token is bound to\"");
    CHECK(challenge(errc::dpop_nonce_required, failure_source::proof) ==
          "DPoP error=\"use_dpop_nonce\", error_description=\"the DPoP proof must carry the server's current nonce\"");
    CHECK(challenge(errc::dpop_nonce_mismatch, failure_source::proof).find("use_dpop_nonce") != std::string::npos);
    CHECK(challenge(errc::token_expired, failure_source::access_token) ==
          "DPoP error=\"invalid_token\", error_description=\"the access token is invalid\"");
    CHECK(challenge(errc::dpop_token_unbound, failure_source::proof) ==
          "DPoP error=\"invalid_token\", error_description=\"the access token is not bound to a DPoP key\"");
    CHECK(challenge(errc::insufficient_scope, failure_source::access_token).find("error=\"insufficient_scope\"") !=
          std::string::npos);
    CHECK(jot::dpop::status_for(errc::insufficient_scope) == 403);
    CHECK(jot::dpop::status_for(errc::dpop_proof_multiple) == 400);
    CHECK(jot::dpop::status_for(errc::dpop_nonce_required) == 401);
    CHECK(jot::dpop::status_for(errc::signature_invalid) == 401);
    CHECK(jot::dpop::algs_of({}) == "ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA Ed25519 Ed448");
    const auto n1 = jot::dpop::make_nonce().value(), n2 = jot::dpop::make_nonce().value();
    CHECK(n1.size() == 22);
    CHECK(n1 != n2);
}

TEST_CASE("dpop error codes sit in their conditions", "[dpop][errors]") {
    CHECK(std::error_code(errc::dpop_proof_missing) == jot::condition::malformed);
    CHECK(std::error_code(errc::dpop_proof_multiple) == jot::condition::malformed);
    CHECK(std::error_code(errc::dpop_algorithm_not_allowed) == jot::condition::unauthenticated);
    CHECK(std::error_code(errc::dpop_key_mismatch) == jot::condition::unauthenticated);
    CHECK(std::error_code(errc::dpop_type_mismatch) == jot::condition::claims_rejected);
    CHECK(std::error_code(errc::dpop_nonce_mismatch) == jot::condition::claims_rejected);
    CHECK(std::error_code(errc::key_too_short) == jot::condition::bad_key);
}
