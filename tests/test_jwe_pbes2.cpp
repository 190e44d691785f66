// SPDX-License-Identifier: MIT
// PBES2 (RFC 7518 §4.8) behind its opt-in: the RFC 7520 §5.3 example, round trips, wrong passwords, and the
// bounds on "p2c" and "p2s" checked before any PBKDF2 work.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/jwe.hpp>
#include <jot/jwe_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using jot::content_encryption;
using jot::errc;
using jot::key_management;
using json = nlohmann::json;

const char* const cookbook_5_3 = "jose-cookbook/jwe/5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json";

const std::vector<content_encryption> all_enc = {
    content_encryption::a128gcm,       content_encryption::a192gcm,       content_encryption::a256gcm,
    content_encryption::a128cbc_hs256, content_encryption::a192cbc_hs384, content_encryption::a256cbc_hs512,
};

using jot_test::code;
using jot_test::split;
using jot_test::unb64;

/// `token` with its protected header replaced by `header` (the other segments kept as they are).
std::string with_header(const std::string& token, const json& header) {
    const auto p = split(token);
    return jot::base64url::encode(header.dump()) + "." + p[1] + "." + p[2] + "." + p[3] + "." + p[4];
}

json header_of(const std::string& token) { return json::parse(unb64(split(token)[0])); }

jot::jwe_decryption_key password_key(key_management alg, const std::string& password, jot::pbes2_options o = {}) {
    return jot::jwe_decryption_key::from_password(alg, jot::bytes_view(password), o).value();
}

} // namespace

TEST_CASE("RFC 7520 §5.3: a PBES2-HS512+A256KW token decrypts with the password key", "[jwe][pbes2][vectors]") {
    const json v = jot_test::read_json(cookbook_5_3);
    const json& in = v["input"];
    const auto key = password_key(key_management::pbes2_hs512_a256kw, in["pwd"].get<std::string>());
    const auto out = jot::jwe_decrypter::create(key, {content_encryption::a128cbc_hs256})
                         .value()
                         .decrypt(v["output"]["compact"].get<std::string>());
    REQUIRE(out);
    CHECK(out->plaintext() == in["plaintext"].get<std::string>());
    CHECK(out->alg() == key_management::pbes2_hs512_a256kw);
    CHECK(out->content_type() == "jwk-set+json");
    CHECK(out->type().empty());
    // The header is scanned while decrypting; its DOM is built from the same decoded text when asked for.
    CHECK(out->header() == v["encrypting_content"]["protected"]);
    CHECK(out->header_json() == unb64(v["encrypting_content"]["protected_b64u"]));
}

TEST_CASE("RFC 7520 §5.3: with its CEK, IV and salt injected, the encrypted key and ciphertext are reproduced",
          "[jwe][pbes2][vectors]") {
    const json v = jot_test::read_json(cookbook_5_3);
    const json& in = v["input"];
    const std::string cek = unb64(v["generated"]["cek"]), iv = unb64(v["generated"]["iv"]),
                      salt = unb64(v["encrypting_key"]["salt"]);
    REQUIRE(v["encrypting_key"]["iteration_count"] == 8192);
    const auto key = password_key(key_management::pbes2_hs512_a256kw, in["pwd"].get<std::string>(), {8192, 8192});
    jot::detail::jwe_fixed_randomness fixed;
    fixed.cek = jot::bytes_view(cek);
    fixed.iv = jot::bytes_view(iv);
    fixed.p2s = jot::bytes_view(salt);
    const auto pub = key.encryption_key().value();
    const std::string mine = jot::detail::jwe_encrypt(jot::detail::jwe_key_access::of(pub),
                                                      content_encryption::a128cbc_hs256,
                                                      jot::bytes_view(in["plaintext"].get<std::string>()),
                                                      "jwk-set+json", {}, &fixed)
                                 .value();
    const auto a = split(mine), b = split(v["output"]["compact"].get<std::string>());
    // jot writes "enc" before "cty", the example the other way round: the same members, another AAD, so the
    // tag differs while the encrypted key, IV and (CBC) ciphertext do not.
    CHECK(header_of(mine) == v["encrypting_content"]["protected"]);
    CHECK(a[1] == b[1]);
    CHECK(a[1] == v["encrypting_key"]["encrypted_key"].get<std::string>());
    CHECK(a[2] == b[2]);
    CHECK(a[3] == b[3]);
    CHECK(jot::jwe_decrypter::create(key, {content_encryption::a128cbc_hs256}).value().decrypt(mine).value().plaintext() ==
          in["plaintext"].get<std::string>());
}

