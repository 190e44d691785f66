// SPDX-License-Identifier: MIT
// Compact JWE: every key management and content encryption pair round-trips, keys stay bound to their algorithm,
// and each known attack on JWE decryption (RFC 7516 §11, RFC 8725 §3) gets its own precise errc.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <jot/base64url.hpp>
#include <jot/error.hpp>
#include <jot/jwe.hpp>
#include <jot/jwe_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using jot::content_encryption;
using jot::errc;
using jot::key_management;
using json = nlohmann::json;

const std::vector<content_encryption> all_enc = {
    content_encryption::a128gcm,       content_encryption::a192gcm,       content_encryption::a256gcm,
    content_encryption::a128cbc_hs256, content_encryption::a192cbc_hs384, content_encryption::a256cbc_hs512,
};

using jot_test::code;
using jot_test::split;
using jot_test::unb64;

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
    return out;
}

std::string b64(const std::string& s) { return jot::base64url::encode(jot::bytes_view(s)); }

/// The token with its protected header replaced by `h` (the tag then no longer matches, but every check this
/// file aims at comes before the tag).
std::string with_header(const std::string& token, const json& h) {
    auto p = split(token);
    p[0] = b64(h.dump());
    return join(p);
}

json header_of(const std::string& token) { return json::parse(unb64(split(token)[0])); }

/// A fresh decryption key for `alg` (ECDH on `curve`), and a decrypter allowing every "enc".
jot::jwe_decryption_key make_key(key_management alg, const char* curve = "P-256") {
    return jot::jwe_decryption_key::generate(alg, {}, curve).value();
}

jot::jwe_decrypter decrypter_for(const jot::jwe_decryption_key& k, std::vector<content_encryption> allowed = all_enc) {
    return jot::jwe_decrypter::create(k, std::move(allowed)).value();
}

std::string encrypt(const jot::jwe_decryption_key& k, content_encryption enc, const std::string& plaintext,
                    jot::jwe_header_options o = {}) {
    auto e = jot::jwe_encrypter::create(k.encryption_key().value(), enc).value();
    return e.encrypt(jot::bytes_view(plaintext), o).value();
}

/// Flips the low bit of the first octet that segment `i` decodes to.
std::string tamper(const std::string& token, std::size_t i) {
    auto p = split(token);
    std::string raw = unb64(p[i]);
    raw[0] = static_cast<char>(raw[0] ^ 1);
    p[i] = b64(raw);
    return join(p);
}

struct pair_case {
    key_management alg;
    const char* curve;
};

const pair_case every_alg[] = {
    {key_management::rsa_oaep, ""},           {key_management::rsa_oaep_256, ""},
    {key_management::ecdh_es, "P-256"},       {key_management::ecdh_es, "P-384"},
    {key_management::ecdh_es, "P-521"},       {key_management::ecdh_es, "X25519"},
    {key_management::ecdh_es_a128kw, "P-256"}, {key_management::ecdh_es_a192kw, "P-384"},
    {key_management::ecdh_es_a256kw, "P-521"}, {key_management::ecdh_es_a256kw, "X25519"},
    {key_management::a128kw, ""},             {key_management::a192kw, ""},
    {key_management::a256kw, ""},             {key_management::a128gcmkw, ""},
    {key_management::a192gcmkw, ""},          {key_management::a256gcmkw, ""},
};

} // namespace

TEST_CASE("every key management algorithm round-trips with every content encryption", "[jwe][roundtrip]") {
    const std::string plaintext = "{\"sub\":\"alice\",\"n\":\"\\u00e9t\\u00e9\"}";
    for (const auto& c : every_alg) {
        const auto key = make_key(c.alg, c.curve);
        const auto dec = decrypter_for(key);
        for (content_encryption enc : all_enc) {
            INFO(jot::to_string(c.alg) << " " << c.curve << " " << jot::to_string(enc));
            const std::string token = encrypt(key, enc, plaintext);
            const json h = header_of(token);
            CHECK(h["alg"] == std::string(jot::to_string(c.alg)));
            CHECK(h["enc"] == std::string(jot::to_string(enc)));
            CHECK(split(token).size() == 5);
            auto out = dec.decrypt(token);
            REQUIRE(out);
            CHECK(out->plaintext() == plaintext);
            CHECK(out->alg() == c.alg);
            CHECK(out->enc() == enc);
            // Any change to the ciphertext or the tag is the one decryption_failed.
            CHECK(dec.decrypt(tamper(token, 3)).error() == code(errc::decryption_failed));
            CHECK(dec.decrypt(tamper(token, 4)).error() == code(errc::decryption_failed));
        }
    }
}

