// SPDX-License-Identifier: MIT
// Tests for jot/diagnostic.hpp and basic_verifier::verify(token, diagnostic&) / explain(): each kind of
// refusal names its check with the exact fields, and no diagnostic ever holds a signature or a secret.
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/diagnostic.hpp>
#include <jot/error.hpp>
#include <jot/hmac_key.hpp>
#include <jot/verifier.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "catch.hpp"

namespace {

using json = nlohmann::json;
using verifier_builder = jot::basic_verifier_builder<json, jot::fixed_clock>;
using verifier = jot::basic_verifier<json, jot::fixed_clock>;

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at(std::int64_t s) { return {std::chrono::system_clock::time_point(std::chrono::seconds(s))}; }

const std::string secret_a = "secret A: exactly thirty-two oct";
const std::string secret_b = "secret B: exactly thirty-two oct";
jot::hmac_key key(const std::string& secret, std::string kid = {}) {
    return jot::hmac_key::create(jot::algorithm::hs256, secret, std::move(kid)).value();
}

/// A token with exactly this header and payload text, MACed with `k` whatever its header says.
std::string make_raw(const std::string& header, const std::string& payload, const jot::hmac_key& k) {
    std::string out = jot::base64url::encode(header) + "." + jot::base64url::encode(payload);
    std::vector<std::uint8_t> mac(k.max_signature_size());
    const auto n = k.sign(out, mac.data(), mac.size());
    REQUIRE(n.has_value());
    mac.resize(*n);
    return out + "." + jot::base64url::encode(mac);
}
/// A token from base64url segment text as given (valid or not), MACed with key A over exactly that text.
std::string make_segments(const std::string& header_b64, const std::string& payload_b64) {
    const std::string input = header_b64 + "." + payload_b64;
    const jot::hmac_key k = key(secret_a);
    std::vector<std::uint8_t> mac(k.max_signature_size());
    const auto n = k.sign(input, mac.data(), mac.size());
    REQUIRE(n.has_value());
    mac.resize(*n);
    return input + "." + jot::base64url::encode(mac);
}
std::string make(const json& payload, const json& header = {{"alg", "HS256"}}) {
    return make_raw(header.dump(), payload.dump(), key(secret_a));
}
json good() { return {{"sub", "user-1"}, {"exp", now_s + 60}}; }

verifier_builder base() { return std::move(verifier_builder().key(key(secret_a)).clock(at(now_s))); }

/// verify(token, d) must refuse with `e`; returns the diagnostic after checking the code agrees.
jot::diagnostic refused(const verifier& v, const std::string& token, jot::errc e) {
    jot::diagnostic d;
    d.check = "stale";  // must be overwritten
    const auto r = v.verify(token, d);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == e);
    CHECK(d.error == e);
    return d;
}

void same(const jot::diagnostic& d, const char* check, const char* name, const char* found, const char* expected) {
    CHECK(d.check == check);
    CHECK(d.name == name);
    CHECK(d.found == found);
    CHECK(d.expected == expected);
}

} // namespace

TEST_CASE("diagnostic: an accepted token clears it, and costs nothing", "[diagnostic]") {
    const auto v = base().build().value();
    jot::diagnostic d;
    d.error = make_error_code(jot::errc::token_expired);
    d.check = "exp";
    REQUIRE(v.verify(make(good()), d).has_value());
    CHECK_FALSE(d);
    CHECK(d.check.empty());
    CHECK(d.to_string().empty());
    CHECK(v.explain(make(good())).empty());
}

