// SPDX-License-Identifier: MIT
// Secrets stay secret: no error message or exception text carries a secret, a signature, a token or other
// untrusted input, and HMAC secrets and private keys are wiped when their objects die (observed at free time).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>

#include <jot/base64url.hpp>
#include <jot/bearer.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/dangerous.hpp>
#include <jot/detail/constant_time.hpp>
#include <jot/error.hpp>
#include <jot/jwk.hpp>
#include <jot/jwks.hpp>
#include <jot/hmac_key.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "support/alloc_counter.hpp"

// ThreadSanitizer's runtime defines the global allocation functions itself, so a TSan build cannot replace them:
// it leaves out the wiping tests (it runs only the [threads] tests anyway).
#if defined(__SANITIZE_THREAD__)
#define JOT_TEST_WATCH_FREES 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define JOT_TEST_WATCH_FREES 0
#endif
#endif
#ifndef JOT_TEST_WATCH_FREES
#define JOT_TEST_WATCH_FREES 1
#endif

namespace {

using json = nlohmann::json;
using jot::algorithm;
using jot::errc;
using bytes = std::vector<std::uint8_t>;

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock at_now() { return {std::chrono::system_clock::time_point(std::chrono::seconds(now_s))}; }

/// A secret whose every 16-octet window is distinctive, so a hit in a scan cannot be a coincidence.
const std::string& secret() {
    static const std::string s = "jot-secret:Qx7#Lm2!Vb9$Zr4&Tc6*Wn8@Hp3%"; // 40 octets: HS256 and HS384
    return s;
}
const std::string& password() {
    static const std::string s = "jot-password:Kd5^Fs1~Gy0+Je7=";
    return s;
}

/// What an error can say: its message, its condition's message, its category name, and the text of the
/// exception value() throws.
std::vector<std::string> texts_of(std::error_code ec) {
    std::vector<std::string> out = {ec.message(), ec.default_error_condition().message(), ec.category().name()};
    try {
        jot::result<void>(ec).value();
        out.push_back("value() did not throw");
    } catch (const jot::error& e) {
        out.emplace_back(e.what());
        out.push_back(e.code().message());
    }
    return out;
}

} // namespace