TEST_CASE("dir round-trips with each content encryption and only with the one its key is bound to", "[jwe][roundtrip]") {
    for (content_encryption enc : all_enc) {
        INFO(jot::to_string(enc));
        const auto key = jot::jwe_decryption_key::generate_direct(enc).value();
        CHECK(key.secret().size() == jot::cek_size(enc));
        const auto dec = decrypter_for(key);
        const std::string token = encrypt(key, enc, "hello");
        CHECK(split(token)[1].empty());
        auto out = dec.decrypt(token);
        REQUIRE(out);
        CHECK(out->plaintext() == "hello");
        for (content_encryption other : all_enc)
            if (other != enc)
                CHECK(jot::jwe_encrypter::create(key.encryption_key().value(), other).error() ==
                      code(errc::key_algorithm_mismatch));
    }
}

TEST_CASE("an empty plaintext round-trips", "[jwe][roundtrip]") {
    const auto key = make_key(key_management::a128kw);
    for (content_encryption enc : all_enc) {
        const std::string token = encrypt(key, enc, "");
        auto out = decrypter_for(key).decrypt(token);
        REQUIRE(out);
        CHECK(out->plaintext().empty());
    }
}

TEST_CASE("each encryption draws a fresh CEK and IV", "[jwe][roundtrip]") {
    const auto key = make_key(key_management::a256kw);
    const std::string a = encrypt(key, content_encryption::a256gcm, "same");
    const std::string b = encrypt(key, content_encryption::a256gcm, "same");
    CHECK(split(a)[1] != split(b)[1]);
    CHECK(split(a)[2] != split(b)[2]);
}

TEST_CASE("cty, typ and kid are written to the protected header", "[jwe][builder]") {
    const auto key = jot::jwe_decryption_key::from_secret(key_management::a128kw, std::string(16, 'k'), "k-1").value();
    const std::string token = encrypt(key, content_encryption::a128gcm, "x", {"JWT", "JOSE"});
    CHECK(split(token)[0] == b64(R"({"alg":"A128KW","kid":"k-1","enc":"A128GCM","cty":"JWT","typ":"JOSE"})"));
    auto out = decrypter_for(key).decrypt(token);
    REQUIRE(out);
    CHECK(out->content_type() == "JWT");
    CHECK(out->type() == "JOSE");
}

TEST_CASE("the key decides the algorithm: a token for another alg is algorithm_not_allowed", "[jwe][negative]") {
    const auto kw = make_key(key_management::a128kw);
    const auto gcmkw = jot::jwe_decryption_key::from_secret(key_management::a128gcmkw, kw.secret()).value();
    const std::string token = encrypt(kw, content_encryption::a128gcm, "x");
    CHECK(decrypter_for(gcmkw).decrypt(token).error() == code(errc::algorithm_not_allowed));
    // Rewriting "alg" to the key's algorithm does not help either: the header is authenticated.
    json h = header_of(token);
    h["alg"] = "A128GCMKW";
    CHECK(decrypter_for(gcmkw).decrypt(with_header(token, h)).error() != code(errc::algorithm_not_allowed));
}

TEST_CASE("an enc the caller did not allow is encryption_not_allowed", "[jwe][negative]") {
    const auto key = make_key(key_management::a256kw);
    const std::string token = encrypt(key, content_encryption::a128cbc_hs256, "x");
    CHECK(decrypter_for(key, {content_encryption::a256gcm}).decrypt(token).error() ==
          code(errc::encryption_not_allowed));
    CHECK(jot::jwe_decrypter::create(key, {}).error() == code(errc::invalid_argument));
    const auto dir = jot::jwe_decryption_key::generate_direct(content_encryption::a256gcm).value();
    CHECK(jot::jwe_decrypter::create(dir, {content_encryption::a128cbc_hs256}).error() ==
          code(errc::encryption_not_allowed));
    // dir: a 32-octet key is also an A128CBC-HS256 key, but it is bound to A256GCM only.
    const auto dir_cbc = jot::jwe_decryption_key::direct(content_encryption::a128cbc_hs256, dir.secret()).value();
    const std::string cbc_token = encrypt(dir_cbc, content_encryption::a128cbc_hs256, "x");
    CHECK(decrypter_for(dir).decrypt(cbc_token).error() == code(errc::encryption_not_allowed));
}

