// SPDX-License-Identifier: MIT
// Every algorithm round-trips through builder and verifier, and no token verifies under another algorithm's key.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
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

/// The kind of key material the test uses for each algorithm. RS* and PS* share one RSA key, HS* one secret,
/// EdDSA and Ed25519 one Ed25519 key: so a rejection below comes from the algorithm binding, not from a
/// different key.
enum class kind { hmac, rsa, p256, p384, p521, secp256k1, ed25519, ed448 };

kind kind_of(algorithm a) {
    switch (a) {
    case algorithm::hs256: case algorithm::hs384: case algorithm::hs512: return kind::hmac;
    case algorithm::rs256: case algorithm::rs384: case algorithm::rs512:
    case algorithm::ps256: case algorithm::ps384: case algorithm::ps512: return kind::rsa;
    case algorithm::es256: return kind::p256;
    case algorithm::es384: return kind::p384;
    case algorithm::es512: return kind::p521;
    case algorithm::es256k: return kind::secp256k1;
    case algorithm::eddsa: case algorithm::ed25519: return kind::ed25519;
    case algorithm::ed448: return kind::ed448;
    }
    return kind::hmac;
}

/// Whether jot lets key material of kind `k` be bound to `a`.
bool binds(algorithm a, kind k) {
    if (a == algorithm::eddsa) return k == kind::ed25519 || k == kind::ed448;
    return kind_of(a) == k;
}

/// Whether signatures of `a` and `b` are the same primitive (EdDSA is Ed25519 or Ed448, named differently).
bool same_primitive(algorithm a, algorithm b, kind k) {
    auto edwards = [&](algorithm x) {
        return x == algorithm::eddsa || (x == algorithm::ed25519 && k == kind::ed25519) ||
               (x == algorithm::ed448 && k == kind::ed448);
    };
    return a == b || (edwards(a) && edwards(b));
}

const std::string& secret() {
    static const std::string s(64, '\x5a');
    return s;
}

struct key_set {
    std::map<algorithm, std::shared_ptr<const jot::signer>> signers;
    std::map<algorithm, std::shared_ptr<const jot::verification_key>> verifiers;
    std::map<kind, std::string> public_pems;
};

const key_set& keys() {
    static const key_set set = [] {
        key_set s;
        const std::string rsa = jot::private_key::generate(algorithm::rs256).value().to_pem().value();
        const std::string ed25519 = jot::private_key::generate(algorithm::ed25519).value().to_pem().value();
        for (algorithm a : jot::all_algorithms) {
            if (kind_of(a) == kind::hmac) {
                auto k = std::make_shared<const jot::hmac_key>(jot::hmac_key::create(a, secret()).value());
                s.signers[a] = k;
                s.verifiers[a] = k;
                continue;
            }
            auto priv = kind_of(a) == kind::rsa       ? jot::private_key::from_pem(a, rsa).value()
                        : kind_of(a) == kind::ed25519 ? jot::private_key::from_pem(a, ed25519).value()
                                                      : jot::private_key::generate(a).value();
            auto pub = priv.public_key().value();
            s.public_pems[kind_of(a)] = pub.to_pem().value();
            s.signers[a] = std::make_shared<const jot::private_key>(std::move(priv));
            s.verifiers[a] = std::make_shared<const jot::public_key>(std::move(pub));
        }
        return s;
    }();
    return set;
}

jot::verifier verifier_for(algorithm a) { return jot::verifier_builder().key(keys().verifiers.at(a)).build().value(); }

std::string token_for(algorithm a) {
    return jot::builder().subject(std::string(jot::to_string(a))).expires_in(5min).sign(*keys().signers.at(a)).value();
}

std::string signing_input(const std::string& token) { return token.substr(0, token.rfind('.')); }

std::vector<std::uint8_t> signature(const std::string& token) {
    const std::string_view sig = std::string_view(token).substr(token.rfind('.') + 1);
    return jot::base64url::decode<std::vector<std::uint8_t>>(sig).value();
}

} // namespace

