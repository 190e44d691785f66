// SPDX-License-Identifier: MIT
// Known attacks on JWT verifiers (RFC 8725 §2 and beyond), each replayed against a default-policy verifier
// and required to fail with its exact errc: alg none, key confusion, algorithm substitution, ECDSA and RSA
// signature forms, embedded keys, hostile kids, crit, claim types, near-miss strings, encodings and sizes.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/dangerous.hpp>
#include <jot/error.hpp>
#include <jot/jwk.hpp>
#include <jot/jwks.hpp>
#include <jot/key_source.hpp>
#include <jot/hmac_key.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"

namespace {

using json = nlohmann::json;
using jot::algorithm;
using jot::errc;
using verifier_builder = jot::basic_verifier_builder<json, jot::fixed_clock>;
using verifier = jot::basic_verifier<json, jot::fixed_clock>;

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at_now() { return {std::chrono::system_clock::time_point(std::chrono::seconds(now_s))}; }
const std::error_code accepted{};

// ---------------------------------------------------------------------------------------------------------
// Keys: made once per run. Victim keys are what the verifier trusts; attacker keys are anyone else's.

const std::string& hmac_secret() {
    static const std::string s = "victim secret, 32 octets long!!!";
    return s;
}
jot::hmac_key hs(algorithm a = algorithm::hs256, std::string kid = {}) {
    return jot::hmac_key::create(a, std::string(jot::hash_size(a), 'k') + hmac_secret(), std::move(kid)).value();
}

/// One PEM per key kind, generated once; the same material can then be bound to several algorithms.
const std::string& pem_of(algorithm generate_as) {
    static std::vector<std::pair<algorithm, std::string>> cache;
    for (const auto& [a, pem] : cache)
        if (a == generate_as) return pem;
    cache.emplace_back(generate_as, jot::private_key::generate(generate_as).value().to_pem().value());
    return cache.back().second;
}
/// The victim's private key for `a`: RS* and PS* share one RSA key, EdDSA and Ed25519 one Ed25519 key.
jot::private_key victim(algorithm a, std::string kid = {}) {
    algorithm base = a;
    switch (jot::family_of(a)) {
    case jot::algorithm_family::rsa_pkcs1: case jot::algorithm_family::rsa_pss: base = algorithm::rs256; break;
    case jot::algorithm_family::eddsa: base = a == algorithm::ed448 ? algorithm::ed448 : algorithm::eddsa; break;
    default: break;
    }
    return jot::private_key::from_pem(a, pem_of(base), std::move(kid)).value();
}
jot::public_key victim_pub(algorithm a, std::string kid = {}) { return victim(a, std::move(kid)).public_key().value(); }
/// A key the verifier has never seen (generated separately from the victim's).
const jot::private_key& attacker(algorithm a) {
    static std::vector<std::pair<algorithm, jot::private_key>> cache;
    for (const auto& [k, key] : cache)
        if (k == a) return key;
    cache.emplace_back(a, jot::private_key::generate(a).value());
    return cache.back().second;
}

// ---------------------------------------------------------------------------------------------------------
// Raw token construction: attackers write every byte, so these helpers bypass the builder's checks.

std::string b64(std::string_view s) { return jot::base64url::encode(jot::bytes_view(s)); }
std::string b64(const std::vector<std::uint8_t>& v) { return jot::base64url::encode(jot::bytes_view(v)); }

/// Signs `input` with `key` whatever algorithm the header claims.
std::vector<std::uint8_t> raw_sign(const jot::signer& key, std::string_view input) {
    std::vector<std::uint8_t> sig(key.max_signature_size());
    const auto n = key.sign(input, sig.data(), sig.size());
    REQUIRE(n.has_value());
    sig.resize(*n);
    return sig;
}
/// BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature by key), for any header text.
std::string forge(std::string_view header, std::string_view payload, const jot::signer& key) {
    const std::string input = b64(header) + "." + b64(payload);
    return input + "." + b64(raw_sign(key, input));
}
/// The same token with its signature segment replaced by `sig`.
std::string with_signature(const std::string& token, const std::vector<std::uint8_t>& sig) {
    return token.substr(0, token.rfind('.') + 1) + b64(sig);
}
/// The raw signature of a compact token.
std::vector<std::uint8_t> signature_of(const std::string& token) {
    return jot::base64url::decode<std::vector<std::uint8_t>>(token.substr(token.rfind('.') + 1)).value();
}

json claims_ok() { return {{"sub", "user-1"}, {"exp", now_s + 60}}; }
std::string header_for(algorithm a, const json& extra = json::object()) {
    json h = {{"alg", std::string(jot::to_string(a))}, {"typ", "JWT"}};
    for (auto it = extra.begin(); it != extra.end(); ++it) h[it.key()] = it.value();
    return h.dump();
}
/// A well-formed token for `a` signed by `key` (header claims exactly the key's algorithm).
std::string good_token(const jot::signer& key, const json& payload = claims_ok()) {
    const json kid = key.key_id().empty() ? json::object() : json({{"kid", std::string(key.key_id())}});
    return forge(header_for(key.alg(), kid), payload.dump(), key);
}

verifier_builder base() { return std::move(verifier_builder().clock(at_now())); }
template <class Key>
verifier trusting(Key key) {
    return base().key(std::move(key)).build().value();
}
std::error_code code(const verifier& v, const std::string& token) {
    const auto r = v.verify(token);
    return r ? std::error_code() : r.error();
}

/// The group order n of an EC key, big-endian, `width` octets.
std::vector<std::uint8_t> ec_order(const jot::public_key& key, std::size_t width) {
    BIGNUM* raw = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key.native_handle(), OSSL_PKEY_PARAM_EC_ORDER, &raw) == 1);
    std::vector<std::uint8_t> out(width);
    const int n = BN_bn2binpad(raw, out.data(), static_cast<int>(width));
    BN_free(raw);
    REQUIRE(n == static_cast<int>(width));
    return out;
}

/// The DER ECDSA-Sig-Value of a JWS r||s signature (what many libraries produce by default).
std::vector<std::uint8_t> to_der(const std::vector<std::uint8_t>& rs) {
    const std::size_t half = rs.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    REQUIRE(sig != nullptr);
    REQUIRE(ECDSA_SIG_set0(sig, BN_bin2bn(rs.data(), static_cast<int>(half), nullptr),
                           BN_bin2bn(rs.data() + half, static_cast<int>(half), nullptr)) == 1);
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    REQUIRE(len > 0);
    std::vector<std::uint8_t> out(der, der + len);
    OPENSSL_free(der);
    return out;
}