TEST_CASE("PBES2 round trips for each algorithm and content encryption, with a fresh salt per token",
          "[jwe][pbes2]") {
    for (auto alg : {key_management::pbes2_hs256_a128kw, key_management::pbes2_hs384_a192kw,
                     key_management::pbes2_hs512_a256kw}) {
        const auto key = password_key(alg, "correct horse battery staple", {1000, 10000});
        const auto enc_key = key.encryption_key().value();
        for (auto enc : all_enc) {
            INFO(jot::to_string(alg) << " " << jot::to_string(enc));
            const auto e = jot::jwe_encrypter::create(enc_key, enc).value();
            const std::string t1 = e.encrypt(jot::bytes_view(std::string_view("hello"))).value();
            const std::string t2 = e.encrypt(jot::bytes_view(std::string_view("hello"))).value();
            const json h = header_of(t1);
            CHECK(h["alg"] == std::string(jot::to_string(alg)));
            CHECK(h["p2c"] == 1000);
            CHECK(unb64(h["p2s"].get<std::string>()).size() == 16);
            CHECK(h["p2s"] != header_of(t2)["p2s"]);
            CHECK(split(t1)[1].size() == jot::base64url::encoded_size(jot::cek_size(enc) + 8));
            CHECK(jot::jwe_decrypter::create(key, {enc}).value().decrypt(t1).value().plaintext() == "hello");
        }
    }
}

TEST_CASE("PBES2 with the wrong password is decryption_failed, like any bad tag", "[jwe][pbes2][negative]") {
    const json v = jot_test::read_json(cookbook_5_3);
    const auto wrong = password_key(key_management::pbes2_hs512_a256kw, "entrap_o-peter_long-credit_tun");
    CHECK(jot::jwe_decrypter::create(wrong, all_enc).value().decrypt(v["output"]["compact"].get<std::string>()).error() ==
          code(errc::decryption_failed));
}

TEST_CASE("PBES2 tokens are unsupported_algorithm for every key not made from a password", "[jwe][pbes2][negative]") {
    const std::string token = jot_test::read_json(cookbook_5_3)["output"]["compact"];
    const std::vector<jot::jwe_decryption_key> keys = {
        jot::jwe_decryption_key::generate(key_management::a256kw).value(),
        jot::jwe_decryption_key::generate_direct(content_encryption::a128cbc_hs256).value(),
        jot::jwe_decryption_key::generate(key_management::ecdh_es).value(),
    };
    for (const auto& k : keys) {
        INFO(jot::to_string(k.alg()));
        CHECK(jot::jwe_decrypter::create(k, all_enc).value().decrypt(token).error() ==
              code(errc::unsupported_algorithm));
    }
    // A password key of another PBES2 algorithm: the key decides the algorithm.
    const auto other = password_key(key_management::pbes2_hs256_a128kw, "entrap_o–peter_long–credit_tun");
    CHECK(jot::jwe_decrypter::create(other, all_enc).value().decrypt(token).error() ==
          code(errc::algorithm_not_allowed));
}

TEST_CASE("PBES2 keys: the opt-in refuses other algorithms, empty passwords and counts out of bounds",
          "[jwe][pbes2][keys]") {
    const jot::bytes_view pw(std::string_view("password"));
    using dk = jot::jwe_decryption_key;
    using ek = jot::jwe_encryption_key;
    CHECK(dk::from_password(key_management::a128kw, pw).error() == code(errc::key_algorithm_mismatch));
    CHECK(ek::from_password(key_management::dir, pw).error() == code(errc::key_algorithm_mismatch));
    CHECK(dk::from_secret(key_management::pbes2_hs256_a128kw, jot::bytes_view(std::string_view("0123456789abcdef"))).error() ==
          code(errc::key_algorithm_mismatch));
    CHECK(dk::from_password(key_management::pbes2_hs256_a128kw, jot::bytes_view(std::string_view(""))).error() ==
          code(errc::key_size_invalid));
    CHECK(dk::from_password(key_management::pbes2_hs256_a128kw, pw, {999, 10000}).error() ==
          code(errc::invalid_argument));
    CHECK(ek::from_password(key_management::pbes2_hs256_a128kw, pw, {20000, 10000}).error() ==
          code(errc::invalid_argument));
    CHECK(dk::from_password(key_management::pbes2_hs256_a128kw, pw, {1000, 999}).error() ==
          code(errc::invalid_argument));
    CHECK(dk::generate(key_management::pbes2_hs384_a192kw).error() == code(errc::invalid_argument));
    const auto k = dk::from_password(key_management::pbes2_hs384_a192kw, pw).value();
    CHECK(k.alg() == key_management::pbes2_hs384_a192kw);
    CHECK(jot::key_management_from_string("PBES2-HS384+A192KW").value() == key_management::pbes2_hs384_a192kw);
}

