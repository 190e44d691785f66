// SPDX-License-Identifier: MIT
// EdDSA public keys of small order, non-canonically encoded or off the curve are refused when the key is made,
// on every route a key takes into jot (RFC 8725 §3.4, RFC 8032 §5.1.3 and §5.2.3); valid keys still load.
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
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <jot/algorithm.hpp>
#include <jot/base64url.hpp>
#include <jot/clock.hpp>
#include <jot/detail/eddsa_point.hpp>
#include <jot/error.hpp>
#include <jot/jwk.hpp>
#include <jot/jwks.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using jot::algorithm;
using jot::errc;
using bytes = std::vector<std::uint8_t>;

enum class curve { ed25519, ed448 };

/// One encoded public key and the code jot must refuse it with.
struct encoding {
    const char* what;
    curve c;
    const char* hex;
    errc expected;
};

// Every encoding whose y, reduced mod p, is the y of a point of small order, with both sign bits, for y and
// (where it still fits the encoding) y + p. Made with Python from RFC 8032's definitions; y8 and p - y8 are the
// y of the four points of order 8 of edwards25519 ([4]P = (0, -1), checked when the list was made).
// Order of the checks (jot/detail/eddsa_point.hpp): y >= p first, then "on the curve", then x = 0 with the sign
// bit, then small order; so a non-canonical encoding of a small-order point is key_not_canonical.
// p = 2^255 - 19: y + p < 2^255 only for y < 19, so only y = 0 and y = 1 have a second, non-canonical encoding.
const encoding ed25519_small_order[] = {
    {"y = 0 (order 4, x = +sqrt(-1))", curve::ed25519,
     "0000000000000000000000000000000000000000000000000000000000000000", errc::key_small_order},
    {"y = 0, sign bit (order 4, x = -sqrt(-1))", curve::ed25519,
     "0000000000000000000000000000000000000000000000000000000000000080", errc::key_small_order},
    {"y = 1 (the neutral point)", curve::ed25519,
     "0100000000000000000000000000000000000000000000000000000000000000", errc::key_small_order},
    {"y = p - 1 (order 2)", curve::ed25519,
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", errc::key_small_order},
    {"y = y8 (order 8)", curve::ed25519,
     "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", errc::key_small_order},
    {"y = y8, sign bit (order 8)", curve::ed25519,
     "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", errc::key_small_order},
    {"y = p - y8 (order 8)", curve::ed25519,
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", errc::key_small_order},
    {"y = p - y8, sign bit (order 8)", curve::ed25519,
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", errc::key_small_order},
    {"y = 1, sign bit (neutral point, x = 0 with the sign set)", curve::ed25519,
     "0100000000000000000000000000000000000000000000000000000000000080", errc::key_not_canonical},
    {"y = p - 1, sign bit (order 2, x = 0 with the sign set)", curve::ed25519,
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", errc::key_not_canonical},
    {"y = p (0 unreduced)", curve::ed25519,
     "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", errc::key_not_canonical},
    {"y = p, sign bit", curve::ed25519,
     "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", errc::key_not_canonical},
    {"y = p + 1 (the neutral point unreduced)", curve::ed25519,
     "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", errc::key_not_canonical},
    {"y = p + 1, sign bit", curve::ed25519,
     "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", errc::key_not_canonical},
};

// edwards448 (cofactor 4): the points of small order are (0, 1), (0, -1) and (±1, 0). p = 2^448 - 2^224 - 1:
// y + p < 2^448 only for y <= 2^224, so again only y = 0 and y = 1 have a non-canonical twin.
const encoding ed448_small_order[] = {
    {"y = 0 (order 4, x = p - 1, even)", curve::ed448,
     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000",
     errc::key_small_order},
    {"y = 0, sign bit (order 4, x = 1)", curve::ed448,
     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000080",
     errc::key_small_order},
    {"y = 1 (the neutral point)", curve::ed448,
     "0100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000",
     errc::key_small_order},
    {"y = p - 1 (order 2)", curve::ed448,
     "fefffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffffff"
     "ffffff00",
     errc::key_small_order},
    {"y = 1, sign bit (x = 0 with the sign set)", curve::ed448,
     "0100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000080",
     errc::key_not_canonical},
    {"y = p - 1, sign bit (x = 0 with the sign set)", curve::ed448,
     "fefffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffffff"
     "ffffff80",
     errc::key_not_canonical},
    {"y = p (0 unreduced)", curve::ed448,
     "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffffff"
     "ffffff00",
     errc::key_not_canonical},
    {"y = p, sign bit", curve::ed448,
     "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffffffffffffffffffffffffffffffffffffffffffff"
     "ffffff80",
     errc::key_not_canonical},
    {"y = p + 1 (the neutral point unreduced)", curve::ed448,
     "00000000000000000000000000000000000000000000000000000000ffffffffffffffffffffffffffffffffffffffffffffffffff"
     "ffffff00",
     errc::key_not_canonical},
    {"y = p + 1, sign bit", curve::ed448,
     "00000000000000000000000000000000000000000000000000000000ffffffffffffffffffffffffffffffffffffffffffffffffff"
     "ffffff80",
     errc::key_not_canonical},
};

// Encodings that are wrong without being of small order.
const encoding other_bad_encodings[] = {
    {"Ed25519 y = 2: no x on the curve", curve::ed25519,
     "0200000000000000000000000000000000000000000000000000000000000000", errc::key_invalid},
    {"Ed25519 y = p + 3: y = 3 is a point of large order, unreduced", curve::ed25519,
     "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", errc::key_not_canonical},
    {"Ed448 y = 2: no x on the curve", curve::ed448,
     "0200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000",
     errc::key_invalid},
    {"Ed448 y = p + 3: y = 3 is a point of large order, unreduced", curve::ed448,
     "02000000000000000000000000000000000000000000000000000000ffffffffffffffffffffffffffffffffffffffffffffffffff"
     "ffffff00",
     errc::key_not_canonical},
    {"Ed448 y = 1 with a low bit of the last octet set (y >= 2^448)", curve::ed448,
     "0100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000001",
     errc::key_not_canonical},
};

int pkey_type(curve c) { return c == curve::ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448; }
const char* crv_name(curve c) { return c == curve::ed25519 ? "Ed25519" : "Ed448"; }
algorithm curve_alg(curve c) { return c == curve::ed25519 ? algorithm::ed25519 : algorithm::ed448; }
std::size_t signature_size(curve c) { return c == curve::ed25519 ? 64 : 114; }

jot::detail::pkey_ptr raw_public(curve c, const bytes& x) {
    return jot::detail::pkey_ptr(EVP_PKEY_new_raw_public_key(pkey_type(c), nullptr, x.data(), x.size()));
}

/// A DER SubjectPublicKeyInfo built by hand around the raw key (RFC 8410 §4): SEQUENCE { SEQUENCE { OID
/// 1.3.101.112 or .113 }, BIT STRING { 0 unused bits, key } }.
bytes spki_der(curve c, const bytes& x) {
    bytes der = jot_test::from_hex(c == curve::ed25519 ? "302a300506032b6570032100" : "3043300506032b6571033a00");
    der.insert(der.end(), x.begin(), x.end());
    return der;
}

/// PEM armour around DER, lines of 64 base64 characters (RFC 7468 §2).
std::string pem(const char* label, const bytes& der) {
    std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der.data(), static_cast<int>(der.size()));
    b64.resize(static_cast<std::size_t>(n));
    std::string out = std::string("-----BEGIN ") + label + "-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
    return out + "-----END " + label + "-----\n";
}

json okp_jwk(curve c, const bytes& x) {
    return json{{"kty", "OKP"}, {"crv", crv_name(c)}, {"x", jot::base64url::encode(jot::bytes_view(x.data(), x.size()))}};
}

struct x509_deleter {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

/// A self-issued-looking certificate whose subject key is `subject`, signed by a fresh Ed25519 issuer key:
/// OpenSSL signs a certificate for any key, so this is what an attacker could hand over.
x509_ptr certificate_for(EVP_PKEY* subject) {
    static const jot::detail::pkey_ptr issuer = [] {
        EVP_PKEY* k = nullptr;
        jot::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "ED25519", nullptr));
        REQUIRE(ctx);
        REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1);
        REQUIRE(EVP_PKEY_generate(ctx.get(), &k) == 1);
        return jot::detail::pkey_ptr(k);
    }();
    x509_ptr cert(X509_new());
    REQUIRE(cert);
    REQUIRE(X509_set_version(cert.get(), 2) == 1);
    REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1);
    X509_NAME* name = X509_get_subject_name(cert.get());
    REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("small"), -1,
                                       -1, 0) == 1);
    REQUIRE(X509_set_issuer_name(cert.get(), name) == 1);
    REQUIRE(X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0));
    REQUIRE(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600));
    REQUIRE(X509_set_pubkey(cert.get(), subject) == 1);
    REQUIRE(X509_sign(cert.get(), issuer.get(), nullptr) > 0);
    return cert;
}