TEST_CASE("a kid that differs from the key's is key_not_found", "[jwe][negative]") {
    const auto a = jot::jwe_decryption_key::from_secret(key_management::a128kw, std::string(16, 'a'), "a").value();
    const auto b = jot::jwe_decryption_key::from_secret(key_management::a128kw, std::string(16, 'a'), "b").value();
    CHECK(decrypter_for(b).decrypt(encrypt(a, content_encryption::a128gcm, "x")).error() ==
          code(errc::key_not_found));
}

TEST_CASE("a dir or key-wrap key of the wrong size is key_size_invalid", "[jwe][keys][negative]") {
    CHECK(jot::jwe_decryption_key::from_secret(key_management::a128kw, std::string(15, 'k')).error() ==
          code(errc::key_size_invalid));
    CHECK(jot::jwe_decryption_key::from_secret(key_management::a128kw, std::string(32, 'k')).error() ==
          code(errc::key_size_invalid));
    CHECK(jot::jwe_encryption_key::from_secret(key_management::a256gcmkw, std::string(24, 'k')).error() ==
          code(errc::key_size_invalid));
    CHECK(jot::jwe_encryption_key::direct(content_encryption::a128cbc_hs256, std::string(16, 'k')).error() ==
          code(errc::key_size_invalid));
    CHECK(jot::jwe_encryption_key::direct(content_encryption::a256cbc_hs512, std::string(32, 'k')).error() ==
          code(errc::key_size_invalid));
    CHECK(jot::jwe_encryption_key::from_secret(key_management::dir, std::string(16, 'k')).error() ==
          code(errc::key_algorithm_mismatch));
    CHECK(jot::jwe_encryption_key::from_secret(key_management::rsa_oaep, std::string(16, 'k')).error() ==
          code(errc::key_algorithm_mismatch));
}

TEST_CASE("an asymmetric key of the wrong type or curve is refused", "[jwe][keys][negative]") {
    const auto ec = make_key(key_management::ecdh_es, "P-384");
    const std::string pem = ec.to_pem().value();
    CHECK(jot::jwe_decryption_key::from_pem(key_management::rsa_oaep, pem).error() ==
          code(errc::key_algorithm_mismatch));
    CHECK(jot::jwe_decryption_key::from_pem(key_management::a128kw, pem).error() ==
          code(errc::key_algorithm_mismatch));
    CHECK(jot::jwe_decryption_key::from_pem(key_management::ecdh_es_a128kw, pem));
    CHECK(jot::jwe_encryption_key::from_pem(key_management::ecdh_es, ec.public_pem().value()));
    CHECK(jot::jwe_decryption_key::from_pem(key_management::ecdh_es, ec.public_pem().value()).error() ==
          code(errc::key_not_private));
    // An RSA key under 2048 bits.
    EVP_PKEY* small = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(1024));
    REQUIRE(small);
    CHECK(jot::jwe_decryption_key::from_pkey(key_management::rsa_oaep, jot::detail::pkey_ptr(small)).error() ==
          code(errc::key_too_weak));
    // secp256k1 is no JWE curve.
    EVP_PKEY* k1 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1");
    REQUIRE(k1);
    CHECK(jot::jwe_decryption_key::from_pkey(key_management::ecdh_es, jot::detail::pkey_ptr(k1)).error() ==
          code(errc::key_algorithm_mismatch));
}

