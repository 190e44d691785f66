// SPDX-License-Identifier: MIT
// Tests for jot/hmac_key.hpp: the HMAC key (RFC 7518 §3.2) binds one HS algorithm, refuses short secrets, keeps
// every octet of the secret, and verifies only full-length MACs.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <jot/algorithm.hpp>
#include <jot/error.hpp>
#include <jot/hmac_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

std::vector<std::uint8_t> mac_of(const jot::hmac_key& key, std::string_view input) {
    std::vector<std::uint8_t> out(key.max_signature_size());
    const auto n = key.sign(input, out.data(), out.size());
    REQUIRE(n.has_value());
    out.resize(*n);
    return out;
}

const std::string secret64(64, '\x5a');
const std::string input = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb3QifQ";

} // namespace

TEST_CASE("hmac_key accepts HS256, HS384 and HS512 and reports the algorithm it was made for", "[keys][positive]") {
    for (jot::algorithm alg : {jot::algorithm::hs256, jot::algorithm::hs384, jot::algorithm::hs512}) {
        INFO(jot::to_string(alg));
        const auto key = jot::hmac_key::create(alg, secret64);
        REQUIRE(key.has_value());
        REQUIRE(key->alg() == alg);
        REQUIRE(key->max_signature_size() == jot::hash_size(alg));
        REQUIRE(key->key_id().empty());
        REQUIRE(mac_of(*key, input).size() == jot::hash_size(alg));
    }
}

TEST_CASE("hmac_key refuses every algorithm outside the HMAC family", "[keys][negative]") {
    int refused = 0;
    for (jot::algorithm alg : jot::all_algorithms) {
        if (jot::family_of(alg) == jot::algorithm_family::hmac) continue;
        INFO(jot::to_string(alg));
        const auto key = jot::hmac_key::create(alg, secret64);
        REQUIRE_FALSE(key.has_value());
        REQUIRE(key.error() == jot::errc::key_algorithm_mismatch);
        ++refused;
    }
    REQUIRE(refused == 13);
}

TEST_CASE("hmac_key refuses a secret shorter than the hash output and accepts the exact length",
          "[keys][negative]") {
    struct row {
        jot::algorithm alg;
        std::size_t min;
    };
    for (const row r : {row{jot::algorithm::hs256, 32}, row{jot::algorithm::hs384, 48},
                        row{jot::algorithm::hs512, 64}}) {
        INFO(jot::to_string(r.alg));
        const auto short_key = jot::hmac_key::create(r.alg, std::string(r.min - 1, 'k'));
        REQUIRE_FALSE(short_key.has_value());
        REQUIRE(short_key.error() == jot::errc::key_too_short);
        REQUIRE(jot::hmac_key::create(r.alg, std::string(r.min, 'k')).has_value());
        REQUIRE(jot::hmac_key::create(r.alg, std::string(r.min + 1, 'k')).has_value());
        const auto empty = jot::hmac_key::create(r.alg, std::string());
        REQUIRE(empty.error() == jot::errc::key_too_short);
    }
}

TEST_CASE("hmac_key keeps the kid it was given", "[keys][positive]") {
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, secret64, "2024-signing");
    REQUIRE(key.has_value());
    REQUIRE(key->key_id() == "2024-signing");
}

TEST_CASE("hmac_key uses every octet of a secret with embedded NUL bytes", "[keys][positive]") {
    const std::string with_nul = std::string(32, 'A') + std::string(1, '\0') + std::string(31, 'B');
    REQUIRE(with_nul.size() == 64);
    const std::string truncated = std::string(32, 'A'); // what strlen() would have kept
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, with_nul).value();
    const auto cut = jot::hmac_key::create(jot::algorithm::hs256, truncated).value();
    REQUIRE(key.secret().size() == 64);
    REQUIRE(key.secret()[32] == 0);

    const std::string msg = "jot signing input";
    // Expected values computed independently (Python hmac module) for these exact secrets.
    REQUIRE(mac_of(key, msg) ==
            jot_test::from_hex("b9473d4783a593edc7d6e9a4835d4f45d960939bf445bde60382c49d614b9d26"));
    REQUIRE(mac_of(cut, msg) ==
            jot_test::from_hex("6ac22ecffe4e6280e7c5de4f9abcf1ac56d9d7af89d97216c69b23e5c972a1da"));
    REQUIRE(cut.verify(msg, mac_of(key, msg)).error() == jot::errc::signature_invalid);
}

