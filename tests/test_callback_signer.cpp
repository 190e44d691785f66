// SPDX-License-Identifier: MIT
// Tests of jot::callback_signer and jot::callback_verification_key: keys whose operations are a caller's function.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <jot/builder.hpp>
#include <jot/callback_signer.hpp>
#include <jot/hmac_key.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using jot::algorithm;
using jot::errc;
using namespace std::chrono_literals;

/// Stands in for an HSM: the key lives in the function's state and only signatures come out.
jot::callback_signer::sign_function hsm(const jot::private_key& key, std::vector<std::string>* seen = nullptr) {
    return [&key, seen](std::string_view signing_input) -> jot::result<std::vector<std::uint8_t>> {
        if (seen) seen->emplace_back(signing_input);
        std::vector<std::uint8_t> sig(key.max_signature_size());
        auto n = key.sign(signing_input, sig.data(), sig.size());
        if (!n) return n.error();
        sig.resize(*n);
        return sig;
    };
}

jot::callback_signer::sign_function constant(std::vector<std::uint8_t> sig) {
    return [sig](std::string_view) -> jot::result<std::vector<std::uint8_t>> { return sig; };
}

const jot::private_key& es256_key() {
    static const jot::private_key k = jot::private_key::generate(algorithm::es256).value();
    return k;
}

} // namespace

TEST_CASE("callback_signer signs through the caller's function and the builder treats it like any key",
          "[callback_signer][positive]") {
    std::vector<std::string> seen;
    auto signer = jot::callback_signer::create(algorithm::es256, "hsm-key-7", 64, hsm(es256_key(), &seen));
    REQUIRE(signer);
    CHECK(signer->alg() == algorithm::es256);
    CHECK(signer->key_id() == "hsm-key-7");
    CHECK(signer->max_signature_size() == 64);
    const std::string token = jot::builder().subject("alice").expires_in(5min).sign(*signer).value();

    // The function saw exactly the JWS Signing Input: the first two segments of the token.
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == token.substr(0, token.rfind('.')));

    const auto verifier = jot::verifier_builder().key(es256_key().public_key().value()).build().value();
    auto verified = verifier.verify(token);
    REQUIRE(verified);
    CHECK(verified->alg() == algorithm::es256);
    CHECK(verified->header().key_id().value() == "hsm-key-7");
    CHECK(verified->claims().subject().value() == "alice");
}

TEST_CASE("callback_signer passes the function's error through unchanged", "[callback_signer][negative]") {
    const std::error_code unavailable = std::make_error_code(std::errc::connection_refused);
    auto signer = jot::callback_signer::create(
        algorithm::rs256, "kms", 512,
        [unavailable](std::string_view) -> jot::result<std::vector<std::uint8_t>> { return unavailable; });
    REQUIRE(signer);
    auto token = jot::builder().expires_in(5min).sign(*signer);
    REQUIRE(!token);
    CHECK(token.error() == unavailable);
}

TEST_CASE("callback_signer rejects a signature that cannot belong to its algorithm", "[callback_signer][negative]") {
    // A DER ECDSA-Sig-Value (what most HSM and KMS APIs return) instead of r||s.
    std::vector<std::uint8_t> der = {0x30, 0x44, 0x02, 0x20};
    der.resize(70, 0x11);
    auto es = jot::callback_signer::create(algorithm::es256, "", 72, constant(der));
    REQUIRE(es);
    CHECK(jot::builder().expires_in(5min).sign(*es).error() == errc::signature_length_invalid);

    auto too_long = jot::callback_signer::create(algorithm::rs256, "", 256, constant(std::vector<std::uint8_t>(512, 1)));
    CHECK(jot::builder().expires_in(5min).sign(*too_long).error() == errc::signature_length_invalid);
    auto too_short = jot::callback_signer::create(algorithm::ps256, "", 512, constant(std::vector<std::uint8_t>(128, 1)));
    CHECK(jot::builder().expires_in(5min).sign(*too_short).error() == errc::signature_length_invalid);
    auto empty = jot::callback_signer::create(algorithm::rs256, "", 256, constant({}));
    CHECK(jot::builder().expires_in(5min).sign(*empty).error() == errc::signature_length_invalid);

    auto eddsa_odd = jot::callback_signer::create(algorithm::eddsa, "", 114, constant(std::vector<std::uint8_t>(100, 1)));
    CHECK(jot::builder().expires_in(5min).sign(*eddsa_odd).error() == errc::signature_length_invalid);
    auto ed448_short = jot::callback_signer::create(algorithm::ed448, "", 114, constant(std::vector<std::uint8_t>(64, 1)));
    CHECK(jot::builder().expires_in(5min).sign(*ed448_short).error() == errc::signature_length_invalid);
    auto eddsa_448 = jot::callback_signer::create(algorithm::eddsa, "", 114, constant(std::vector<std::uint8_t>(114, 1)));
    CHECK(jot::builder().expires_in(5min).sign(*eddsa_448)); // a plausible length: the verifier judges it
}