TEST_CASE("no error message or exception text contains a secret, signature, token or untrusted input",
          "[secrets][negative]") {
    const auto key = jot::hmac_key::create(algorithm::hs256, secret(), "jot-kid-Pq2Rs4").value();
    const std::string iss = "https://jot-issuer-Uv6Wx8.example";
    const std::string token = jot::basic_builder<json, jot::fixed_clock>(at_now())
                                  .issuer(iss)
                                  .subject("jot-subject-Yz1Ab3")
                                  .claim("note", "jot-claim-Cd5Ef7")
                                  .expires_in(std::chrono::minutes(1))
                                  .sign(key)
                                  .value();
    const std::string h = token.substr(0, token.find('.'));
    const std::string p = token.substr(h.size() + 1, token.rfind('.') - h.size() - 1);
    const std::string s = token.substr(token.rfind('.') + 1);
    const std::string sig_raw = jot::base64url::decode(s).value();

    const auto v = jot::basic_verifier_builder<json, jot::fixed_clock>()
                       .key(key)
                       .clock(at_now())
                       .expect_issuer("https://jot-expected-Gh9Ij0.example")
                       .build()
                       .value();
    const auto v_ok_iss = jot::basic_verifier_builder<json, jot::fixed_clock>()
                              .key(key)
                              .clock(at_now())
                              .expect_issuer(iss)
                              .expect_audience("jot-audience-Kl2Mn4")
                              .build()
                              .value();
    REQUIRE(v_ok_iss.verify(token).error() == errc::claim_missing); // the token is otherwise good

    // An encrypted PKCS#8 key, to fail with a wrong password.
    const auto ec_key = jot::private_key::generate(algorithm::es256).value();
    std::string encrypted;
    {
        OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(ec_key.native_handle(), EVP_PKEY_KEYPAIR, "PEM",
                                                              "PrivateKeyInfo", nullptr);
        REQUIRE(ctx != nullptr);
        REQUIRE(OSSL_ENCODER_CTX_set_cipher(ctx, "AES-256-CBC", nullptr) == 1);
        REQUIRE(OSSL_ENCODER_CTX_set_passphrase(ctx, reinterpret_cast<const unsigned char*>(password().data()),
                                                password().size()) == 1);
        unsigned char* data = nullptr;
        std::size_t len = 0;
        REQUIRE(OSSL_ENCODER_to_data(ctx, &data, &len) == 1);
        encrypted.assign(reinterpret_cast<char*>(data), len);
        OPENSSL_free(data);
        OSSL_ENCODER_CTX_free(ctx);
    }
    const std::string private_pem = ec_key.to_pem().value();

    std::string tampered = token;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    const json jwk_with_secret = {
        {"kty", "oct"}, {"k", jot::base64url::encode(std::string_view(secret()))}, {"alg", "HS512"}};
    auto b64 = [](std::string_view text) { return jot::base64url::encode(text); };

    // Each failing operation, with what it must have failed with (so the scan covers real failure paths).
    std::vector<std::pair<std::error_code, errc>> failures = {
        {v.verify(token).error(), errc::issuer_mismatch},
        {v.verify(tampered).error(), errc::signature_invalid},
        {v.verify(token.substr(0, token.size() - 3)).error(), errc::signature_length_invalid},
        {v.verify(token + ".").error(), errc::token_not_compact},
        {v.verify(token + "=").error(), errc::base64_padding},
        {v.verify(h + "." + p + "." + s + "!").error(), errc::base64_invalid_character},
        {v.verify(token + std::string(70000, 'A')).error(), errc::token_too_large},
        {v.verify(b64(R"({"alg":"HS256","kid":"jot-kid-Other"})") + "." + p + "." + s).error(), errc::key_not_found},
        {v.verify(b64(R"({"alg":"jot-alg-Op6Qr8"})") + "." + p + "." + s).error(),
         errc::unsupported_algorithm},
        {v.verify(b64(R"({"alg":"HS256","crit":["jot-ext-St0"],"jot-ext-St0":1})") + "." + p + "." + s).error(),
         errc::crit_unsupported},
        {v.verify(jot::base64url::encode(std::string_view(secret())) + "." + p + "." + s).error(), errc::json_invalid},
        {v_ok_iss.verify(token).error(), errc::claim_missing},
        {jot::hmac_key::create(algorithm::hs512, secret()).error(), errc::key_too_short},
        {jot::hmac_key_from_jwk(jwk_with_secret).error(), errc::key_too_short},
        {jot::private_key::from_pem(algorithm::es256, encrypted, {}, "jot-wrong-password").error(), errc::key_invalid},
        {jot::private_key::from_pem(algorithm::es384, encrypted, {}, password()).error(), errc::key_algorithm_mismatch},
        {jot::private_key::from_pem(algorithm::es256, "-----BEGIN PRIVATE KEY-----\n" + secret() + "\n").error(),
         errc::key_invalid},
        {jot::private_key::from_pem(algorithm::rs256, private_pem).error(), errc::key_algorithm_mismatch},
        {jot::public_key::from_pem(algorithm::es256, secret()).error(), errc::key_invalid},
        {jot::jwk_set::parse(R"({"keys":[)" + jwk_with_secret.dump() + "]}").value().skipped().at(0).reason,
         errc::key_algorithm_mismatch},
        {jot::jwk_set::parse("{\"keys\":\"" + secret() + "\"}").error(), errc::key_set_invalid},
        {jot::bearer::extract("Bearer " + token + " " + secret()).error(), errc::bearer_malformed},
        {jot::dangerous::decode_unverified(h + "." + jot::base64url::encode(std::string_view(secret())) + "." + s)
             .error(),
         errc::json_invalid},
        {jot::builder().claim("exp", secret()).sign(key).error(), errc::claim_not_serializable},
        {jot::builder().header_member("kid", secret()).sign(key).error(), errc::reserved_header_member},
        {jot::sign_compact(R"({"alg":"jot-alg-Op6Qr8"})", std::string_view(secret()), key).error(),
         errc::key_algorithm_mismatch},
    };

    const std::vector<std::string> needles = {
        secret(), jot::base64url::encode(std::string_view(secret())), password(), "jot-wrong-password", token,
        h, p, s, sig_raw, iss, "jot-expected", "jot-subject", "jot-claim", "jot-kid", "jot-alg", "jot-ext",
        "jot-audience", private_pem.substr(28, 40), encrypted.substr(38, 40)};
    for (const auto& [ec, want] : failures) {
        INFO("expected " << std::error_code(want) << ", got " << ec << ": " << ec.message());
        REQUIRE(ec == want);
        for (const std::string& text : texts_of(ec)) {
            for (const std::string& needle : needles) {
                INFO("text: " << text);
                CHECK(text.find(needle) == std::string::npos);
            }
        }
    }
    // Codes outside the enumeration (another library's value in jot's category) still say nothing of the input.
    CHECK(std::error_code(0, jot::error_category()).message() == "unknown jot error");
    CHECK(std::error_code(static_cast<int>(errc::callback_failed) + 1, jot::error_category()).message() ==
          "unknown jot error");
    // The messages are about what was wrong: the issuer failure names the claim, not the value.
    CHECK(std::error_code(errc::issuer_mismatch).message().find("iss") != std::string::npos);
}