bytes cert_der(X509* cert) {
    unsigned char* out = nullptr;
    const int n = i2d_X509(cert, &out);
    REQUIRE(n > 0);
    bytes der(out, out + n);
    OPENSSL_free(out);
    return der;
}

/// An EdDSA private key made from a random private half and the given public half: OpenSSL keeps the public
/// key it is given (it does not derive it again), which is what a PKCS#8 v2 file or a JWK can carry.
jot::detail::pkey_ptr keypair_with_public(curve c, bytes x) {
    bytes d(c == curve::ed25519 ? 32 : 57);
    REQUIRE(RAND_bytes(d.data(), static_cast<int>(d.size())) == 1);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, d.data(), d.size()),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, x.data(), x.size()),
        OSSL_PARAM_construct_end(),
    };
    jot::detail::pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, c == curve::ed25519 ? "ED25519" : "ED448", nullptr));
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
    EVP_PKEY* k = nullptr;
    REQUIRE(EVP_PKEY_fromdata(ctx.get(), &k, EVP_PKEY_KEYPAIR, params) == 1);
    jot::detail::pkey_ptr key(k);
    bytes got(x.size());
    std::size_t len = got.size();
    REQUIRE(EVP_PKEY_get_raw_public_key(key.get(), got.data(), &len) == 1);
    REQUIRE(got == x);
    return key;
}