/// A self-signed certificate for `key`, DER, for an attacker's "x5c".
std::vector<std::uint8_t> self_signed_der(const jot::private_key& key) {
    X509* cert = X509_new();
    REQUIRE(cert != nullptr);
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("victim.example"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    REQUIRE(X509_set_pubkey(cert, key.native_handle()) == 1);
    REQUIRE(X509_sign(cert, key.native_handle(), EVP_sha256()) > 0);
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    X509_free(cert);
    REQUIRE(len > 0);
    std::vector<std::uint8_t> out(der, der + len);
    OPENSSL_free(der);
    return out;
}

/// A key source that records every kid it is asked to refresh for, and never has new keys.
class recording_source final : public jot::key_source {
public:
    explicit recording_source(jot::key_list keys) : keys_(std::make_shared<const jot::key_list>(std::move(keys))) {}
    std::shared_ptr<const jot::key_list> current_keys() const override { return keys_; }
    std::shared_ptr<const jot::key_list> refresh_for_unknown_kid(std::string_view kid) const override {
        asked.emplace_back(kid);
        return nullptr;
    }
    mutable std::vector<std::string> asked;

private:
    std::shared_ptr<const jot::key_list> keys_;
};

/// Flips the unused low bits of a segment's last character, so it decodes to the same octets but is not the
/// canonical spelling. The segment's length must be 2 or 3 mod 4 (so it has unused bits).
std::string non_canonical(std::string seg) {
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    REQUIRE((seg.size() % 4 == 2 || seg.size() % 4 == 3));
    const std::size_t v = alphabet.find(seg.back());
    seg.back() = alphabet[v | 1];
    return seg;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
// alg none (RFC 8725 §2.1, §3.1)

TEST_CASE("alg none is refused in every spelling, with and without a signature", "[attacks][negative]") {
    // A verifier holding a key of every family: none of them may be talked into "none".
    const auto v = base()
                       .key(hs())
                       .key(victim_pub(algorithm::rs256))
                       .key(victim_pub(algorithm::es256))
                       .key(victim_pub(algorithm::eddsa))
                       .build()
                       .value();
    const std::string payload = claims_ok().dump();
    for (const std::string spelled : {"none", "None", "NONE", "nOnE", "NoNe", "none ", " none", "nonE"}) {
        INFO("alg " << json(spelled).dump());
        const std::string header = json({{"alg", spelled}, {"typ", "JWT"}}).dump();
        const std::string input = b64(header) + "." + b64(payload);
        const std::error_code want = spelled == "none" ? make_error_code(errc::unsecured_token)
                                                       : make_error_code(errc::unsupported_algorithm);
        CHECK(code(v, input + ".") == want);                                   // RFC 7515 §6: empty signature
        CHECK(code(v, input + "." + b64(raw_sign(hs(), input))) == want);      // a valid HS256 MAC over it
        CHECK(code(v, input + "." + b64(std::string(32, '\0'))) == want);      // junk octets
        CHECK(code(v, input) == errc::token_not_compact);                      // no signature segment at all
    }
    // "none" with a NUL after it is a different string, not "none" truncated at the NUL.
    const std::string nul_none = json({{"alg", std::string("none\0", 5)}}).dump();
    CHECK(code(v, b64(nul_none) + "." + b64(payload) + ".") == errc::unsupported_algorithm);

    // jot cannot make such a token: sign_compact refuses a header whose alg is not the key's.
    CHECK(jot::sign_compact(R"({"alg":"none"})", std::string_view(payload), hs()).error() ==
          errc::key_algorithm_mismatch);
    CHECK(jot::algorithm_from_string("none").error() == errc::unsecured_token);
    // Even the unverified decoder does not read it: its empty signature segment is malformed there.
    CHECK(jot::dangerous::decode_unverified(b64(R"({"alg":"none"})") + "." + b64(payload) + ".").error() ==
          errc::empty_segment);
}

// ---------------------------------------------------------------------------------------------------------
// Key confusion: a public key used as an HMAC secret (RFC 8725 §2.1, §3.1)

TEST_CASE("a public key's PEM, DER or JWK bytes used as an HMAC secret cannot forge a token",
          "[attacks][negative]") {
    for (algorithm a : {algorithm::rs256, algorithm::ps256, algorithm::es256, algorithm::eddsa}) {
        const jot::public_key pub = victim_pub(a);
        INFO("victim key " << jot::to_string(a));
        const std::string pem = pub.to_pem().value();
        const std::vector<std::uint8_t> der = pub.to_der().value();
        const std::string jwk = jot::to_jwk(pub).value().dump();
        const auto v = trusting(pub);
        // Every public form of the key an attacker can download, as the secret of every HS* algorithm.
        const std::string der_text(der.begin(), der.end());
        for (const std::string& secret : {pem, der_text, jwk, pem.substr(0, pem.size() - 1)}) {
            for (algorithm h : {algorithm::hs256, algorithm::hs384, algorithm::hs512}) {
                const auto mac = jot::hmac_key::create(h, secret);
                if (secret.size() < jot::hash_size(h)) { // an Ed25519 DER key is 44 octets
                    CHECK(mac.error() == errc::key_too_short);
                    continue;
                }
                REQUIRE(mac.has_value());
                CHECK(code(v, good_token(*mac)) == errc::algorithm_not_allowed);
                // Labelled with the victim's algorithm, the MAC reaches the public key, which checks its length
                // and then its mathematics: an HS512 MAC is as long as an ES256 or Ed25519 signature.
                const std::string relabelled = forge(header_for(a), claims_ok().dump(), *mac);
                const bool same_length = jot::hash_size(h) == pub.signature_size();
                CHECK(code(v, relabelled) ==
                      (same_length ? errc::signature_invalid : errc::signature_length_invalid));
            }
        }
        // The key cannot be bound to an HMAC algorithm in the first place.
        CHECK(jot::public_key::from_pem(algorithm::hs256, pem).error() == errc::key_algorithm_mismatch);
        CHECK(jot::public_key::from_der(algorithm::hs256, der).error() == errc::key_algorithm_mismatch);
        CHECK(jot::hmac_key_from_jwk(json::parse(jwk), algorithm::hs256).error() == errc::key_algorithm_mismatch);
        // A public JWK that claims "alg":"HS256" is no HMAC key either.
        json lying = json::parse(jwk);
        lying["alg"] = "HS256";
        CHECK(jot::public_key_from_jwk(lying).error() == errc::key_algorithm_mismatch);
        CHECK(jot::hmac_key_from_jwk(lying).error() == errc::key_algorithm_mismatch);
    }
}

TEST_CASE("a JWK Set never turns a published key into an HMAC secret", "[attacks][negative]") {
    const jot::public_key pub = victim_pub(algorithm::rs256);
    json set = {{"keys", json::array({jot::to_jwk(pub).value()})}};
    set["keys"][0].erase("alg");
    // The attacker's "oct" JWK carries the RSA PEM as its secret.
    set["keys"].push_back({{"kty", "oct"}, {"k", b64(pub.to_pem().value())}, {"kid", "planted"}});

    const auto keys = jot::jwk_set::parse(set.dump()).value();
    REQUIRE(keys.skipped().size() == 1);
    CHECK(keys.skipped()[0].index == 1);
    CHECK(keys.skipped()[0].reason == errc::key_algorithm_mismatch);
    for (const auto& k : keys.keys()) CHECK(jot::family_of(k->alg()) != jot::algorithm_family::hmac);

    const auto v = base().keys(keys.keys()).build().value();
    const auto mac = jot::hmac_key::create(algorithm::hs256, pub.to_pem().value(), "planted").value();
    CHECK(code(v, good_token(mac)) == errc::algorithm_not_allowed);

    // Even when symmetric keys are allowed, the RSA JWK yields no HMAC key.
    jot::jwk_set_options opts;
    opts.allow_symmetric = true;
    opts.allowed_algorithms = {algorithm::hs256, algorithm::rs256};
    set["keys"].erase(1);
    const auto only_rsa = jot::jwk_set::parse(set.dump(), opts).value();
    REQUIRE(only_rsa.keys().size() == 1);
    CHECK(only_rsa.keys()[0]->alg() == algorithm::rs256);
}

// ---------------------------------------------------------------------------------------------------------
// Algorithm substitution (RFC 8725 §2.1, §3.1)

TEST_CASE("algorithm substitution within a family is rejected", "[attacks][negative]") {
    const std::string payload = claims_ok().dump();
    SECTION("an RS256 signature presented as RS512 with the same RSA key") {
        const std::string t = forge(header_for(algorithm::rs512), payload, victim(algorithm::rs256));
        CHECK(code(trusting(victim_pub(algorithm::rs256)), t) == errc::algorithm_not_allowed);
        // Even when the same RSA key is trusted for both, the RS512 key hashes with SHA-512.
        const auto both = base().key(victim_pub(algorithm::rs256)).key(victim_pub(algorithm::rs512)).build().value();
        CHECK(code(both, t) == errc::signature_invalid);
        CHECK(code(both, good_token(victim(algorithm::rs256))) == accepted);
    }
    SECTION("a PS256 signature presented as RS256 and back, with the same RSA key") {
        const auto both = base().key(victim_pub(algorithm::rs256)).key(victim_pub(algorithm::ps256)).build().value();
        CHECK(code(both, forge(header_for(algorithm::rs256), payload, victim(algorithm::ps256))) ==
              errc::signature_invalid);
        CHECK(code(both, forge(header_for(algorithm::ps256), payload, victim(algorithm::rs256))) ==
              errc::signature_invalid);
        CHECK(code(both, good_token(victim(algorithm::ps256))) == accepted);
        CHECK(code(trusting(victim_pub(algorithm::rs256)), good_token(victim(algorithm::ps256))) ==
              errc::algorithm_not_allowed);
    }
    SECTION("an ES256 token for an ES384 key") {
        const auto v = trusting(victim_pub(algorithm::es384));
        CHECK(code(v, good_token(victim(algorithm::es256))) == errc::algorithm_not_allowed);
        CHECK(code(v, forge(header_for(algorithm::es384), payload, victim(algorithm::es256))) ==
              errc::signature_length_invalid);
        // The P-256 key itself cannot be bound to ES384, nor a secp256k1 key to ES256.
        CHECK(jot::public_key::from_pem(algorithm::es384, victim_pub(algorithm::es256).to_pem().value()).error() ==
              errc::key_algorithm_mismatch);
        CHECK(jot::public_key::from_pem(algorithm::es256, victim_pub(algorithm::es256k).to_pem().value()).error() ==
              errc::key_algorithm_mismatch);
    }
    SECTION("an ES256K signature presented as ES256 (same length, other curve)") {
        const auto v = trusting(victim_pub(algorithm::es256));
        CHECK(code(v, forge(header_for(algorithm::es256), payload, attacker(algorithm::es256k))) ==
              errc::signature_invalid);
    }
    SECTION("HS256 for an HS512 key, and EdDSA for a key bound to Ed25519") {
        CHECK(code(trusting(hs(algorithm::hs512)), good_token(hs(algorithm::hs256))) == errc::algorithm_not_allowed);
        CHECK(code(trusting(victim_pub(algorithm::ed25519)), good_token(victim(algorithm::eddsa))) ==
              errc::algorithm_not_allowed);
        CHECK(code(trusting(victim_pub(algorithm::eddsa)), good_token(victim(algorithm::ed25519))) ==
              errc::algorithm_not_allowed);
    }
}

TEST_CASE("algorithm substitution across families is rejected", "[attacks][negative]") {
    const std::vector<algorithm> algs = {algorithm::hs256, algorithm::hs512, algorithm::rs256, algorithm::ps256,
                                         algorithm::es256, algorithm::es512, algorithm::eddsa};
    auto signer_for = [](algorithm a) -> std::unique_ptr<jot::signer> {
        if (jot::family_of(a) == jot::algorithm_family::hmac) return std::make_unique<jot::hmac_key>(hs(a));
        return std::make_unique<jot::private_key>(victim(a));
    };
    auto verifier_for = [](algorithm a) {
        if (jot::family_of(a) == jot::algorithm_family::hmac) return trusting(hs(a));
        return trusting(victim_pub(a));
    };
    auto size_of = [&](algorithm a) { return signer_for(a)->max_signature_size(); };
    for (algorithm made_by : algs) {
        const auto key = signer_for(made_by);
        const std::string honest = good_token(*key);
        for (algorithm trusted : algs) {
            if (jot::family_of(trusted) == jot::family_of(made_by)) continue;
            INFO(jot::to_string(made_by) << " signature, verifier trusts " << jot::to_string(trusted));
            const auto v = verifier_for(trusted);
            CHECK(code(v, honest) == errc::algorithm_not_allowed);
            // The header relabelled to the trusted algorithm: the length is checked, then the signature.
            const std::string relabelled = forge(header_for(trusted), claims_ok().dump(), *key);
            CHECK(code(v, relabelled) == (size_of(made_by) == size_of(trusted) ? errc::signature_invalid
                                                                               : errc::signature_length_invalid));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// ECDSA signature forms (CVE-2022-21449 class; RFC 7518 §3.4)

TEST_CASE("ECDSA signatures with r or s equal to 0 or n are rejected", "[attacks][negative]") {
    for (algorithm a : {algorithm::es256, algorithm::es384, algorithm::es512, algorithm::es256k}) {
        INFO(jot::to_string(a));
        const jot::public_key pub = victim_pub(a);
        const std::size_t w = pub.signature_size() / 2;
        const std::vector<std::uint8_t> n = ec_order(pub, w);
        const auto v = trusting(pub);
        const std::string token = good_token(victim(a));
        REQUIRE(code(v, token) == accepted);
        const std::vector<std::uint8_t> sig = signature_of(token);
        const std::vector<std::uint8_t> zero(w, 0), ones(w, 0xFF);
        auto join = [](std::vector<std::uint8_t> r, const std::vector<std::uint8_t>& s) {
            r.insert(r.end(), s.begin(), s.end());
            return r;
        };
        const std::vector<std::uint8_t> r(sig.begin(), sig.begin() + static_cast<std::ptrdiff_t>(w));
        const std::vector<std::uint8_t> s(sig.begin() + static_cast<std::ptrdiff_t>(w), sig.end());
        CHECK(code(v, with_signature(token, join(zero, zero))) == errc::signature_invalid); // CVE-2022-21449
        CHECK(code(v, with_signature(token, join(zero, s))) == errc::signature_invalid);
        CHECK(code(v, with_signature(token, join(r, zero))) == errc::signature_invalid);
        CHECK(code(v, with_signature(token, join(n, n))) == errc::signature_invalid);
        CHECK(code(v, with_signature(token, join(n, s))) == errc::signature_invalid);
        CHECK(code(v, with_signature(token, join(r, n))) == errc::signature_invalid);
        CHECK(code(v, with_signature(token, join(ones, s))) == errc::signature_invalid);  // r > n
        CHECK(code(v, with_signature(token, join(r, ones))) == errc::signature_invalid);  // s > n
        CHECK(code(v, with_signature(token, join(s, r))) == errc::signature_invalid);     // halves swapped
    }
}

TEST_CASE("an ECDSA signature in DER form or of the wrong length is rejected", "[attacks][negative]") {
    for (algorithm a : {algorithm::es256, algorithm::es384, algorithm::es512}) {
        INFO(jot::to_string(a));
        const jot::public_key pub = victim_pub(a);
        const auto v = trusting(pub);
        const std::string token = good_token(victim(a));
        const std::vector<std::uint8_t> sig = signature_of(token);
        const std::size_t w = sig.size() / 2;
        REQUIRE(sig.size() == pub.signature_size());

        // The same r and s as a DER ECDSA-Sig-Value, as many libraries emit it: the wrong form for JWS.
        const std::vector<std::uint8_t> der = to_der(sig);
        REQUIRE(der.size() != sig.size());
        CHECK(code(v, with_signature(token, der)) == errc::signature_length_invalid);

        std::vector<std::uint8_t> shorter(sig.begin(), sig.end() - 1), longer = sig, doubled = sig;
        longer.push_back(0);
        doubled.insert(doubled.end(), sig.begin(), sig.end());
        // r and s each with one more leading zero octet: the same integers, the wrong width.
        std::vector<std::uint8_t> padded = {0};
        padded.insert(padded.end(), sig.begin(), sig.begin() + static_cast<std::ptrdiff_t>(w));
        padded.push_back(0);
        padded.insert(padded.end(), sig.begin() + static_cast<std::ptrdiff_t>(w), sig.end());
        for (const auto& bad : {shorter, longer, doubled, padded, std::vector<std::uint8_t>{0x30}}) {
            INFO("length " << bad.size());
            CHECK(code(v, with_signature(token, bad)) == errc::signature_length_invalid);
        }
        // High s (n - s) is the same signature mathematically; RFC 7515 A.3 uses one, so it stays valid.
        const std::vector<std::uint8_t> n = ec_order(pub, w);
        BIGNUM* bn_n = BN_bin2bn(n.data(), static_cast<int>(w), nullptr);
        BIGNUM* bn_s = BN_bin2bn(sig.data() + w, static_cast<int>(w), nullptr);
        REQUIRE(BN_sub(bn_s, bn_n, bn_s) == 1);
        std::vector<std::uint8_t> flipped(sig.begin(), sig.begin() + static_cast<std::ptrdiff_t>(w));
        flipped.resize(2 * w);
        REQUIRE(BN_bn2binpad(bn_s, flipped.data() + w, static_cast<int>(w)) == static_cast<int>(w));
        BN_free(bn_n);
        BN_free(bn_s);
        CHECK(code(v, with_signature(token, flipped)) == accepted);
    }
}

TEST_CASE("an RSA signature of the wrong length is rejected before any RSA operation", "[attacks][negative]") {
    for (algorithm a : {algorithm::rs256, algorithm::ps256}) {
        INFO(jot::to_string(a));
        const auto v = trusting(victim_pub(a));
        const std::string token = good_token(victim(a));
        const std::vector<std::uint8_t> sig = signature_of(token);
        REQUIRE(sig.size() == 256);
        std::vector<std::uint8_t> leading_zero = {0};
        leading_zero.insert(leading_zero.end(), sig.begin(), sig.end()); // the same integer, one octet longer
        const std::vector<std::uint8_t> truncated(sig.begin() + 1, sig.end());
        const std::vector<std::uint8_t> cases[] = {leading_zero, truncated, std::vector<std::uint8_t>(512, 1),
                                                   std::vector<std::uint8_t>(1, 1), std::vector<std::uint8_t>(4096, 1)};
        for (const auto& bad : cases) {
            INFO("length " << bad.size());
            CHECK(code(v, with_signature(token, bad)) == errc::signature_length_invalid);
        }
        // Right length, wrong value: zero, one, and a representative above the modulus.
        for (std::uint8_t fill : {std::uint8_t{0}, std::uint8_t{0xFF}}) {
            CHECK(code(v, with_signature(token, std::vector<std::uint8_t>(256, fill))) == errc::signature_invalid);
        }
        std::vector<std::uint8_t> one(256, 0);
        one.back() = 1;
        CHECK(code(v, with_signature(token, one)) == errc::signature_invalid);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Keys named by the token itself (RFC 8725 §3.10; RFC 7515 §4.1.2-§4.1.6)

TEST_CASE("embedded jwk, jku, x5u and x5c header members never supply the key", "[attacks][negative]") {
    const jot::private_key& evil = attacker(algorithm::es256);
    const json evil_jwk = jot::to_jwk(evil.public_key().value()).value();
    // "x5c" holds base64 (RFC 4648 §4, padded), not base64url (RFC 7515 §4.1.6).
    const std::vector<std::uint8_t> der = self_signed_der(evil);
    std::string evil_cert(4 * ((der.size() + 2) / 3) + 1, '\0');
    evil_cert.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&evil_cert[0]),
                                                              der.data(), static_cast<int>(der.size()))));
    const std::vector<json> embedded = {
        {{"jwk", evil_jwk}},
        {{"jku", "https://attacker.example/jwks.json"}},
        {{"x5u", "https://attacker.example/cert.pem"}},
        {{"x5c", json::array({evil_cert})}},
        {{"jwk", evil_jwk}, {"jku", "https://attacker.example/jwks.json"}, {"x5c", json::array({evil_cert})}},
    };
    const auto v = trusting(victim_pub(algorithm::es256));
    const auto kid_v = trusting(victim_pub(algorithm::es256, "victim-1"));
    const auto other_alg = trusting(victim_pub(algorithm::rs256));
    for (const json& extra : embedded) {
        INFO(extra.dump().substr(0, 120));
        CHECK(code(v, forge(header_for(algorithm::es256, extra), claims_ok().dump(), evil)) == errc::signature_invalid);
        json with_kid = extra;
        with_kid["kid"] = "victim-1";
        CHECK(code(kid_v, forge(header_for(algorithm::es256, with_kid), claims_ok().dump(), evil)) ==
              errc::signature_invalid);
        CHECK(code(other_alg, forge(header_for(algorithm::es256, extra), claims_ok().dump(), evil)) ==
              errc::algorithm_not_allowed);
    }
    // The victim's own token with the same members is still fine: they are ignored, not forbidden.
    CHECK(code(v, forge(header_for(algorithm::es256, embedded.back()), claims_ok().dump(), victim(algorithm::es256))) ==
          accepted);

    // A key source is asked about the kid only, never handed a URL or a key from the header.
    const auto source = std::make_shared<recording_source>(jot::key_list{
        std::make_shared<const jot::public_key>(victim_pub(algorithm::es256, "victim-1"))});
    const auto sv = base().key_source(source).build().value();
    json lure = embedded.back();
    lure["kid"] = "attacker-1";
    CHECK(code(sv, forge(header_for(algorithm::es256, lure), claims_ok().dump(), evil)) == errc::key_not_found);
    REQUIRE(source->asked == std::vector<std::string>{"attacker-1"});

    // Registered URL members of the wrong type are malformed headers.
    CHECK(code(v, forge(header_for(algorithm::es256, {{"jku", 1}}), claims_ok().dump(), evil)) ==
          errc::header_invalid_member);
}

TEST_CASE("hostile kid values only ever mean key not found", "[attacks][negative]") {
    const auto v = base().key(hs(algorithm::hs256, "key-1")).key(hs(algorithm::hs256, "key-2")).build().value();
    REQUIRE(code(v, good_token(hs(algorithm::hs256, "key-1"))) == accepted);
    const std::string ten_kb(10 * 1024, 'A');
    const std::vector<std::string> kids = {"../../etc/passwd",
                                           "/dev/null",
                                           "' OR 1=1 --",
                                           "key-1' OR '1'='1",
                                           "{\"$ne\":\"\"}",
                                           "https://attacker.example/key",
                                           ten_kb,
                                           std::string("key-1\0", 6),
                                           std::string("\0key-1", 6),
                                           std::string(1, '\0'),
                                           "key-1 ",
                                           "KEY-1",
                                           "key-",
                                           ""};
    const auto source = std::make_shared<recording_source>(
        jot::key_list{std::make_shared<const jot::hmac_key>(hs(algorithm::hs256, "key-3"))});
    const auto sv = base().key_source(source).build().value();
    for (const std::string& kid : kids) {
        INFO("kid " << json(kid).dump().substr(0, 60) << " (" << kid.size() << " octets)");
        // Signed with key-1's secret: only the kid is hostile.
        const std::string t = forge(header_for(algorithm::hs256, {{"kid", kid}}), claims_ok().dump(), hs());
        CHECK(code(v, t) == errc::key_not_found);
        CHECK(code(sv, t) == errc::key_not_found);
    }
    // The source saw each kid byte for byte (NULs and all), to compare, never to interpret.
    REQUIRE(source->asked.size() == kids.size());
    for (std::size_t i = 0; i < kids.size(); ++i) CHECK(source->asked[i] == kids[i]);

    // A kid that is not a string is a malformed header, not a lookup.
    for (const json& bad : {json(1), json(nullptr), json::array({"key-1"}), json({{"$ne", ""}})}) {
        INFO(bad.dump());
        json h = {{"alg", "HS256"}, {"kid", bad}};
        CHECK(code(v, forge(h.dump(), claims_ok().dump(), hs())) == errc::header_invalid_member);
    }
}

TEST_CASE("a kid made ambiguous in a JWK Set stays unusable after to_json and parse", "[attacks][negative]") {
    // Two keys publish kid "k": A for every RSA algorithm (no "alg"), B for RS256 only. RS256 under "k" is
    // ambiguous, so A keeps the other five algorithms and B yields nothing.
    json a = jot::to_jwk(victim_pub(algorithm::rs256, "k")).value();
    a.erase("alg");
    const json b = jot::to_jwk(attacker(algorithm::rs256).public_key().value()).value();
    json b_with_kid = b;
    b_with_kid["kid"] = "k";
    const std::string text = json({{"keys", json::array({a, b_with_kid})}}).dump();
    const auto set = jot::jwk_set::parse(text).value();
    REQUIRE(set.keys().size() == 5);
    const auto again = jot::jwk_set::parse(set.to_json().value().dump()).value();
    REQUIRE(again.keys().size() == set.keys().size());
    for (std::size_t i = 0; i < set.keys().size(); ++i) CHECK(again.keys()[i]->alg() == set.keys()[i]->alg());

    // An RS256 token under "k" is refused by a verifier built from either set, signed by either key.
    for (const jot::key_list* keys : {&set.keys(), &again.keys()}) {
        const auto v = base().keys(*keys).build().value();
        CHECK(code(v, good_token(victim(algorithm::rs256, "k"))) == errc::algorithm_not_allowed);
        CHECK(code(v, good_token(victim(algorithm::rs384, "k"))) == accepted);
    }
}

// ---------------------------------------------------------------------------------------------------------
// crit and extensions (RFC 7515 §4.1.11, RFC 7797)

TEST_CASE("crit naming an extension jot does not implement is rejected, b64 included", "[attacks][negative]") {
    const auto v = trusting(hs());
    const std::string p = claims_ok().dump();
    CHECK(code(v, forge(R"({"alg":"HS256","crit":["exp"],"exp":1})", p, hs())) == errc::crit_unsupported);
    CHECK(code(v, forge(R"({"alg":"HS256","crit":["b64"],"b64":false})", p, hs())) == errc::crit_unsupported);
    CHECK(code(v, forge(R"({"alg":"HS256","crit":["b64"],"b64":true})", p, hs())) == errc::crit_unsupported);
    // Checked before the signature: an unknown crit with a wrong signature still names the crit.
    const std::string bad_sig = forge(R"({"alg":"HS256","crit":["x"],"x":1})", p, hs());
    CHECK(code(v, with_signature(bad_sig, std::vector<std::uint8_t>(32, 0))) == errc::crit_unsupported);
    // Malformed crit values.
    CHECK(code(v, forge(R"({"alg":"HS256","crit":[]})", p, hs())) == errc::crit_invalid);
    CHECK(code(v, forge(R"({"alg":"HS256","crit":"b64","b64":false})", p, hs())) == errc::crit_invalid);
    CHECK(code(v, forge(R"({"alg":"HS256","crit":["alg"]})", p, hs())) == errc::crit_invalid);
    CHECK(code(v, forge(R"({"alg":"HS256","crit":["b64"]})", p, hs())) == errc::crit_invalid);
    CHECK(code(v, forge(R"({"alg":"HS256","crit":[1]})", p, hs())) == errc::crit_invalid);
    // "b64":false without crit is not the RFC 7797 extension (§6 requires crit); the payload segment is read
    // as ordinary base64url, exactly as it was signed.
    const auto r = v.verify(forge(R"({"alg":"HS256","b64":false})", p, hs()));
    REQUIRE(r.has_value());
    CHECK(r->claims().subject().value() == "user-1");
}

TEST_CASE("duplicate members are rejected however they are spelled", "[attacks][negative]") {
    const auto v = trusting(hs());
    const std::string p = claims_ok().dump();
    CHECK(code(v, forge(R"({"alg":"HS256","alg":"none"})", p, hs())) == errc::json_duplicate_member);
    CHECK(code(v, forge(R"({"alg":"HS256","\u0061lg":"HS256"})", p, hs())) == errc::json_duplicate_member);
    CHECK(code(v, forge(R"({"alg":"HS256","kid":"a","kid":"b"})", p, hs())) == errc::json_duplicate_member);
    // In the payload (signed, so the duplicate is what the issuer wrote): exp twice, the later one far away.
    const std::string dup_exp = R"({"sub":"user-1","exp":)" + std::to_string(now_s - 10) + R"(,"exp":9999999999})";
    CHECK(code(v, forge(header_for(algorithm::hs256), dup_exp, hs())) == errc::json_duplicate_member);
    CHECK(code(v, forge(header_for(algorithm::hs256), R"({"exp":1,"n":{"a":1,"a":2}})", hs())) ==
          errc::json_duplicate_member);
}

// ---------------------------------------------------------------------------------------------------------
// Claims (RFC 7519 §4.1, RFC 8725 §3.8-§3.9)

TEST_CASE("registered claims of the wrong JSON type are rejected, never read as absent", "[attacks][negative]") {
    const auto strict = trusting(hs());
    const auto lax = base().key(hs()).allow_missing_expiration().ignore_audience().build().value();
    const auto with_iss = base().key(hs()).expect_issuer("https://issuer.example").build().value();
    const std::vector<json> payloads = {
        {{"exp", "9999999999"}},
        {{"exp", std::to_string(now_s + 60)}},
        {{"exp", true}},
        {{"exp", nullptr}},
        {{"exp", json::array({now_s + 60})}},
        {{"exp", {{"$date", now_s + 60}}}},
        {{"exp", now_s + 60}, {"nbf", "0"}},
        {{"exp", now_s + 60}, {"iat", "yesterday"}},
        {{"exp", now_s + 60}, {"iss", 1}},
        {{"exp", now_s + 60}, {"iss", json::array({"https://issuer.example"})}},
        {{"exp", now_s + 60}, {"sub", json::object()}},
        {{"exp", now_s + 60}, {"jti", 7}},
        {{"exp", now_s + 60}, {"aud", 1}},
        {{"exp", now_s + 60}, {"aud", json::array({1})}},
        {{"exp", now_s + 60}, {"aud", json::array({json::array({"api"})})}},
    };
    for (const json& p : payloads) {
        INFO(p.dump());
        const std::string t = forge(header_for(algorithm::hs256), p.dump(), hs());
        CHECK(code(strict, t) == errc::claim_wrong_type);
        CHECK(code(lax, t) == errc::claim_wrong_type); // exp optional does not make a string exp optional
        CHECK(code(with_iss, t) == errc::claim_wrong_type);
    }
    // The builder refuses to write them in the first place.
    CHECK(jot::builder().claim("exp", "9999999999").sign(hs()).error() == errc::claim_not_serializable);
}

TEST_CASE("huge, negative and fractional NumericDates are handled exactly", "[attacks][negative]") {
    const auto v = trusting(hs());
    auto with = [&](const std::string& claims_text) {
        return code(v, forge(header_for(algorithm::hs256), claims_text, hs()));
    };
    for (const char* exp : {"253402300800", "1e300", "1.7976931348623157e308", "18446744073709551615",
                            "18446744073709551616", "9223372036854775807", "-1", "-0.5", "-9223372036854775808"}) {
        INFO("exp " << exp);
        CHECK(with(std::string(R"({"exp":)") + exp + "}") == errc::numeric_date_out_of_range);
    }
    // Beyond a double: not valid JSON at all (and never infinity).
    CHECK(with(R"({"exp":1e400})") == errc::json_invalid);
    CHECK(with(R"({"exp":-1e400})") == errc::json_invalid);
    CHECK(with(R"({"exp":NaN})") == errc::json_invalid);
    CHECK(with(R"({"exp":Infinity})") == errc::json_invalid);
    // The largest date accepted, and dates in other spellings of the same number.
    CHECK(with(R"({"exp":253402300799})") == accepted);
    CHECK(with(R"({"exp":1.7000000600e9})") == accepted);
    CHECK(with(R"({"exp":17000000600e-1})") == accepted);
    // Fractions count: half a second either side of now.
    const std::string half_before = std::to_string(now_s - 1) + ".5", half_after = std::to_string(now_s) + ".5";
    CHECK(with(R"({"exp":)" + half_before + "}") == errc::token_expired);
    CHECK(with(R"({"exp":)" + half_after + "}") == accepted);
    CHECK(with(R"({"exp":)" + std::to_string(now_s) + ".0}") == errc::token_expired); // now == exp
    // nbf and iat have 60 s of tolerance ahead of the clock by default: half a second beyond that counts.
    const std::string half_beyond = std::to_string(now_s + 60) + ".5";
    CHECK(with(R"({"exp":99999999999,"nbf":)" + half_beyond + "}") == errc::token_not_yet_valid);
    CHECK(with(R"({"exp":99999999999,"iat":)" + half_beyond + "}") == errc::issued_in_future);
    CHECK(with(R"({"exp":99999999999,"nbf":)" + half_after + ",\"iat\":" + half_after + "}") == accepted);
    CHECK(with(R"({"exp":99999999999,"nbf":)" + half_before + ",\"iat\":" + half_before + "}") == accepted);
    // A huge nbf or iat is as out of range as a huge exp.
    CHECK(with(R"({"exp":99999999999,"nbf":1e300})") == errc::numeric_date_out_of_range);
    CHECK(with(R"({"exp":99999999999,"iat":-1})") == errc::numeric_date_out_of_range);
}

TEST_CASE("iss, aud and sub near misses are rejected byte for byte", "[attacks][negative]") {
    const std::string iss = "https://issuer.example", aud = "api://resource", sub = "user-1";
    const auto v = base().key(hs()).expect_issuer(iss).expect_audience(aud).expect_subject(sub).build().value();
    auto token = [&](const json& i, const json& a, const json& s) {
        const json claims = {{"iss", i}, {"aud", a}, {"sub", s}, {"exp", now_s + 60}};
        return forge(header_for(algorithm::hs256), claims.dump(), hs());
    };
    REQUIRE(code(v, token(iss, aud, sub)) == accepted);
    // JSON escapes that decode to the same string are the same string.
    CHECK(code(v, forge(header_for(algorithm::hs256),
                        R"({"iss":"https:\/\/issuer.exampl\u0065","aud":"api://resource","sub":"user-1","exp":)" +
                            std::to_string(now_s + 60) + "}",
                        hs())) == accepted);

    auto near = [](const std::string& s) {
        std::string upper = s;
        upper[0] = static_cast<char>(upper[0] - 'a' + 'A');
        return std::vector<std::string>{upper,
                                        s + "/",
                                        s + " ",
                                        " " + s,
                                        s.substr(0, s.size() - 1),
                                        s + ".evil.example",
                                        "evil." + s,
                                        s + std::string(1, '\0'),
                                        s + std::string("\0.evil", 6),
                                        std::string(1, '\0') + s,
                                        s.substr(0, 3) + "\xD1\x96" + s.substr(4), // Cyrillic i in place of a letter
                                        ""};
    };
    for (const std::string& bad : near(iss)) {
        INFO("iss " << json(bad).dump());
        CHECK(code(v, token(bad, aud, sub)) == errc::issuer_mismatch);
    }
    for (const std::string& bad : near(aud)) {
        INFO("aud " << json(bad).dump());
        CHECK(code(v, token(iss, bad, sub)) == errc::audience_mismatch);
        CHECK(code(v, token(iss, json::array({bad, "other"}), sub)) == errc::audience_mismatch);
    }
    for (const std::string& bad : near(sub)) {
        INFO("sub " << json(bad).dump());
        CHECK(code(v, token(iss, aud, bad)) == errc::subject_mismatch);
    }
    CHECK(code(v, token(iss, json::array(), sub)) == errc::audience_mismatch);
}

// ---------------------------------------------------------------------------------------------------------
// Encodings (RFC 7515 §2, §7.1; RFC 8259 §8.1)

TEST_CASE("non-canonical, padded or foreign base64url is rejected in every segment", "[attacks][negative]") {
    const auto v = trusting(hs());
    // Header and payload padded with JSON whitespace until every segment has unused bits in its last character.
    std::string header = R"({"alg":"HS256","typ":"JWT"})";
    std::string payload = R"({"sub":"user-1","exp":)" + std::to_string(now_s + 60) + "}";
    while (header.size() % 3 == 0) header.insert(1, " ");
    while (payload.size() % 3 == 0) payload.insert(1, " ");
    const std::string h = b64(header), p = b64(payload);
    REQUIRE((h.size() % 4 == 2 || h.size() % 4 == 3));
    REQUIRE((p.size() % 4 == 2 || p.size() % 4 == 3));
    auto signed_with = [&](const std::string& hs_, const std::string& ps_) {
        const std::string input = hs_ + "." + ps_;
        return input + "." + b64(raw_sign(hs(), input));
    };
    const std::string good = signed_with(h, p);
    REQUIRE(code(v, good) == accepted);
    const std::string s = good.substr(good.rfind('.') + 1);
    REQUIRE(s.size() % 4 == 3); // 32 octets

    // Each alternative spelling of a segment, in the header, in the (correctly signed) payload, in the signature.
    struct variant {
        const char* what;
        std::string (*apply)(const std::string&);
        errc want;
    };
    const variant variants[] = {
        {"non-canonical tail", [](const std::string& x) { return non_canonical(x); }, errc::base64_non_canonical},
        {"padding", [](const std::string& x) { return x + std::string((4 - x.size() % 4) % 4, '='); },
         errc::base64_padding},
        {"standard alphabet", [](const std::string& x) { return "+/" + x.substr(2); }, errc::base64_invalid_character},
        {"line break", [](const std::string& x) { return x.substr(0, 4) + "\n" + x.substr(4); },
         errc::base64_invalid_character},
        {"space", [](const std::string& x) { return x + " "; }, errc::base64_invalid_character},
        {"percent-encoded", [](const std::string& x) { return "%" + x.substr(1); }, errc::base64_invalid_character},
        {"impossible length", [](const std::string& x) { return x + std::string(5 - x.size() % 4, 'A'); },
         errc::base64_invalid_length},
    };
    for (const variant& var : variants) {
        INFO(var.what);
        CHECK(code(v, signed_with(var.apply(h), p)) == var.want);
        CHECK(code(v, signed_with(h, var.apply(p))) == var.want);
        CHECK(code(v, h + "." + p + "." + var.apply(s)) == var.want);
    }
}

TEST_CASE("invalid UTF-8 in the header or payload is rejected", "[attacks][negative]") {
    const auto v = trusting(hs());
    const std::string exp = std::to_string(now_s + 60);
    const char* bad_bytes[] = {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\x80",
                               "\xC3", "\xF0\x9F\x98"};
    for (const char* bytes : bad_bytes) {
        INFO("bytes " << b64(bytes));
        const std::string h = std::string(R"({"alg":"HS256","x":")") + bytes + "\"}";
        const std::string p = std::string(R"({"sub":")") + bytes + R"(","exp":)" + exp + "}";
        CHECK(code(v, forge(h, claims_ok().dump(), hs())) == errc::invalid_utf8);
        CHECK(code(v, forge(header_for(algorithm::hs256), p, hs())) == errc::invalid_utf8);
        // Outside any string, too.
        CHECK(code(v, forge(std::string(R"({"alg":"HS256"})") + bytes, claims_ok().dump(), hs())) ==
              errc::invalid_utf8);
    }
    // A lone surrogate written as a JSON escape is not a character either.
    CHECK(code(v, forge(header_for(algorithm::hs256), R"({"sub":"\ud800","exp":)" + exp + "}", hs())) ==
          errc::json_invalid);
    // Valid non-ASCII text is fine.
    CHECK(code(v, forge(header_for(algorithm::hs256), "{\"sub\":\"\xC3\xA9\xF0\x9F\x98\x80\",\"exp\":" + exp + "}",
                        hs())) == accepted);
}

// ---------------------------------------------------------------------------------------------------------
// Size and shape (RFC 8725 §2.7 denial of service; jot's decode_options)

TEST_CASE("a token with a 1 MiB payload is rejected before it is decoded", "[attacks][negative]") {
    const auto v = trusting(hs());
    const std::string big = jot::builder()
                                .subject("user-1")
                                .claim("blob", std::string(1 << 20, 'x'))
                                .expires_at(std::chrono::system_clock::time_point(std::chrono::seconds(now_s + 60)))
                                .sign(hs())
                                .value();
    REQUIRE(big.size() > (1u << 20));
    CHECK(code(v, big) == errc::token_too_large);
    // One octet over the limit is too large; at the limit the size check passes.
    jot::decode_options tight;
    tight.max_token_size = good_token(hs()).size();
    const auto exact = base().key(hs()).limits(tight).build().value();
    CHECK(code(exact, good_token(hs())) == accepted);
    CHECK(code(exact, good_token(hs()) + "A") == errc::token_too_large);
    // A caller who raises the limit gets the token verified.
    jot::decode_options roomy;
    roomy.max_token_size = 2u << 20;
    CHECK(code(base().key(hs()).limits(roomy).build().value(), big) == accepted);
}

TEST_CASE("deeply nested JSON is rejected at the depth limit in header, payload and JWK Sets",
          "[attacks][negative]") {
    auto nested = [](std::size_t depth) { // an object of `depth` levels: {"x":[[...]]}
        return "{\"x\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
    };
    auto nested_objects = [](std::size_t depth) {
        std::string s;
        for (std::size_t i = 0; i < depth; ++i) s += "{\"a\":";
        s += "0";
        s += std::string(depth, '}');
        return s;
    };
    const auto v = base().key(hs()).allow_missing_expiration().build().value();
    // The default limit is 32 levels, the top-level object included.
    CHECK(code(v, forge(header_for(algorithm::hs256), nested(32), hs())) == accepted);
    CHECK(code(v, forge(header_for(algorithm::hs256), nested(33), hs())) == errc::json_too_deep);
    CHECK(code(v, forge(header_for(algorithm::hs256), nested_objects(32), hs())) == accepted);
    CHECK(code(v, forge(header_for(algorithm::hs256), nested_objects(33), hs())) == errc::json_too_deep);
    const std::string deep_header = R"({"alg":"HS256","x":)" + std::string(40, '[') + std::string(40, ']') + "}";
    CHECK(code(v, forge(deep_header, claims_ok().dump(), hs())) == errc::json_too_deep);

    // 100,000 levels: larger than the default token size; with the size limit lifted, the depth limit stops
    // the parser at level 33 (jot's SAX builder keeps one pointer per open level, so memory stays bounded).
    const std::string very_deep = forge(header_for(algorithm::hs256), nested(100000), hs());
    CHECK(code(v, very_deep) == errc::token_too_large);
    jot::decode_options roomy;
    roomy.max_token_size = 1u << 20;
    const auto big = base().key(hs()).allow_missing_expiration().limits(roomy).build().value();
    CHECK(code(big, very_deep) == errc::json_too_deep);
    CHECK(code(big, forge(R"({"alg":"HS256","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}",
                          claims_ok().dump(), hs())) == errc::json_too_deep);
    CHECK(jot::dangerous::decode_unverified(very_deep, roomy).error() == errc::json_too_deep);
    CHECK(jot::jwk_set::parse(R"({"keys":)" + std::string(100, '[') + std::string(100, ']') + "}").error() ==
          errc::json_too_deep);
}

TEST_CASE("100,000 dots and other shapes that are not three segments are rejected", "[attacks][negative]") {
    const auto v = trusting(hs());
    const std::string dots(100000, '.');
    CHECK(code(v, dots) == errc::token_too_large);
    jot::decode_options roomy;
    roomy.max_token_size = 1u << 20;
    const auto big = base().key(hs()).limits(roomy).build().value();
    CHECK(code(big, dots) == errc::token_not_compact);
    const std::string t = good_token(hs());
    CHECK(code(big, t + std::string(100000, '.')) == errc::token_not_compact);
    CHECK(code(v, t + ".") == errc::token_not_compact);
    CHECK(code(v, t + "." + t) == errc::token_not_compact);           // a JWS JSON-like concatenation
    CHECK(code(v, t.substr(0, t.rfind('.'))) == errc::token_not_compact);
    CHECK(code(v, "..") == errc::empty_segment);
    CHECK(code(v, "") == errc::token_not_compact);
    CHECK(code(v, "." + t.substr(t.find('.') + 1)) == errc::empty_segment);
    // Five segments: the shape of a JWE, which jot does not decrypt.
    CHECK(code(v, "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d") == errc::token_not_compact);
}