TEST_CASE("diagnostic: iss, aud and sub against the expectations", "[diagnostic]") {
    const auto v = base().expect_issuer("https://a.example").expect_issuer("https://b.example")
                       .expect_audience("api").build().value();
    json c = good();
    c["iss"] = "https://evil.example";
    c["aud"] = "api";
    auto d = refused(v, make(c), jot::errc::issuer_mismatch);
    same(d, "iss", "iss", "\"https://evil.example\"", "\"https://a.example\" or \"https://b.example\"");
    CHECK(d.to_string() ==
          "iss: found \"https://evil.example\", expected \"https://a.example\" or \"https://b.example\"");

    c["iss"] = "https://a.example";
    c["aud"] = json::array({"web", "mobile"});
    d = refused(v, make(c), jot::errc::audience_mismatch);
    same(d, "aud", "aud", "[\"web\", \"mobile\"]", "\"api\"");

    c.erase("aud");
    d = refused(v, make(c), jot::errc::claim_missing);
    same(d, "aud", "aud", "absent", "\"api\"");

    const auto none = base().build().value();
    d = refused(none, make({{"exp", now_s + 60}, {"aud", "api"}}), jot::errc::audience_unexpected);
    same(d, "aud", "aud", "\"api\"", "absent: the verifier expects no audience");

    const auto sub = base().expect_subject("user-2").build().value();
    d = refused(sub, make(good()), jot::errc::subject_mismatch);
    same(d, "sub", "sub", "\"user-1\"", "\"user-2\"");
}

TEST_CASE("diagnostic: typ, alg and kid against the verifier's", "[diagnostic]") {
    const auto v = base().build().value();
    auto d = refused(v, make(good(), {{"alg", "HS256"}, {"typ", "at+jwt"}}), jot::errc::type_mismatch);
    same(d, "typ", "typ", "\"at+jwt\"", "\"JWT\" or absent");
    const auto at_jwt = base().expect_type("at+jwt").build().value();
    d = refused(at_jwt, make(good()), jot::errc::type_mismatch);
    same(d, "typ", "typ", "absent", "\"at+jwt\"");

    d = refused(v, make(good(), {{"alg", "HS384"}}), jot::errc::algorithm_not_allowed);
    same(d, "alg", "alg", "\"HS384\"", "\"HS256\"");
    d = refused(v, make(good(), {{"alg", "XS256"}}), jot::errc::unsupported_algorithm);
    same(d, "alg", "alg", "\"XS256\"", "\"HS256\"");
    d = refused(v, make(good(), {{"alg", "none"}}), jot::errc::unsecured_token);
    same(d, "alg", "alg", "\"none\"", "\"HS256\"");
    d = refused(v, make(good(), {{"typ", "JWT"}}), jot::errc::header_missing_alg);
    same(d, "alg", "alg", "absent", "\"HS256\"");
    d = refused(v, make(good(), {{"alg", "HS256"}, {"kid", 7}}), jot::errc::header_invalid_member);
    same(d, "header", "kid", "a number", "a string");

    const auto kids = verifier_builder().key(key(secret_a, "k1")).key(key(secret_b, "k2")).clock(at(now_s))
                          .build().value();
    d = refused(kids, make(good(), {{"alg", "HS256"}, {"kid", "k9"}}), jot::errc::key_not_found);
    same(d, "key", "kid", "\"k9\"", "\"k1\" or \"k2\"");

    // The right kid, the wrong key: which algorithm and key were tried, never the MAC or the secret.
    const std::string forged = make_raw(R"({"alg":"HS256","kid":"k2"})", good().dump(), key(secret_a));
    d = refused(kids, forged, jot::errc::signature_invalid);
    same(d, "signature", "", "", "a HS256 signature by the one candidate key with kid \"k2\"");

    const auto two = verifier_builder().key(key(secret_a)).key(key(secret_b)).clock(at(now_s)).build().value();
    const std::string secret_c = "secret C: exactly thirty-two oct";
    d = refused(two, make_raw(R"({"alg":"HS256"})", good().dump(), key(secret_c)), jot::errc::signature_invalid);
    same(d, "signature", "", "", "a HS256 signature by one of the 2 candidate keys");

    // A MAC cut to 16 octets: the lengths, not the octets.
    const std::string t = make(good());
    const std::string short_mac = t.substr(0, t.rfind('.') + 1) + jot::base64url::encode(std::string(16, 'x'));
    d = refused(v, short_mac, jot::errc::signature_length_invalid);
    same(d, "signature", "", "16 octets", "32 octets");

    d = refused(v, t.substr(0, t.rfind('.') + 1), jot::errc::empty_segment);
    CHECK(d.check == "segments");
    CHECK(d.segment == "signature");
    d = refused(v, t.substr(0, t.find('.') + 1) + t.substr(t.rfind('.')), jot::errc::empty_segment);
    CHECK(d.segment == "payload");
}