TEST_CASE("copies of an hmac_key sign identically and outlive the original", "[keys][positive]") {
    std::vector<std::uint8_t> original_mac;
    jot::hmac_key assigned = jot::hmac_key::create(jot::algorithm::hs512, std::string(64, 'x')).value();
    {
        const auto original = jot::hmac_key::create(jot::algorithm::hs384, secret64, "k1").value();
        original_mac = mac_of(original, input);
        const jot::hmac_key copy(original);
        REQUIRE(mac_of(copy, input) == original_mac);
        assigned = original;
    }
    REQUIRE(assigned.alg() == jot::algorithm::hs384);
    REQUIRE(assigned.key_id() == "k1");
    REQUIRE(mac_of(assigned, input) == original_mac);
    REQUIRE(assigned.verify(input, original_mac).has_value());
}

TEST_CASE("hmac_key verifies its own MAC and rejects a changed input", "[keys][positive]") {
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, secret64).value();
    const auto mac = mac_of(key, input);
    REQUIRE(key.verify(input, mac).has_value());
    REQUIRE(key.verify(input + "x", mac).error() == jot::errc::signature_invalid);
}

TEST_CASE("hmac_key rejects a MAC of the wrong length before comparing it", "[keys][negative]") {
    for (jot::algorithm alg : {jot::algorithm::hs256, jot::algorithm::hs384, jot::algorithm::hs512}) {
        INFO(jot::to_string(alg));
        const auto key = jot::hmac_key::create(alg, secret64).value();
        const auto mac = mac_of(key, input);
        // A correct prefix is still refused: JWS never allows truncated MACs.
        const std::vector<std::uint8_t> truncated(mac.begin(), mac.begin() + static_cast<long>(mac.size() / 2));
        REQUIRE(key.verify(input, truncated).error() == jot::errc::signature_length_invalid);
        const std::vector<std::uint8_t> one_short(mac.begin(), mac.end() - 1);
        REQUIRE(key.verify(input, one_short).error() == jot::errc::signature_length_invalid);
        auto one_long = mac;
        one_long.push_back(0);
        REQUIRE(key.verify(input, one_long).error() == jot::errc::signature_length_invalid);
        REQUIRE(key.verify(input, std::vector<std::uint8_t>{}).error() == jot::errc::signature_length_invalid);
    }
}

TEST_CASE("hmac_key rejects a MAC with any single bit flipped", "[keys][negative]") {
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, secret64).value();
    const auto mac = mac_of(key, input);
    for (std::size_t i = 0; i < mac.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            auto bad = mac;
            bad[i] = static_cast<std::uint8_t>(bad[i] ^ (1u << bit));
            INFO("byte " << i << " bit " << bit);
            REQUIRE(key.verify(input, bad).error() == jot::errc::signature_invalid);
        }
    }
}

TEST_CASE("an HS256 key never verifies an HS512 MAC made with the same secret", "[keys][negative]") {
    const auto hs256 = jot::hmac_key::create(jot::algorithm::hs256, secret64).value();
    const auto hs512 = jot::hmac_key::create(jot::algorithm::hs512, secret64).value();
    const auto mac512 = mac_of(hs512, input);
    REQUIRE(mac512.size() == 64);
    REQUIRE(hs256.verify(input, mac512).error() == jot::errc::signature_length_invalid);
    // Nor its first half, which has the HS256 length.
    const std::vector<std::uint8_t> half(mac512.begin(), mac512.begin() + 32);
    REQUIRE(hs256.verify(input, half).error() == jot::errc::signature_invalid);
    // And the other way round.
    REQUIRE(hs512.verify(input, mac_of(hs256, input)).error() == jot::errc::signature_length_invalid);
}

TEST_CASE("hmac_key sign refuses an output buffer smaller than the MAC", "[keys][negative]") {
    const auto key = jot::hmac_key::create(jot::algorithm::hs384, secret64).value();
    std::uint8_t buf[64] = {};
    const auto n = key.sign(input, buf, 47);
    REQUIRE_FALSE(n.has_value());
    REQUIRE(n.error() == jot::errc::invalid_argument);
    const auto ok = key.sign(input, buf, 48);
    REQUIRE(ok.has_value());
    REQUIRE(*ok == 48);
}