TEST_CASE("callback_signer::create refuses an empty function or a bound below the algorithm's signature size",
          "[callback_signer][negative]") {
    CHECK(jot::callback_signer::create(algorithm::es256, "", 64, nullptr).error() == errc::invalid_argument);
    CHECK(jot::callback_signer::create(algorithm::es256, "", 63, hsm(es256_key())).error() == errc::invalid_argument);
    CHECK(jot::callback_signer::create(algorithm::es512, "", 131, hsm(es256_key())).error() == errc::invalid_argument);
    CHECK(jot::callback_signer::create(algorithm::rs256, "", 255, hsm(es256_key())).error() == errc::invalid_argument);
    CHECK(jot::callback_signer::create(algorithm::ed448, "", 113, hsm(es256_key())).error() == errc::invalid_argument);
    CHECK(jot::callback_signer::create(algorithm::hs256, "", 31, hsm(es256_key())).error() == errc::invalid_argument);
    CHECK(jot::callback_signer::create(algorithm::rs256, "", 256, hsm(es256_key())));
}

TEST_CASE("callback_signer::sign refuses a buffer smaller than the signature", "[callback_signer][negative]") {
    auto signer = jot::callback_signer::create(algorithm::es256, "", 64, hsm(es256_key())).value();
    std::vector<std::uint8_t> out(63);
    CHECK(signer.sign("a.b", out.data(), out.size()).error() == errc::invalid_argument);
    out.resize(64);
    CHECK(signer.sign("a.b", out.data(), out.size()).value() == 64);
}

TEST_CASE("callback_signer can stand in for an HMAC key held elsewhere", "[callback_signer][positive]") {
    const std::string secret(32, 'k');
    const auto mac = jot::hmac_key::create(algorithm::hs256, secret).value();
    auto signer = jot::callback_signer::create(algorithm::hs256, "", 32, [&mac](std::string_view in)
                                                   -> jot::result<std::vector<std::uint8_t>> {
        std::vector<std::uint8_t> out(32);
        auto n = mac.sign(in, out.data(), out.size());
        if (!n) return n.error();
        return out;
    });
    REQUIRE(signer);
    const auto token = jot::builder().expires_in(5min).sign(*signer).value();
    CHECK(jot::verifier_builder().key(mac).build().value().verify(token));
}

TEST_CASE("callback_verification_key verifies through the caller's function", "[callback_signer][positive]") {
    const auto pub = es256_key().public_key().value();
    std::atomic<int> calls{0};
    auto key = jot::callback_verification_key::create(
        algorithm::es256, "remote", [&pub, &calls](std::string_view input, jot::bytes_view sig) -> jot::result<void> {
            ++calls;
            return pub.verify(input, sig);
        });
    REQUIRE(key);
    CHECK(key->alg() == algorithm::es256);
    CHECK(key->key_id() == "remote");
    const auto verifier = jot::verifier_builder().key(*key).build().value();

    const std::string token = jot::builder().subject("bob").expires_in(5min).sign(es256_key()).value();
    auto verified = verifier.verify(token);
    REQUIRE(verified);
    CHECK(verified->claims().subject().value() == "bob");
    CHECK(calls == 1);

    std::string forged = token;
    forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
    CHECK(verifier.verify(forged).error() == errc::signature_invalid);
    CHECK(calls == 2);
}

TEST_CASE("callback_verification_key rejects impossible signature lengths before calling the function",
          "[callback_signer][negative]") {
    int calls = 0;
    auto count = [&calls](std::string_view, jot::bytes_view) -> jot::result<void> {
        ++calls;
        return {};
    };
    auto es256 = jot::callback_verification_key::create(algorithm::es256, "", count).value();
    CHECK(es256.verify("a.b", std::vector<std::uint8_t>(63)).error() == errc::signature_length_invalid);
    CHECK(es256.verify("a.b", std::vector<std::uint8_t>(72)).error() == errc::signature_length_invalid);
    auto eddsa = jot::callback_verification_key::create(algorithm::eddsa, "", count).value();
    CHECK(eddsa.verify("a.b", std::vector<std::uint8_t>(65)).error() == errc::signature_length_invalid);
    auto rs256 = jot::callback_verification_key::create(algorithm::rs256, "", count).value();
    CHECK(rs256.verify("a.b", std::vector<std::uint8_t>(128)).error() == errc::signature_length_invalid);
    CHECK(calls == 0);
    CHECK(es256.verify("a.b", std::vector<std::uint8_t>(64)));
    CHECK(eddsa.verify("a.b", std::vector<std::uint8_t>(114)));
    CHECK(rs256.verify("a.b", std::vector<std::uint8_t>(384)));
    CHECK(calls == 3);
}

TEST_CASE("callback_verification_key::create refuses an empty function", "[callback_signer][negative]") {
    CHECK(jot::callback_verification_key::create(algorithm::rs256, "", nullptr).error() == errc::invalid_argument);
}