TEST_CASE("keys are read from JWKs with use and alg checked", "[jwe][keys]") {
    const auto oct = jot::jwe_decryption_key::from_jwk(key_management::a128kw,
                                                       R"({"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg","kid":"x"})");
    REQUIRE(oct);
    CHECK(oct->key_id() == "x");
    CHECK(jot::jwe_decryption_key::from_jwk(key_management::a128kw,
                                            R"({"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg","use":"sig"})")
              .error() == code(errc::key_use_mismatch));
    CHECK(jot::jwe_decryption_key::from_jwk(key_management::a128kw,
                                            R"({"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg","alg":"A256KW"})")
              .error() == code(errc::key_algorithm_mismatch));
    CHECK(jot::jwe_decryption_key::from_jwk(key_management::a256kw, R"({"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"})")
              .error() == code(errc::key_size_invalid));
    const char* x25519 = R"({"kty":"OKP","crv":"X25519","kid":"Bob",
        "x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08","d":"XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os"})";
    auto priv = jot::jwe_decryption_key::from_jwk(key_management::ecdh_es, x25519);
    REQUIRE(priv);
    auto pub = jot::jwe_encryption_key::from_jwk(key_management::ecdh_es, x25519);
    REQUIRE(pub);
    const std::string token =
        jot::jwe_encrypter::create(*pub, content_encryption::a128gcm).value().encrypt(std::string_view("hi")).value();
    CHECK(decrypter_for(*priv).decrypt(token).value().plaintext() == "hi");
    // "d" that does not belong to "x".
    CHECK(jot::jwe_decryption_key::from_jwk(key_management::ecdh_es,
                                            R"({"kty":"OKP","crv":"X25519","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08",
                                                "d":"RVqkt2ZmEiUY-OGyag9rXe7vsDm2BQ_XykdxhLv9pd4"})")
              .error() == code(errc::key_invalid));
}

// ---------------------------------------------------------------------------------------------------------------
// The attacks of RFC 7516 §11 and RFC 8725 §3, one by one.

namespace {

/// An "epk" for `curve` whose point is (x, y) as given, base64url-encoded from raw octets.
json ec_epk(const char* crv, const std::vector<std::uint8_t>& x, const std::vector<std::uint8_t>& y) {
    return {{"kty", "EC"}, {"crv", crv}, {"x", jot::base64url::encode(jot::bytes_view(x))},
            {"y", jot::base64url::encode(jot::bytes_view(y))}};
}

} // namespace

TEST_CASE("an epk off the key's curve is ephemeral_key_invalid (invalid-curve attack)", "[jwe][attack]") {
    const auto key = make_key(key_management::ecdh_es, "P-256");
    const auto dec = decrypter_for(key);
    const std::string token = encrypt(key, content_encryption::a128gcm, "secret");
    json h = header_of(token);
    // The sender's own point with y changed: not on P-256.
    std::string y = unb64(h["epk"]["y"].get<std::string>());
    y[31] = static_cast<char>(y[31] ^ 1);
    h["epk"]["y"] = b64(y);
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::ephemeral_key_invalid));
    // (0, 0) and a point of tiny coordinates, the classic invalid-curve probes.
    h["epk"] = ec_epk("P-256", std::vector<std::uint8_t>(32, 0), std::vector<std::uint8_t>(32, 0));
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::ephemeral_key_invalid));
    std::vector<std::uint8_t> one(32, 0);
    one[31] = 1;
    h["epk"] = ec_epk("P-256", one, one);
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::ephemeral_key_invalid));
}

TEST_CASE("an epk of another curve than the key's is ephemeral_key_invalid", "[jwe][attack]") {
    const auto key = make_key(key_management::ecdh_es_a128kw, "P-256");
    const auto other = make_key(key_management::ecdh_es_a128kw, "P-384");
    const std::string token = encrypt(key, content_encryption::a128gcm, "secret");
    const std::string foreign = encrypt(other, content_encryption::a128gcm, "secret");
    json h = header_of(token);
    h["epk"] = header_of(foreign)["epk"]; // a valid P-384 point
    CHECK(decrypter_for(key).decrypt(with_header(token, h)).error() == code(errc::ephemeral_key_invalid));
    // A valid X25519 key offered to a P-256 recipient, and a P-256 "epk" that claims another kty.
    const auto x = make_key(key_management::ecdh_es_a128kw, "X25519");
    h["epk"] = header_of(encrypt(x, content_encryption::a128gcm, "s"))["epk"];
    CHECK(decrypter_for(key).decrypt(with_header(token, h)).error() == code(errc::ephemeral_key_invalid));
    h = header_of(token);
    h["epk"]["kty"] = "OKP";
    CHECK(decrypter_for(key).decrypt(with_header(token, h)).error() == code(errc::ephemeral_key_invalid));
    h = header_of(token);
    h.erase("epk");
    CHECK(decrypter_for(key).decrypt(with_header(token, h)).error() == code(errc::ephemeral_key_invalid));
}