#if JOT_TEST_WATCH_FREES

// ---------------------------------------------------------------------------------------------------------
// A free-time watcher. While armed, every block released through operator delete or OpenSSL's free is
// scanned, before it is returned to malloc, for the byte strings under watch. Reading a block inside its
// deallocation function is reading memory that is still allocated, so nothing here touches freed memory.
// Both allocators are replaced for this whole test program (its own executable, jot_secrets_tests) by
// tests/support/alloc_counter.cpp, which shows every freed block to scan_before_free.

namespace {

struct watched_bytes {
    const std::uint8_t* data;
    std::size_t size;
};
constexpr std::size_t max_watched = 16;
watched_bytes watched[max_watched];
std::atomic<std::size_t> watched_count{0};
std::atomic<bool> armed{false};
std::atomic<std::size_t> hits{0};
std::atomic<std::size_t> freed_octets{0};

void scan_before_free(const void* p, std::size_t n) noexcept {
    if (!p || !armed.load(std::memory_order_acquire)) return;
    freed_octets.fetch_add(n, std::memory_order_relaxed);
    const auto* b = static_cast<const std::uint8_t*>(p);
    const std::size_t count = watched_count.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < count; ++i) {
        const watched_bytes& w = watched[i];
        if (w.size == 0 || w.size > n) continue;
        if (std::search(b, b + n, w.data, w.data + w.size) != b + n) hits.fetch_add(1, std::memory_order_relaxed);
    }
}

// Every block freed while the program runs is shown to scan_before_free (tests/support/alloc_counter.cpp).
const bool observer_installed = (jot_alloc::set_free_observer(scan_before_free), true);

bool openssl_hooked() noexcept { return observer_installed && jot_alloc::openssl_hooked(); }

/// Arms the watcher for the lifetime of this object, looking for each of `needles` (kept in the object, so
/// nothing it owns is freed while armed).
class watch {
public:
    /// `needles` must be a named object: a braced temporary would be freed, under watch, after this returns.
    explicit watch(const std::vector<std::vector<std::uint8_t>>& needles) : needles_(needles) {
        REQUIRE(needles_.size() <= max_watched);
        for (std::size_t i = 0; i < needles_.size(); ++i) watched[i] = {needles_[i].data(), needles_[i].size()};
        watched_count.store(needles_.size(), std::memory_order_release);
        hits.store(0);
        freed_octets.store(0);
        armed.store(true, std::memory_order_release);
    }
    ~watch() { stop(); }
    watch(const watch&) = delete;
    watch& operator=(const watch&) = delete;
    /// Disarms; returns how many freed blocks held a needle.
    std::size_t stop() {
        armed.store(false, std::memory_order_release);
        watched_count.store(0, std::memory_order_release);
        return hits.load();
    }

private:
    std::vector<std::vector<std::uint8_t>> needles_;
};

} // namespace