TEST_CASE("diagnostic: a token too large gives its size and the limit", "[diagnostic]") {
    jot::decode_options o;
    o.max_token_size = 100;
    const auto v = base().limits(o).build().value();
    const std::string big(101, 'a');
    const auto d = refused(v, big, jot::errc::token_too_large);
    same(d, "size", "", "101 bytes", "at most 100 bytes");
    CHECK(d.to_string() == "size: found 101 bytes, expected at most 100 bytes");

    const auto d2 = refused(v, "abc.def", jot::errc::token_not_compact);
    same(d2, "segments", "", "2 segments", "3 segments: header.payload.signature");
}

TEST_CASE("diagnostic: base64url errors give the segment and the offset", "[diagnostic]") {
    const auto v = base().build().value();
    const std::string h = jot::base64url::encode(std::string(R"({"alg":"HS256"})"));
    const std::string p = jot::base64url::encode(good().dump());

    std::string bad = p;
    bad[5] = '*';
    auto d = refused(v, make_segments(h, bad), jot::errc::base64_invalid_character);
    CHECK(d.check == "base64url");
    CHECK(d.segment == "payload");
    CHECK(d.offset == 5);
    CHECK(d.found == "'*'");
    CHECK(d.to_string() == "base64url: payload segment, offset 5; found '*'");

    bad = h;
    bad.insert(3, "=");
    d = refused(v, make_segments(bad, p), jot::errc::base64_padding);
    CHECK(d.segment == "header");
    CHECK(d.offset == 3);

    const std::string t = make_segments(h, p);
    bad = t;
    bad[t.rfind('.') + 1 + 2] = '+';
    d = refused(v, bad, jot::errc::base64_invalid_character);
    CHECK(d.segment == "signature");
    CHECK(d.offset == 2);
    CHECK(d.found == "'+'");

    bad = p + (p.size() % 4 == 0 ? "A" : p.size() % 4 == 2 ? "AAA" : "AA");
    REQUIRE(bad.size() % 4 == 1);
    d = refused(v, make_segments(h, bad), jot::errc::base64_invalid_length);
    CHECK(d.segment == "payload");
    CHECK(d.offset == bad.size());
    CHECK(d.found == "length " + std::to_string(bad.size()));

    // "QR" decodes to one octet with non-zero unused bits; the last character is the culprit.
    d = refused(v, make_segments(h, "QR"), jot::errc::base64_non_canonical);
    CHECK(d.segment == "payload");
    CHECK(d.offset == 1);
}

TEST_CASE("diagnostic: JSON errors give the segment and the offset in the decoded text", "[diagnostic]") {
    const auto v = base().build().value();
    auto d = refused(v, make_raw(R"({"alg":"HS256"})", R"({"sub":"a",})", key(secret_a)), jot::errc::json_invalid);
    CHECK(d.check == "json");
    CHECK(d.segment == "payload");
    CHECK(d.offset == 11);  // the '}' where a member name was due

    d = refused(v, make_raw(R"({"alg":"HS256","alg":"HS256"})", good().dump(), key(secret_a)),
                jot::errc::json_duplicate_member);
    CHECK(d.segment == "header");
    CHECK(d.offset == 20);  // just after the repeated name

    d = refused(v, make_raw(R"({"alg":"HS256"})", "{\"sub\":\"a\xff\"}", key(secret_a)), jot::errc::invalid_utf8);
    CHECK(d.segment == "payload");
    CHECK(d.offset == 9);

    d = refused(v, make_raw(R"({"alg":"HS256"})", "[1]", key(secret_a)), jot::errc::json_not_object);
    CHECK(d.segment == "payload");
    CHECK(d.offset == 0);
}