TEST_CASE("an X25519 epk of small order is refused (all-zero shared secret)", "[jwe][attack]") {
    const auto key = make_key(key_management::ecdh_es, "X25519");
    const std::string token = encrypt(key, content_encryption::a128gcm, "secret");
    json h = header_of(token);
    // RFC 7748 §6.1: u = 0 and u = 1 give the all-zero output for every private key.
    for (int u : {0, 1}) {
        std::vector<std::uint8_t> point(32, 0);
        point[0] = static_cast<std::uint8_t>(u);
        h["epk"] = {{"kty", "OKP"}, {"crv", "X25519"}, {"x", jot::base64url::encode(jot::bytes_view(point))}};
        CHECK(decrypter_for(key).decrypt(with_header(token, h)).error() == code(errc::ephemeral_key_invalid));
    }
}

TEST_CASE("a GCM tag of the wrong length is tag_length_invalid", "[jwe][attack]") {
    const auto key = make_key(key_management::a128kw);
    const auto dec = decrypter_for(key);
    const std::string token = encrypt(key, content_encryption::a128gcm, "secret");
    auto p = split(token);
    const std::string tag = unb64(p[4]);
    for (std::size_t n : {0u, 4u, 8u, 12u, 15u, 17u, 32u}) {
        INFO(n);
        p[4] = b64(n <= tag.size() ? tag.substr(0, n) : tag + std::string(n - tag.size(), '\0'));
        CHECK(dec.decrypt(join(p)).error() == code(errc::tag_length_invalid));
    }
    // And for CBC-HS: the tag is exactly half the CEK (RFC 7518 §5.2.2.1), never truncated further.
    const std::string cbc = encrypt(key, content_encryption::a128cbc_hs256, "secret");
    auto q = split(cbc);
    q[4] = b64(unb64(q[4]).substr(0, 8));
    CHECK(dec.decrypt(join(q)).error() == code(errc::tag_length_invalid));
    // An A*GCMKW header "tag" is held to the same rule.
    const auto gk = make_key(key_management::a128gcmkw);
    const std::string gt = encrypt(gk, content_encryption::a128gcm, "s");
    json h = header_of(gt);
    h["tag"] = b64(unb64(h["tag"].get<std::string>()).substr(0, 12));
    CHECK(decrypter_for(gk).decrypt(with_header(gt, h)).error() == code(errc::tag_length_invalid));
    h = header_of(gt);
    h["iv"] = b64(unb64(h["iv"].get<std::string>()) + "x");
    CHECK(decrypter_for(gk).decrypt(with_header(gt, h)).error() == code(errc::iv_length_invalid));
}

TEST_CASE("a CBC-HS tag is checked in constant time before anything is decrypted", "[jwe][attack]") {
    // Straight at the primitive: with a wrong tag the output buffer is never written, so no padding oracle can
    // exist; with the right tag the same ciphertext decrypts.
    const std::vector<std::uint8_t> key(32, 7), iv(16, 9);
    const std::string aad = "aad", plain = "sixteen octets!!";
    std::vector<std::uint8_t> ct(plain.size() + 16), tag(16);
    auto n = jot::detail::cbc_hs_encrypt(jot::bytes_view(key), jot::bytes_view(iv), jot::bytes_view(aad),
                                         jot::bytes_view(plain), ct.data(), tag.data());
    REQUIRE(n);
    ct.resize(*n);
    std::vector<std::uint8_t> out(ct.size(), 0xAA);
    std::vector<std::uint8_t> bad = tag;
    bad[15] ^= 0x80;
    auto r = jot::detail::cbc_hs_decrypt(jot::bytes_view(key), jot::bytes_view(iv), jot::bytes_view(aad),
                                         jot::bytes_view(ct), jot::bytes_view(bad), out.data());
    CHECK(r.error() == code(errc::decryption_failed));
    CHECK(out == std::vector<std::uint8_t>(ct.size(), 0xAA));
    auto ok = jot::detail::cbc_hs_decrypt(jot::bytes_view(key), jot::bytes_view(iv), jot::bytes_view(aad),
                                          jot::bytes_view(ct), jot::bytes_view(tag), out.data());
    REQUIRE(ok);
    CHECK(std::string(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*ok)) == plain);
    // Bad padding under a valid tag (only a key holder can make one) is the same decryption_failed.
    std::vector<std::uint8_t> junk(32, 0x33), junk_tag(16);
    REQUIRE(jot::detail::cbc_hs_tag(jot::bytes_view(key.data(), 16), jot::bytes_view(iv), jot::bytes_view(aad),
                                    jot::bytes_view(junk), junk_tag.data()));
    std::vector<std::uint8_t> junk_out(32);
    auto padding = jot::detail::cbc_hs_decrypt(jot::bytes_view(key), jot::bytes_view(iv), jot::bytes_view(aad),
                                               jot::bytes_view(junk), jot::bytes_view(junk_tag), junk_out.data());
    CHECK(padding.error() == code(errc::decryption_failed));
}