namespace {

bytes to_bytes(std::string_view s) { return bytes(s.begin(), s.end()); }

/// The little-endian octets of a BIGNUM parameter: how OpenSSL's limbs lie in memory on this platform.
bytes bn_param_le(EVP_PKEY* k, const char* name) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(k, name, &bn) == 1);
    bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
    REQUIRE(BN_bn2lebinpad(bn, out.data(), static_cast<int>(out.size())) == static_cast<int>(out.size()));
    BN_clear_free(bn);
    return out;
}
bytes bn_param_be(EVP_PKEY* k, const char* name) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(k, name, &bn) == 1);
    bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
    REQUIRE(BN_bn2bin(bn, out.data()) == static_cast<int>(out.size()));
    BN_clear_free(bn);
    return out;
}
/// The first `n` octets of `b` (a window long enough to be unique, short enough to survive partial copies).
bytes head(const bytes& b, std::size_t n = 24) {
    return bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min(n, b.size())));
}

} // namespace

TEST_CASE("the free-time watcher sees both allocators and catches an unwiped copy", "[secrets][positive]") {
    REQUIRE(openssl_hooked()); // installed before OpenSSL's first allocation
    const bytes needle = to_bytes(secret());
    {
        // A plain std::vector holding the secret leaves it in the freed block: the watcher must see that.
        auto* plain = new std::vector<std::uint8_t>(needle);
        const std::vector<bytes> needles = {needle};
        watch w(needles);
        delete plain;
        CHECK(w.stop() == 1);
        CHECK(freed_octets.load() >= needle.size());
    }
    {
        void* p = OPENSSL_malloc(needle.size() + 8);
        REQUIRE(p != nullptr);
        std::memcpy(static_cast<char*>(p) + 8, needle.data(), needle.size());
        const std::vector<bytes> needles = {needle};
        watch w(needles);
        OPENSSL_free(p);
        CHECK(w.stop() == 1);
    }
    {
        // OPENSSL_clear_free wipes first: nothing to see.
        void* p = OPENSSL_malloc(needle.size());
        REQUIRE(p != nullptr);
        std::memcpy(p, needle.data(), needle.size());
        const std::vector<bytes> needles = {needle};
        watch w(needles);
        OPENSSL_clear_free(p, needle.size());
        CHECK(w.stop() == 0);
        CHECK(freed_octets.load() == needle.size());
    }
}

TEST_CASE("secret_bytes wipes its octets on destruction and on assignment", "[secrets][negative]") {
    const bytes one = to_bytes(secret());
    const bytes two = to_bytes(password());
    {
        auto* s = new jot::detail::secret_bytes(one.data(), one.size());
        const std::vector<bytes> needles = {one};
        watch w(needles);
        delete s;
        CHECK(w.stop() == 0);
        CHECK(freed_octets.load() >= one.size()); // the heap block and the object itself were freed
    }
    {
        jot::detail::secret_bytes a(one.data(), one.size());
        const jot::detail::secret_bytes b(two.data(), two.size());
        jot::detail::secret_bytes c(two.data(), two.size() / 2);
        const std::vector<bytes> needles = {one};
        watch w(needles);
        a = b;            // copy-assignment drops the old secret
        c = std::move(a); // move-assignment drops c's old octets and takes a's buffer
        CHECK(w.stop() == 0);
        REQUIRE(c.size() == two.size());
        CHECK(std::memcmp(c.data(), two.data(), two.size()) == 0);
    }
}