TEST_CASE("diagnostic: a claim missing or of the wrong type is named", "[diagnostic]") {
    const auto v = base().build().value();
    auto d = refused(v, make({{"sub", "a"}, {"exp", now_s + 60}, {"iss", 42}}), jot::errc::claim_wrong_type);
    same(d, "claim", "iss", "a number", "a string");
    d = refused(v, make({{"exp", "tomorrow"}}), jot::errc::claim_wrong_type);
    same(d, "claim", "exp", "a string", "a NumericDate, a number");
    d = refused(v, make({{"exp", now_s + 60}, {"aud", json::array({"a", 1})}}), jot::errc::claim_wrong_type);
    same(d, "claim", "aud", "an array", "a string or an array of strings");
    d = refused(v, make({{"exp", -1}}), jot::errc::numeric_date_out_of_range);
    same(d, "claim", "exp", "-1", "a number from 0 to 253402300799");
    d = refused(v, make({{"sub", "a"}}), jot::errc::expiration_missing);
    same(d, "exp", "exp", "absent", "a NumericDate, or allow_missing_expiration()");

    const auto iss = base().expect_issuer("https://a.example").build().value();
    d = refused(iss, make(good()), jot::errc::claim_missing);
    same(d, "iss", "iss", "absent", "\"https://a.example\"");
    const auto jti = base().require_jti().build().value();
    d = refused(jti, make(good()), jot::errc::claim_missing);
    same(d, "jti", "jti", "absent", "a string: require_jti() is set");
}

TEST_CASE("diagnostic: times give the claim, the clock and the leeway", "[diagnostic]") {
    const auto v = base().build().value();
    auto d = refused(v, make({{"exp", now_s - 10}}), jot::errc::token_expired);
    same(d, "exp", "exp", "1699999990", "after 1700000000: now 1700000000 less expiry leeway 0 s");
    d = refused(v, make({{"exp", now_s + 600}, {"nbf", now_s + 300}}), jot::errc::token_not_yet_valid);
    same(d, "nbf", "nbf", "1700000300", "at most 1700000060: now 1700000000 plus future leeway 60 s");
    d = refused(v, make({{"exp", now_s + 600}, {"iat", now_s + 90.5}}), jot::errc::issued_in_future);
    same(d, "iat", "iat", "1700000090.5", "at most 1700000060: now 1700000000 plus future leeway 60 s");
    const auto aged = base().max_age(std::chrono::minutes(5)).build().value();
    d = refused(aged, make({{"exp", now_s + 600}, {"iat", now_s - 301}}), jot::errc::token_too_old);
    same(d, "max_age", "iat", "1699999699",
         "at least 1699999700: now 1700000000 less max_age 300 s and expiry leeway 0 s");
}

TEST_CASE("diagnostic: crit and cty", "[diagnostic]") {
    const auto v = base().build().value();
    auto d = refused(v, make_raw(R"({"alg":"HS256","crit":["b64"],"b64":false})", good().dump(), key(secret_a)),
                     jot::errc::crit_unsupported);
    same(d, "crit", "crit", "\"b64\"", "absent: jot implements no extension");
    d = refused(v, make_raw(R"({"alg":"HS256","crit":["x"]})", good().dump(), key(secret_a)), jot::errc::crit_invalid);
    same(d, "crit", "crit", "\"x\"", "names of extension members present in the header");
    d = refused(v, make(good(), {{"alg", "HS256"}, {"cty", "JWT"}}), jot::errc::nested_token_unsupported);
    same(d, "cty", "cty", "\"JWT\"", "no nested token");
}