TEST_CASE("a key-wrap integrity failure is decryption_failed, like a bad tag", "[jwe][attack]") {
    for (key_management alg : {key_management::a128kw, key_management::a256kw, key_management::ecdh_es_a128kw,
                               key_management::a192gcmkw}) {
        INFO(jot::to_string(alg));
        const auto key = make_key(alg);
        const auto dec = decrypter_for(key);
        const std::string token = encrypt(key, content_encryption::a256gcm, "secret");
        CHECK(dec.decrypt(tamper(token, 1)).error() == code(errc::decryption_failed));
        // An encrypted key of the wrong length takes the same path.
        auto p = split(token);
        p[1] = b64(unb64(p[1]).substr(0, 16));
        CHECK(dec.decrypt(join(p)).error() == code(errc::decryption_failed));
        // A key wrapped for another enc's CEK size: unwraps, but the CEK length is wrong.
        const std::string other = encrypt(key, content_encryption::a128gcm, "secret");
        auto q = split(token);
        q[1] = split(other)[1];
        CHECK(dec.decrypt(join(q)).error() == code(errc::decryption_failed));
    }
    // Straight at the primitive: the RFC 3394 check value.
    const std::vector<std::uint8_t> kek(16, 1), cek(16, 2);
    std::vector<std::uint8_t> wrapped(24), out(24);
    REQUIRE(jot::detail::aes_wrap(jot::bytes_view(kek), jot::bytes_view(cek), wrapped.data()));
    wrapped[0] ^= 1;
    CHECK(jot::detail::aes_unwrap(jot::bytes_view(kek), jot::bytes_view(wrapped), out.data()).error() ==
          code(errc::decryption_failed));
}

TEST_CASE("an RSA-OAEP decryption failure is the same decryption_failed as a bad tag", "[jwe][attack]") {
    for (key_management alg : {key_management::rsa_oaep, key_management::rsa_oaep_256}) {
        const auto key = make_key(alg);
        const auto dec = decrypter_for(key);
        const std::string token = encrypt(key, content_encryption::a128cbc_hs256, "secret");
        const auto bad_key = dec.decrypt(tamper(token, 1)).error();
        const auto bad_tag = dec.decrypt(tamper(token, 4)).error();
        CHECK(bad_key == code(errc::decryption_failed));
        CHECK(bad_key == bad_tag);
        auto p = split(token);
        p[1] = b64(unb64(p[1]).substr(1)); // one octet short of the modulus
        CHECK(dec.decrypt(join(p)).error() == code(errc::decryption_failed));
        // A CEK encrypted with the right key but of the wrong length for "enc".
        const std::string short_cek = encrypt(key, content_encryption::a128gcm, "secret");
        auto q = split(token);
        q[1] = split(short_cek)[1];
        CHECK(dec.decrypt(join(q)).error() == code(errc::decryption_failed));
    }
    // The RSA-OAEP-256 key does not open an RSA-OAEP token even with "alg" rewritten: OAEP's hash differs.
    const auto k = make_key(key_management::rsa_oaep_256);
    const auto k1 = jot::jwe_decryption_key::from_pem(key_management::rsa_oaep, k.to_pem().value()).value();
    const std::string t1 = encrypt(k1, content_encryption::a256gcm, "s");
    json h = header_of(t1);
    h["alg"] = "RSA-OAEP-256";
    CHECK(decrypter_for(k).decrypt(with_header(t1, h)).error() == code(errc::decryption_failed));
}