TEST_CASE("an hmac_key wipes its secret when it dies, is assigned over, or is imported from a JWK",
          "[secrets][negative]") {
    REQUIRE(openssl_hooked());
    const bytes needle = to_bytes(secret());
    {
        auto* k = new jot::hmac_key(jot::hmac_key::create(algorithm::hs256, secret(), "kid").value());
        std::uint8_t mac[32];
        REQUIRE(k->sign("input", mac, sizeof mac).has_value()); // used once, so every context exists
        const std::vector<bytes> needles = {needle};
        watch w(needles);
        delete k;
        CHECK(w.stop() == 0);
        CHECK(freed_octets.load() > needle.size()); // the secret's block and OpenSSL's MAC context
    }
    {
        auto a = jot::hmac_key::create(algorithm::hs256, secret()).value();
        const auto b = jot::hmac_key::create(algorithm::hs256, password() + "-padding").value();
        const jot::hmac_key copy = a; // a copy owns its own wiped storage too
        const std::vector<bytes> needles = {needle};
        watch w(needles);
        a = b;
        CHECK(w.stop() == 0);
        CHECK(copy.secret().size() == needle.size());
    }
    {
        const json jwk = {{"kty", "oct"}, {"k", jot::base64url::encode(std::string_view(secret()))}};
        const std::vector<bytes> needles = {needle};
        watch w(needles);
        {
            const auto k = jot::hmac_key_from_jwk(jwk, algorithm::hs256).value();
            CHECK(k.secret().size() == needle.size());
        }
        CHECK(w.stop() == 0);
    }
}

TEST_CASE("a private_key's secret parts are wiped when its last copy dies", "[secrets][negative]") {
    REQUIRE(openssl_hooked());
    for (algorithm a : {algorithm::rs256, algorithm::es256, algorithm::eddsa}) {
        INFO(jot::to_string(a));
        const std::string pem = jot::private_key::generate(a).value().to_pem().value();
        auto* key = new jot::private_key(jot::private_key::from_pem(a, pem).value());
        std::uint8_t sig[512];
        REQUIRE(key->sign("input", sig, sizeof sig).has_value());
        EVP_PKEY* raw = key->native_handle();
        std::vector<bytes> needles;
        if (a == algorithm::rs256) {
            for (const char* name : {OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2}) {
                needles.push_back(head(bn_param_le(raw, name)));
                needles.push_back(head(bn_param_be(raw, name)));
            }
        } else if (a == algorithm::es256) {
            needles.push_back(head(bn_param_le(raw, OSSL_PKEY_PARAM_PRIV_KEY), 16));
            needles.push_back(head(bn_param_be(raw, OSSL_PKEY_PARAM_PRIV_KEY), 16));
        } else {
            bytes priv(32);
            std::size_t len = 0;
            REQUIRE(EVP_PKEY_get_octet_string_param(raw, OSSL_PKEY_PARAM_PRIV_KEY, priv.data(), priv.size(), &len) ==
                    1);
            REQUIRE(len == 32);
            needles.push_back(head(priv, 16));
        }
        auto* copy = new jot::private_key(*key);
        {
            watch w(needles);
            delete copy; // the key material is shared: still alive in `key`
            CHECK(w.stop() == 0);
        }
        {
            watch w(needles);
            delete key;
            CHECK(w.stop() == 0);
            CHECK(freed_octets.load() > 64); // OpenSSL's key structures were released under the watch
        }
    }
}

TEST_CASE("importing a private JWK leaves no decoded copy of the private members behind", "[secrets][negative]") {
    REQUIRE(openssl_hooked());
    for (algorithm a : {algorithm::es256, algorithm::eddsa}) {
        INFO(jot::to_string(a));
        const auto generated = jot::private_key::generate(a).value();
        EVP_PKEY* raw = generated.native_handle();
        json jwk = jot::to_jwk(generated.public_key().value()).value();
        bytes d;
        if (a == algorithm::es256) {
            d = bn_param_be(raw, OSSL_PKEY_PARAM_PRIV_KEY);
            d.insert(d.begin(), 32 - d.size(), 0);
        } else {
            d.resize(32);
            std::size_t len = 0;
            REQUIRE(EVP_PKEY_get_octet_string_param(raw, OSSL_PKEY_PARAM_PRIV_KEY, d.data(), d.size(), &len) == 1);
        }
        jwk["d"] = jot::base64url::encode(jot::bytes_view(d));
        const std::string d_text = jwk["d"].get<std::string>();
        const std::vector<bytes> needles = {head(d, 16), to_bytes(d_text)};
        watch w(needles);
        {
            const auto k = jot::private_key_from_jwk(jwk).value();
            std::uint8_t sig[64];
            CHECK(k.sign("input", sig, sizeof sig).has_value());
        }
        CHECK(w.stop() == 0);
    }
}

#endif // JOT_TEST_WATCH_FREES