TEST_CASE("every algorithm round-trips through the builder and the verifier", "[cross_algorithm][positive]") {
    for (algorithm a : jot::all_algorithms) {
        INFO(jot::to_string(a));
        const std::string token = token_for(a);
        auto verified = verifier_for(a).verify(token);
        REQUIRE(verified);
        CHECK(verified->alg() == a);
        CHECK(verified->header().alg().value() == jot::to_string(a));
        CHECK(verified->claims().subject().value() == jot::to_string(a));
        std::string forged = token;
        const std::size_t i = token.rfind('.') + 5;
        forged[i] = forged[i] == 'A' ? 'B' : 'A';
        CHECK(verifier_for(a).verify(forged).error() == errc::signature_invalid);
    }
}

TEST_CASE("a token signed under one algorithm fails under a verifier holding only another algorithm's key",
          "[cross_algorithm][negative]") {
    std::size_t pairs = 0;
    for (algorithm signed_with : jot::all_algorithms) {
        const std::string token = token_for(signed_with);
        for (algorithm held : jot::all_algorithms) {
            if (held == signed_with) continue;
            INFO("token " << jot::to_string(signed_with) << ", verifier key " << jot::to_string(held));
            ++pairs;
            CHECK(verifier_for(held).verify(token).error() == errc::algorithm_not_allowed);
        }
    }
    CHECK(pairs == 16 * 15);
}

TEST_CASE("key material of one algorithm cannot be bound to an algorithm it does not fit",
          "[cross_algorithm][negative]") {
    std::size_t refused = 0, rebound = 0;
    for (algorithm from : jot::all_algorithms) {
        const kind k = kind_of(from);
        const std::string token = token_for(from);
        const std::string input = signing_input(token);
        const auto sig = signature(token);
        for (algorithm to : jot::all_algorithms) {
            if (to == from) continue;
            INFO(jot::to_string(from) << " key material bound to " << jot::to_string(to));
            if (k == kind::hmac) {
                auto r = jot::hmac_key::create(to, secret());
                if (kind_of(to) == kind::hmac) {
                    REQUIRE(r);
                    // Same secret, other hash: the MAC has another length or value.
                    CHECK(!r->verify(input, sig));
                    ++rebound;
                } else {
                    CHECK(r.error() == errc::key_algorithm_mismatch);
                    ++refused;
                }
                continue;
            }
            auto r = jot::public_key::from_pem(to, keys().public_pems.at(k));
            if (!binds(to, k)) {
                CHECK(r.error() == errc::key_algorithm_mismatch);
                ++refused;
                continue;
            }
            REQUIRE(r);
            ++rebound;
            // The same key under another algorithm: the verifier refuses by "alg" before any cryptography...
            CHECK(jot::verifier_builder().key(*r).build().value().verify(token).error() == errc::algorithm_not_allowed);
            // ...and the signature itself does not verify under the other padding or hash either (RS256 vs
            // PS256 on one RSA key, for instance), unless the two names denote one primitive (EdDSA/Ed25519).
            if (same_primitive(from, to, k))
                CHECK(r->verify(input, sig));
            else
                CHECK(!r->verify(input, sig));
        }
    }
    CHECK(refused + rebound == 16 * 15);
    // HS within HS, RSA within RS/PS, the Ed25519 key between EdDSA and Ed25519, the Ed448 key to EdDSA.
    CHECK(rebound == 3 * 2 + 6 * 5 + 2 + 1);
}

TEST_CASE("a public key used as an HMAC secret does not forge a token for that public key",
          "[cross_algorithm][negative]") {
    // The classic algorithm confusion (RFC 8725 §2.1): the attacker signs HS256 with the verifier's public key
    // bytes as the secret. The verifier's key is bound to its algorithm, so "HS256" finds no key.
    for (algorithm a : jot::all_algorithms) {
        if (kind_of(a) == kind::hmac) continue;
        INFO(jot::to_string(a));
        const std::string& pem = keys().public_pems.at(kind_of(a));
        for (algorithm hs : {algorithm::hs256, algorithm::hs384, algorithm::hs512}) {
            auto forger = jot::hmac_key::create(hs, pem).value();
            const std::string forged = jot::builder().subject("admin").expires_in(5min).sign(forger).value();
            CHECK(verifier_for(a).verify(forged).error() == errc::algorithm_not_allowed);
        }
        CHECK(jot::hmac_key::create(a, pem).error() == errc::key_algorithm_mismatch);
    }
}