/// Checks that `e` is refused with its exact code on every route into jot.
void check_refused_everywhere(const encoding& e) {
    INFO(crv_name(e.c) << " " << e.what << " (" << e.hex << "), expected " << jot::make_error_code(e.expected).message());
    const bytes x = jot_test::from_hex(e.hex);
    REQUIRE(x.size() == (e.c == curve::ed25519 ? 32u : 57u));
    const std::error_code expected = jot::make_error_code(e.expected);

    for (algorithm alg : {algorithm::eddsa, curve_alg(e.c)}) {
        INFO(jot::to_string(alg));
        // OpenSSL itself takes the octets as they are: the refusal below is jot's.
        auto raw = raw_public(e.c, x);
        REQUIRE(raw);
        CHECK(jot::public_key::from_pkey(alg, std::move(raw)).error() == expected);

        const bytes der = spki_der(e.c, x);
        CHECK(jot::public_key::from_der(alg, der).error() == expected);
        CHECK(jot::public_key::from_pem(alg, pem("PUBLIC KEY", der)).error() == expected);

        auto subject = raw_public(e.c, x);
        REQUIRE(subject);
        const x509_ptr cert = certificate_for(subject.get());
        const bytes cder = cert_der(cert.get());
        CHECK(jot::public_key::from_der(alg, cder).error() == expected);
        CHECK(jot::public_key::from_pem(alg, pem("CERTIFICATE", cder)).error() == expected);

        CHECK(jot::public_key_from_jwk(okp_jwk(e.c, x), alg).error() == expected);
        // x5c holding the same key passes the x5c match (RFC 7517 §4.7) and is then refused like the bare JWK.
        json with_x5c = okp_jwk(e.c, x);
        with_x5c["x5c"] = json::array({jot::base64url::encode(jot::bytes_view(cder.data(), cder.size()))});
        std::string& b64 = with_x5c["x5c"][0].get_ref<std::string&>();
        for (char& ch : b64) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch; // x5c is standard base64, padded
        while (b64.size() % 4) b64 += '=';
        CHECK(jot::public_key_from_jwk(with_x5c, alg).error() == expected);

        // A private key whose public half is the bad point: refused for that point, not for the mismatch.
        CHECK(jot::private_key::from_pkey(alg, keypair_with_public(e.c, x)).error() == expected);
    }
    CHECK(jot::public_key_from_jwk(okp_jwk(e.c, x)).error() == expected); // no alg: EdDSA inferred

    // A JWK Set skips the key and says why, with "alg" and without.
    json with_alg = okp_jwk(e.c, x);
    with_alg["alg"] = "EdDSA";
    for (const json& jwk : {okp_jwk(e.c, x), with_alg}) {
        json doc{{"keys", json::array({jwk})}};
        doc["keys"][0]["kid"] = "bad";
        auto set = jot::jwk_set::parse(doc.dump());
        REQUIRE(set);
        CHECK(set->empty());
        REQUIRE(set->skipped().size() == 1);
        CHECK(set->skipped()[0].kid == "bad");
        CHECK(set->skipped()[0].reason == expected);
    }
    CHECK(ERR_peek_error() == 0);
}