TEST_CASE("diagnostic: custom checks are reported by code alone", "[diagnostic]") {
    const auto v = base().expect_claim("role", "admin").build().value();
    auto d = refused(v, make(good()), jot::errc::claim_missing);
    CHECK(d.check == "custom");
    CHECK(d.found.empty());
    const auto p = base().expect([](const jot::basic_claims<json>&) { return false; }).build().value();
    d = refused(p, make(good()), jot::errc::claim_predicate_failed);
    CHECK(d.check == "custom");
    CHECK(d.to_string() == "custom: " + make_error_code(jot::errc::claim_predicate_failed).message());
}

TEST_CASE("diagnostic: values from the token are escaped and cut", "[diagnostic]") {
    CHECK(jot::sanitize_for_diagnostic("a\"b\\c\x1b[31m\n") == "a\\\"b\\\\c\\x1b[31m\\x0a");
    const std::string long_value(200, 'x');
    const std::string cut = jot::sanitize_for_diagnostic(long_value);
    CHECK(cut.size() == jot::diagnostic_value_limit);
    CHECK(cut == std::string(jot::diagnostic_value_limit - 3, 'x') + "...");
    CHECK(jot::sanitize_for_diagnostic(std::string(jot::diagnostic_value_limit, 'y')) ==
          std::string(jot::diagnostic_value_limit, 'y'));
    // An escape is never cut in half.
    const std::string esc = jot::sanitize_for_diagnostic(std::string(59, 'z') + "\x01\x02");
    CHECK(esc == std::string(59, 'z') + "...");

    const auto v = base().expect_issuer("good").build().value();
    json c = good();
    c["iss"] = std::string("\x1b]0;pwned\x07") + std::string(300, 'q');
    const auto d = refused(v, make(c), jot::errc::issuer_mismatch);
    CHECK(d.found.size() <= jot::diagnostic_value_limit + 2);
    CHECK(d.found.rfind("\"\\x1b]0;pwned\\x07qqq", 0) == 0);
    for (char ch : d.to_string()) CHECK((ch >= 0x20 && ch < 0x7F));
}

TEST_CASE("explain: every failed check at once", "[diagnostic]") {
    const auto v = base().expect_issuer("https://a.example").build().value();
    json c = {{"iss", "https://evil.example"}, {"exp", now_s - 5}, {"nbf", now_s + 3600}};
    const std::string t = make_raw(R"({"alg":"HS256","typ":"at+jwt"})", c.dump(), key(secret_b));
    const auto all = v.explain(t);
    std::vector<jot::errc> codes;
    for (const auto& d : all) codes.push_back(static_cast<jot::errc>(d.error.value()));
    CHECK(codes == std::vector<jot::errc>{jot::errc::signature_invalid, jot::errc::type_mismatch,
                                          jot::errc::token_expired, jot::errc::token_not_yet_valid,
                                          jot::errc::issuer_mismatch});
    // The first is what verify() says.
    jot::diagnostic first;
    REQUIRE_FALSE(v.verify(t, first).has_value());
    CHECK(first.error == all.front().error);
    CHECK(first.to_string() == all.front().to_string());
}