TEST_CASE("PBES2 p2c over the key's bound is refused before any PBKDF2 work", "[jwe][pbes2][negative]") {
    const auto key = password_key(key_management::pbes2_hs256_a128kw, "pw", {1000, 5000});
    const auto dec = jot::jwe_decrypter::create(key, all_enc).value();
    const std::string token = jot::jwe_encrypter::create(key.encryption_key().value(), content_encryption::a128gcm)
                                  .value()
                                  .encrypt(jot::bytes_view(std::string_view("x")))
                                  .value();
    json h = header_of(token);
    h["p2c"] = 5000;  // at the bound: PBKDF2 runs, and the tag (over the changed header) fails
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::decryption_failed));
    h["p2c"] = 5001;
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::pbes2_count_out_of_range));
    // Four billion iterations would take hours: an answer within a second shows PBKDF2 never started.
    h["p2c"] = 4000000000u;
    const auto start = std::chrono::steady_clock::now();
    CHECK(dec.decrypt(with_header(token, h)).error() == code(errc::pbes2_count_out_of_range));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    // A sender asking the default-bounded key for more than 10000 iterations is refused the same way.
    const auto bounded = password_key(key_management::pbes2_hs256_a128kw, "pw");
    h["p2c"] = 10001;
    CHECK(jot::jwe_decrypter::create(bounded, all_enc).value().decrypt(with_header(token, h)).error() ==
          code(errc::pbes2_count_out_of_range));
}

TEST_CASE("PBES2 p2c under 1000, absent or not an integer; p2s absent or under 8 octets", "[jwe][pbes2][negative]") {
    const auto key = password_key(key_management::pbes2_hs256_a128kw, "pw");
    const auto dec = jot::jwe_decrypter::create(key, all_enc).value();
    const std::string token = jot::jwe_encrypter::create(key.encryption_key().value(), content_encryption::a128gcm)
                                  .value()
                                  .encrypt(jot::bytes_view(std::string_view("x")))
                                  .value();
    const json h0 = header_of(token);
    auto with = [&](const char* name, const json& value) {
        json h = h0;
        if (value.is_null()) h.erase(name);
        else h[name] = value;
        return dec.decrypt(with_header(token, h)).error();
    };
    CHECK(with("p2c", 999) == code(errc::pbes2_count_out_of_range));
    CHECK(with("p2c", 0) == code(errc::pbes2_count_out_of_range));
    CHECK(with("p2c", -5000) == code(errc::pbes2_count_out_of_range));
    CHECK(with("p2c", nullptr) == code(errc::pbes2_count_out_of_range));
    CHECK(with("p2c", "2000") == code(errc::header_invalid_member));
    CHECK(with("p2c", 2000.5) == code(errc::header_invalid_member));
    CHECK(with("p2s", nullptr) == code(errc::pbes2_salt_invalid));
    CHECK(with("p2s", jot::base64url::encode(std::string(7, 's'))) == code(errc::pbes2_salt_invalid));
    CHECK(with("p2s", "") == code(errc::pbes2_salt_invalid));
    CHECK(with("p2s", 12345) == code(errc::header_invalid_member));
    CHECK(with("p2s", "AAAAAAAAAAB") == code(errc::base64_non_canonical));
    // Eight octets is enough (another salt, so the key does not unwrap: the usual single failure).
    CHECK(with("p2s", jot::base64url::encode(std::string(8, 's'))) == code(errc::decryption_failed));
}