TEST_CASE("header members of the wrong type are header_invalid_member", "[jwe][attack]") {
    const auto key = make_key(key_management::ecdh_es_a128kw);
    const auto dec = decrypter_for(key);
    const std::string token = encrypt(key, content_encryption::a128gcm, "x");
    const json base = header_of(token);
    const std::vector<std::pair<const char*, json>> cases = {
        {"enc", 1},          {"alg", json::array({"ECDH-ES+A128KW"})}, {"epk", "not an object"},
        {"apu", 5},          {"apv", json::object()},                  {"kid", 7},
        {"cty", false},      {"typ", nullptr},                          {"iv", 1},
        {"tag", 2},          {"p2s", 3},                                {"p2c", "1000"},
        {"jwk", "x"},        {"x5c", json::array({"not base64!"})},
    };
    for (const auto& [name, value] : cases) {
        INFO(name);
        json h = base;
        h[name] = value;
        CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::header_invalid_member));
    }
    json h = base;
    h.erase("enc");
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::header_missing_enc));
    h = base;
    h.erase("alg");
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::header_missing_alg));
}

TEST_CASE("zip, unknown crit, RSA1_5, PBES2 and unknown enc are refused", "[jwe][attack]") {
    const auto key = make_key(key_management::a128kw);
    const auto dec = decrypter_for(key);
    const std::string token = encrypt(key, content_encryption::a128gcm, "x");
    const json base = header_of(token);
    json h = base;
    h["zip"] = "DEF";
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::zip_unsupported));
    h = base;
    h["exp"] = 1;
    h["crit"] = {"exp"};
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::crit_unsupported));
    h["crit"] = {"enc"};
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::crit_invalid));
    h["crit"] = json::array();
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::crit_invalid));
    h["crit"] = {"absent"};
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::crit_invalid));
    for (const char* alg : {"RSA1_5", "PBES2-HS256+A128KW", "PBES2-HS512+A256KW", "none", "a128kw", "ECDH-ES+A128GCMKW"}) {
        INFO(alg);
        h = base;
        h["alg"] = alg;
        CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::unsupported_algorithm));
    }
    for (const char* enc : {"A128CBC", "a128gcm", "A128CBC-HS512", "XC20P", ""}) {
        INFO(enc);
        h = base;
        h["enc"] = enc;
        CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::unsupported_encryption));
    }
    CHECK(jot::key_management_from_string("RSA1_5").error() == code(errc::unsupported_algorithm));
}

TEST_CASE("non-canonical base64url in any of the five parts is base64_non_canonical", "[jwe][attack]") {
    // Each segment below has a length with unused trailing bits (22 characters for 16 octets, 342 for 256).
    const auto key = make_key(key_management::rsa_oaep);
    const auto dec = decrypter_for(key);
    const auto k2 = jot::jwe_decryption_key::from_pem(key_management::rsa_oaep, key.to_pem().value(), "k").value();
    const std::string token = encrypt(k2, content_encryption::a128cbc_hs256, "seventeen octets!");
    auto p = split(token);
    for (std::size_t i = 0; i < 5; ++i) {
        INFO("segment " << i << " of length " << p[i].size());
        REQUIRE(p[i].size() % 4 != 0);
        auto q = p;
        // Set the lowest bit of the last character's value: a different string decoding to the same octets.
        char& c = q[i].back();
        const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        c = alphabet[alphabet.find(c) | 1];
        CHECK(jot::detail::jwe_decrypt(jot::detail::jwe_key_access::of(k2), all_enc, join(q), {}).error() ==
              code(errc::base64_non_canonical));
        q[i] += "=";
        CHECK(dec.decrypt(join(q)).error() != std::error_code());
    }
    // Characters outside the alphabet and padding, in every segment.
    for (std::size_t i = 0; i < 5; ++i) {
        auto q = p;
        q[i][0] = '+';
        CHECK(dec.decrypt(join(q)).error() == code(errc::base64_invalid_character));
    }
}

TEST_CASE("sizes are bounded before anything is decoded", "[jwe][attack]") {
    const auto key = make_key(key_management::a128kw);
    const auto dec = decrypter_for(key);
    const std::string token = encrypt(key, content_encryption::a128gcm, "x");
    auto p = split(token);
    p[3] = std::string(70 * 1024, 'A');
    CHECK(dec.decrypt(join(p)).error() == code(errc::token_too_large));
    CHECK(dec.decrypt(std::string(100000, '.')).error() == code(errc::token_too_large));
    CHECK(dec.decrypt(std::string(1000, '.')).error() == code(errc::jwe_not_compact));
    jot::decode_options small;
    small.max_token_size = token.size() - 1;
    CHECK(jot::jwe_decrypter::create(key, all_enc, small).value().decrypt(token).error() ==
          code(errc::token_too_large));
    // Long IV or tag segments are refused by length, without being decoded.
    auto q = split(token);
    q[2] = std::string(1000, 'A');
    CHECK(dec.decrypt(join(q)).error() == code(errc::iv_length_invalid));
    q = split(token);
    q[4] = std::string(1000, 'A');
    CHECK(dec.decrypt(join(q)).error() == code(errc::tag_length_invalid));
}