TEST_CASE("diagnostic: never the signature segment, never the secret", "[diagnostic][security]") {
    jot::decode_options o;
    o.max_token_size = 4096;
    const auto v = verifier_builder().key(key(secret_a, "k1")).clock(at(now_s)).expect_issuer("i")
                       .expect_audience("a").limits(o).build().value();
    const std::string good_token = make_raw(R"({"alg":"HS256","kid":"k1"})", good().dump(), key(secret_a));
    std::vector<std::string> tokens = {
        make_raw(R"({"alg":"HS256","kid":"k1"})", good().dump(), key(secret_b)),  // wrong MAC
        make_raw(R"({"alg":"HS256","kid":"k2"})", good().dump(), key(secret_a)),
        make_raw(R"({"alg":"HS384","kid":"k1"})", good().dump(), key(secret_a)),
        make_raw(R"({"alg":"HS256","kid":"k1"})", R"({"exp":1})", key(secret_a)),
        make_raw(R"({"alg":"HS256","kid":"k1"})", "{", key(secret_a)),
        good_token.substr(0, good_token.size() - 1) + "*",
        good_token + "A",
        good_token.substr(0, good_token.rfind('.')) + "." + std::string(600, 'A'),
        good_token + std::string(5000, 'A'),
    };
    // A token whose claims quote its own signature: the value is cut well short of a whole signature.
    const std::string sig = good_token.substr(good_token.rfind('.') + 1);
    tokens.push_back(make_raw(R"({"alg":"HS256","kid":"k1"})", json{{"exp", now_s + 9}, {"iss", sig}}.dump(),
                              key(secret_a)));
    for (const auto& t : tokens) {
        const std::string signature = t.substr(t.rfind('.') + 1);
        std::vector<jot::diagnostic> seen = v.explain(t);
        jot::diagnostic d;
        REQUIRE_FALSE(v.verify(t, d).has_value());
        seen.push_back(d);
        REQUIRE_FALSE(seen.empty());
        for (const auto& x : seen) {
            const std::string all = x.check + "|" + x.name + "|" + x.segment + "|" + x.found + "|" + x.expected +
                                    "|" + x.to_string();
            INFO(all);
            CHECK(all.find(secret_a) == std::string::npos);
            CHECK(all.find(secret_b) == std::string::npos);
            CHECK(all.find("thirty-two") == std::string::npos);
            CHECK(all.find(signature.substr(0, 16)) == std::string::npos);
            CHECK(all.find(t.substr(0, 40)) == std::string::npos);
        }
    }
}

TEST_CASE("diagnose_key: the key's type or curve against the algorithm", "[diagnostic][key]") {
    const jot::evp_pkey_ptr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    const jot::evp_pkey_ptr ed25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    const jot::evp_pkey_ptr rsa1024(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(1024)));
    REQUIRE(p384);
    REQUIRE(ed25519);
    REQUIRE(rsa1024);

    auto d = jot::diagnose_key(jot::algorithm::es256, p384.get());
    CHECK(d.error == jot::errc::key_algorithm_mismatch);
    same(d, "key", "", "EC P-384", "EC P-256");
    CHECK(d.to_string() == "key: found EC P-384, expected EC P-256");
    CHECK_FALSE(jot::diagnose_key(jot::algorithm::es384, p384.get()));

    d = jot::diagnose_key(jot::algorithm::ed448, ed25519.get());
    CHECK(d.error == jot::errc::key_algorithm_mismatch);
    same(d, "key", "", "Ed25519", "Ed448");
    d = jot::diagnose_key(jot::algorithm::rs256, ed25519.get());
    same(d, "key", "", "Ed25519", "RSA 2048 to 8192 bits");
    d = jot::diagnose_key(jot::algorithm::hs256, p384.get());
    CHECK(d.error == jot::errc::key_algorithm_mismatch);
    same(d, "key", "", "EC P-384", "an HMAC secret of at least 32 octets");

    d = jot::diagnose_key(jot::algorithm::ps256, rsa1024.get());
    CHECK(d.error == jot::errc::key_too_weak);
    same(d, "key", "", "RSA 1024 bits", "RSA 2048 to 8192 bits");

    // From PEM, as a tool reads a key file: the public key's SubjectPublicKeyInfo.
    BIO* bio = BIO_new(BIO_s_mem());
    REQUIRE(bio);
    REQUIRE(PEM_write_bio_PUBKEY(bio, p384.get()) == 1);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    const std::string pem(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    d = jot::diagnose_key_pem(jot::algorithm::es512, pem);
    same(d, "key", "", "EC P-384", "EC P-521");
    CHECK_FALSE(jot::diagnose_key_pem(jot::algorithm::es384, pem));
    CHECK_FALSE(jot::diagnose_key_pem(jot::algorithm::es256, "not a key"));
}