/// R || S with S = 0, R given: the signature a forger without any private key tries.
bytes zero_s_signature(curve c, const bytes& r) {
    bytes sig = r;
    sig.resize(signature_size(c), 0);
    return sig;
}

/// What raw OpenSSL says of `sig` over `input` under public key `x`.
bool openssl_accepts(curve c, const bytes& x, std::string_view input, const bytes& sig) {
    auto key = raw_public(c, x);
    REQUIRE(key);
    jot::detail::md_ctx_ptr ctx(EVP_MD_CTX_new());
    REQUIRE(ctx);
    REQUIRE(EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, key.get(), nullptr) == 1);
    const int r = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(input.data()),
                                   input.size());
    ERR_clear_error();
    return r == 1;
}

std::string b64(std::string_view s) { return jot::base64url::encode(s); }
std::string b64(const bytes& b) { return jot::base64url::encode(jot::bytes_view(b.data(), b.size())); }

using fixed_builder = jot::basic_verifier_builder<json, jot::fixed_clock>;
constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at_now() { return {std::chrono::system_clock::time_point(std::chrono::seconds(now_s))}; }

} // namespace

TEST_CASE("every small-order Ed25519 encoding, canonical or not, is refused on every route with its exact code",
          "[eddsa][negative]") {
    static_assert(sizeof ed25519_small_order / sizeof ed25519_small_order[0] == 14, "8 torsion points + 6 twins");
    for (const encoding& e : ed25519_small_order) check_refused_everywhere(e);
}

TEST_CASE("every small-order Ed448 encoding, canonical or not, is refused on every route with its exact code",
          "[eddsa][negative]") {
    static_assert(sizeof ed448_small_order / sizeof ed448_small_order[0] == 10, "4 torsion points + 6 twins");
    for (const encoding& e : ed448_small_order) check_refused_everywhere(e);
}

TEST_CASE("EdDSA keys off the curve or with y unreduced are refused on every route", "[eddsa][negative]") {
    for (const encoding& e : other_bad_encodings) check_refused_everywhere(e);
}

TEST_CASE("the order-8 Ed25519 encodings are those the check derives, not only those listed",
          "[eddsa][negative]") {
    // The check finds order 8 from y^2 - a*x^2 = 0, not from a list: both order-8 y values must be found by
    // it, and a y next to them must not be.
    using jot::detail::check_eddsa_point;
    using jot::detail::eddsa_curve;
    bytes y8 = jot_test::from_hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
    CHECK(check_eddsa_point(eddsa_curve::ed25519, y8.data(), y8.size()).error() == errc::key_small_order);
    y8[0] ^= 1;
    const auto near = check_eddsa_point(eddsa_curve::ed25519, y8.data(), y8.size());
    CHECK((near || near.error() == errc::key_invalid));
    CHECK(check_eddsa_point(eddsa_curve::ed25519, y8.data(), 31).error() == errc::key_invalid);
    CHECK(check_eddsa_point(eddsa_curve::ed448, y8.data(), y8.size()).error() == errc::key_invalid);
}

TEST_CASE("a forged token verifies under the Ed25519 neutral point in OpenSSL, and jot refuses that key",
          "[eddsa][attack]") {
    const bytes neutral = jot_test::from_hex("0100000000000000000000000000000000000000000000000000000000000000");
    const std::string input = b64(R"({"alg":"EdDSA"})") + "." + b64(R"({"sub":"mallory","exp":4102444800})");
    // [S]B - [k]A = identity for S = 0 and A = identity, whatever k = H(R || A || M): R = the identity's encoding.
    const bytes forged = zero_s_signature(curve::ed25519, neutral);
    REQUIRE(openssl_accepts(curve::ed25519, neutral, input, forged)); // the attack is real on this OpenSSL
    REQUIRE(openssl_accepts(curve::ed25519, neutral, input + "x", forged)); // and works for any message
    const std::string token = input + "." + b64(forged);

    auto raw = raw_public(curve::ed25519, neutral);
    REQUIRE(raw);
    CHECK(jot::public_key::from_pkey(algorithm::eddsa, std::move(raw)).error() == errc::key_small_order);
    CHECK(jot::public_key_from_jwk(okp_jwk(curve::ed25519, neutral)).error() == errc::key_small_order);

    // A JWK Set carrying the neutral point next to an honest key yields only the honest key, so the forged token
    // meets only a key it was not made with.
    const auto honest = jot::private_key::generate(algorithm::eddsa).value().public_key().value();
    json doc{{"keys", json::array({okp_jwk(curve::ed25519, neutral),
                                   jot::to_jwk<json>(honest).value()})}};
    auto set = jot::jwk_set::parse(doc.dump());
    REQUIRE(set);
    REQUIRE(set->skipped().size() == 1);
    CHECK(set->skipped()[0].index == 0);
    CHECK(set->skipped()[0].reason == errc::key_small_order);
    REQUIRE(set->keys().size() == 1); // the honest key, under the "alg" to_jwk wrote
    const auto v = fixed_builder().clock(at_now()).keys(set->keys()).build().value();
    const auto r = v.verify(token);
    REQUIRE(!r);
    CHECK(r.error() == errc::signature_invalid);
}