TEST_CASE("a token without exactly five segments is jwe_not_compact", "[jwe][negative]") {
    const auto key = make_key(key_management::a128kw);
    const auto dec = decrypter_for(key);
    const std::string token = encrypt(key, content_encryption::a128gcm, "x");
    CHECK(dec.decrypt(token + ".").error() == code(errc::jwe_not_compact));
    CHECK(dec.decrypt(token.substr(0, token.rfind('.'))).error() == code(errc::jwe_not_compact));
    CHECK(dec.decrypt("eyJhbGciOiJIUzI1NiJ9.e30.c2ln").error() == code(errc::jwe_not_compact));
    CHECK(dec.decrypt("").error() == code(errc::jwe_not_compact));
    CHECK(dec.decrypt("....").error() == code(errc::empty_segment));
}

TEST_CASE("an encrypted key where none belongs, or none where one is needed, is encrypted_key_invalid",
          "[jwe][negative]") {
    const auto dir = jot::jwe_decryption_key::generate_direct(content_encryption::a128gcm).value();
    auto p = split(encrypt(dir, content_encryption::a128gcm, "x"));
    p[1] = b64("extra");
    CHECK(decrypter_for(dir).decrypt(join(p)).error() == code(errc::encrypted_key_invalid));
    const auto es = make_key(key_management::ecdh_es);
    p = split(encrypt(es, content_encryption::a128gcm, "x"));
    p[1] = b64("extra");
    CHECK(decrypter_for(es).decrypt(join(p)).error() == code(errc::encrypted_key_invalid));
    const auto kw = make_key(key_management::a128kw);
    p = split(encrypt(kw, content_encryption::a128gcm, "x"));
    p[1].clear();
    CHECK(decrypter_for(kw).decrypt(join(p)).error() == code(errc::encrypted_key_invalid));
}

TEST_CASE("an IV of the wrong length is iv_length_invalid", "[jwe][negative]") {
    const auto key = make_key(key_management::a128kw);
    const auto dec = decrypter_for(key);
    for (content_encryption enc : {content_encryption::a128gcm, content_encryption::a128cbc_hs256}) {
        auto p = split(encrypt(key, enc, "x"));
        const std::string iv = unb64(p[2]);
        for (const std::string& bad : {iv.substr(0, iv.size() - 1), iv + "x", std::string()}) {
            p[2] = b64(bad);
            CHECK(dec.decrypt(join(p)).error() == code(errc::iv_length_invalid));
        }
    }
}

TEST_CASE("the new JWE codes belong to their conditions", "[jwe][errors]") {
    CHECK(code(errc::jwe_not_compact) == jot::condition::malformed);
    CHECK(code(errc::header_missing_enc) == jot::condition::malformed);
    CHECK(code(errc::iv_length_invalid) == jot::condition::malformed);
    CHECK(code(errc::encrypted_key_invalid) == jot::condition::malformed);
    CHECK(code(errc::decryption_failed) == jot::condition::unauthenticated);
    CHECK(code(errc::tag_length_invalid) == jot::condition::unauthenticated);
    CHECK(code(errc::ephemeral_key_invalid) == jot::condition::unauthenticated);
    CHECK(code(errc::unsupported_encryption) == jot::condition::unauthenticated);
    CHECK(code(errc::encryption_not_allowed) == jot::condition::unauthenticated);
    CHECK(code(errc::zip_unsupported) == jot::condition::unauthenticated);
    CHECK(code(errc::crit_unsupported) == jot::condition::unauthenticated);
    CHECK(code(errc::nested_token_expected) == jot::condition::claims_rejected);
    CHECK(code(errc::key_size_invalid) == jot::condition::bad_key);
    CHECK(code(errc::too_many_keys) == jot::condition::bad_key);
}