TEST_CASE("under every canonical small-order key OpenSSL accepts an S = 0 forgery, and jot refuses each key",
          "[eddsa][attack]") {
    // For a key A of small order, [S]B = R + [k]A with S = 0 holds when R = -[k]A, itself of small order: the
    // forger tries each small-order R on a few messages until one fits (k depends on R and the message).
    // OpenSSL 3.0's Ed448 verify turns down the forgeries under (0, 1) and (0, -1) tried here but accepts those
    // under the points of order 4; jot refuses all of them alike.
    struct family {
        curve c;
        const encoding* begin;
        const encoding* end;
    };
    const family families[] = {
        {curve::ed25519, std::begin(ed25519_small_order), std::end(ed25519_small_order)},
        {curve::ed448, std::begin(ed448_small_order), std::end(ed448_small_order)},
    };
    std::size_t forged_keys = 0;
    for (const family& f : families) {
        std::vector<bytes> torsion;
        for (const encoding* e = f.begin; e != f.end; ++e)
            if (e->expected == errc::key_small_order) torsion.push_back(jot_test::from_hex(e->hex));
        for (const bytes& a : torsion) {
            INFO(crv_name(f.c) << " key " << b64(a));
            bool forged = false;
            for (int m = 0; m < 64 && !forged; ++m) {
                const std::string input = b64(R"({"alg":"EdDSA"})") + "." + b64("{\"n\":" + std::to_string(m) + "}");
                for (const bytes& r : torsion)
                    if (openssl_accepts(f.c, a, input, zero_s_signature(f.c, r))) forged = true;
            }
            const bool order_1_or_2 = f.c == curve::ed448 && (a[0] == 0x01 || a[0] == 0xfe);
            CHECK(forged == !order_1_or_2);
            forged_keys += forged ? 1 : 0;
            auto raw = raw_public(f.c, a);
            REQUIRE(raw);
            CHECK(jot::public_key::from_pkey(algorithm::eddsa, std::move(raw)).error() == errc::key_small_order);
        }
    }
    CHECK(forged_keys == 8 + 2);
}

TEST_CASE("the RFC 8037 A.1 key, generated keys and their encodings still load", "[eddsa][positive]") {
    const json v = jot_test::read_json("rfc/rfc8037_A4_ed25519.json");
    const json jwk = v.at("jwk");
    auto priv = jot::private_key_from_jwk(jwk);
    REQUIRE(priv);
    auto pub = jot::public_key_from_jwk(v.at("derived").at("jwk_public"));
    REQUIRE(pub);
    CHECK(jot::public_key::from_pem(algorithm::eddsa, v.at("derived").at("public_key_pem_spki").get<std::string>()));
    const std::string compact = v.at("compact").get<std::string>();
    const auto dot = compact.rfind('.');
    const auto sig = jot::base64url::decode<bytes>(compact.substr(dot + 1)).value();
    CHECK(pub->verify(compact.substr(0, dot), jot::bytes_view(sig.data(), sig.size())));

    for (algorithm alg : {algorithm::ed25519, algorithm::ed448}) {
        for (int i = 0; i < 32; ++i) {
            INFO(jot::to_string(alg) << " key " << i);
            auto key = jot::private_key::generate(alg);
            REQUIRE(key);
            auto p = key->public_key();
            REQUIRE(p);
            const auto der = p->to_der().value();
            CHECK(jot::public_key::from_der(alg, der));
            CHECK(jot::public_key::from_der(algorithm::eddsa, der));
            CHECK(jot::public_key_from_jwk(jot::to_jwk<json>(*p).value()));
        }
    }
    CHECK(ERR_peek_error() == 0);
}
