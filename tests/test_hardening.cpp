// SPDX-License-Identifier: MIT
// Hardening, round 2: a byte-order mark before the JSON, "cty":"JWT", registered header members of the wrong
// type, and code the caller plugs in that throws. Each case gets its own errc on both verification paths (the
// strict scanner and the DOM), and no exception of the caller's leaves verify() or sign().
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/callback_signer.hpp>
#include <jot/clock.hpp>
#include <jot/error.hpp>
#include <jot/jwk.hpp>
#include <jot/jwks_source.hpp>
#include <jot/hmac_key.hpp>
#include <jot/private_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using jot::algorithm;
using jot::errc;
/// A second nlohmann type the verifier reads through DOMs (jot::detail::is_scannable_json is false for it).
using dom_json = nlohmann::basic_json<std::map, std::vector, std::string, bool, long long, unsigned long long, double>;
static_assert(jot::detail::verify_through_dom<dom_json>::value, "dom_json takes the DOM path");
static_assert(!jot::detail::verify_through_dom<json>::value, "json takes the scanner path");

constexpr std::int64_t now_s = 1700000000;
jot::fixed_clock fixed_now() { return {std::chrono::system_clock::time_point(std::chrono::seconds(now_s))}; }

const jot::hmac_key& mac_key() {
    static const jot::hmac_key k = jot::hmac_key::create(algorithm::hs256, std::string(32, 'h'), "k1").value();
    return k;
}

/// A compact token with exactly this header and payload text and a valid HS256 MAC, whatever the text says.
std::string raw_token(const std::string& header, const std::string& payload) {
    std::string out = jot::base64url::encode(header) + "." + jot::base64url::encode(payload);
    std::vector<std::uint8_t> mac(mac_key().max_signature_size());
    mac.resize(mac_key().sign(out, mac.data(), mac.size()).value());
    return out + "." + jot::base64url::encode(jot::bytes_view(mac));
}

const std::string good_payload = R"({"sub":"user-1","exp":1700000060})";

template <class Json>
jot::basic_verifier<Json, jot::fixed_clock> plain_verifier() {
    return jot::basic_verifier_builder<Json, jot::fixed_clock>().key(mac_key()).clock(fixed_now()).build().value();
}

/// The verdict of both paths, which must agree; errc{} for an accepted token.
std::error_code verdict(const std::string& token) {
    const auto scanned = plain_verifier<json>().verify(token);
    const auto dom = plain_verifier<dom_json>().verify(token);
    const std::error_code s = scanned ? std::error_code() : scanned.error();
    const std::error_code d = dom ? std::error_code() : dom.error();
    INFO("scanner: " << s.message() << "; DOM: " << d.message());
    CHECK(s == d);
    return s;
}

// ---------------------------------------------------------------------------------------------------------
// A UTF-8 byte-order mark (RFC 8259 §8.1)

TEST_CASE("a UTF-8 byte-order mark before the JSON is refused by the scanner and by parse_object",
          "[hardening][json][negative]") {
    for (const std::string text : {"\xEF\xBB\xBF{}", "\xEF\xBB\xBF{\"alg\":\"HS256\"}", "\xEF\xBB\xBF []"}) {
        INFO(text);
        CHECK(jot::detail::parse_object<json>(text, 32).error() == errc::json_byte_order_mark);
        jot::detail::json_scanner scanner(32);
        jot::detail::header_facts facts;
        CHECK(scanner.scan(text, facts) == errc::json_byte_order_mark);
    }
    // After whitespace it is no longer a byte-order mark but a stray character; inside a string it is text.
    CHECK(jot::detail::parse_object<json>(" \xEF\xBB\xBF{}", 32).error() == errc::json_invalid);
    CHECK(jot::detail::parse_object<json>("{\"a\":\"\xEF\xBB\xBF\"}", 32).has_value());
}

TEST_CASE("verify rejects a header or payload that starts with a byte-order mark", "[hardening][verifier][negative]") {
    const std::string bom = "\xEF\xBB\xBF";
    CHECK(verdict(raw_token(R"({"alg":"HS256"})", good_payload)) == std::error_code());
    CHECK(verdict(raw_token(bom + R"({"alg":"HS256"})", good_payload)) == errc::json_byte_order_mark);
    CHECK(verdict(raw_token(R"({"alg":"HS256"})", bom + good_payload)) == errc::json_byte_order_mark);
    // The same mark inside a claim's string is just a character.
    CHECK(verdict(raw_token(R"({"alg":"HS256"})", R"({"exp":1700000060,"note":")" + bom + R"("})")) ==
          std::error_code());
}

// ---------------------------------------------------------------------------------------------------------
// "cty":"JWT" announces a nested token (RFC 7519 §5.2, §7.2 step 8)

TEST_CASE("verify refuses a token whose cty announces a nested JWT instead of reading it as claims",
          "[hardening][verifier][negative]") {
    for (const char* cty : {"JWT", "jwt", "Jwt", "application/jwt", "APPLICATION/JWT"}) {
        INFO(cty);
        const json header = {{"alg", "HS256"}, {"cty", cty}};
        CHECK(verdict(raw_token(header.dump(), good_payload)) == errc::nested_token_unsupported);
    }
    // Other content types are not nesting, and a cty of the wrong type is malformed.
    for (const char* cty : {"json", "application/example+json", "JWTS", "JW"}) {
        INFO(cty);
        CHECK(verdict(raw_token(json{{"alg", "HS256"}, {"cty", cty}}.dump(), good_payload)) == std::error_code());
    }
    CHECK(verdict(raw_token(R"({"alg":"HS256","cty":7})", good_payload)) == errc::header_invalid_member);
    CHECK(make_error_code(errc::nested_token_unsupported) == jot::condition::unauthenticated);
}

// ---------------------------------------------------------------------------------------------------------
// Registered header members of the wrong JSON type (RFC 7515 §4.1)

TEST_CASE("every registered header member of the wrong JSON type is header_invalid_member on both paths",
          "[hardening][header][negative]") {
    const std::vector<json> bad = {
        {{"jwk", "a string"}},       {{"jwk", json::array()}},     {{"jwk", 1}},
        {{"x5c", "QUJD"}},           {{"x5c", json::array()}},     {{"x5c", json::array({1})}},
        {{"x5c", {"QUJD", nullptr}}}, {{"x5c", {"QU-D"}}},          {{"x5c", {"QU_D"}}},
        {{"x5c", {"QUJ"}}},          {{"x5c", {"Q==="}}},          {{"x5c", {"QU=D"}}},
        {{"x5c", {""}}},             {{"x5c", {{{"a", 1}}}}},       {{"x5c", {"QUJD", "QQ"}}},
        {{"jku", 1}},                {{"x5u", json::object()}},    {{"x5t", json::array()}},
        {{"x5t#S256", true}},        {{"typ", nullptr}},           {{"cty", 1.5}},
        {{"kid", 7}},
    };
    for (const json& extra : bad) {
        json header = {{"alg", "HS256"}};
        header.update(extra);
        INFO(header.dump());
        CHECK(verdict(raw_token(header.dump(), good_payload)) == errc::header_invalid_member);
        CHECK(jot::header::from_json(header).value().check_registered_types().error() == errc::header_invalid_member);
    }
    // The right types pass (they are still never used to choose a key: see test_attacks.cpp).
    const json fine = {{"alg", "HS256"},
                       {"jwk", {{"kty", "EC"}}},
                       {"x5c", {"QUJD", "QUI=", "QQ==", "MIIB+/8="}},
                       {"jku", "https://issuer.example/jwks"},
                       {"x5t", "abc"}};
    CHECK(verdict(raw_token(fine.dump(), good_payload)) == std::error_code());
    CHECK(jot::header::from_json(fine).value().check_registered_types().has_value());
}

// ---------------------------------------------------------------------------------------------------------
// Code the caller plugs in that throws (docs/security.md, "Code you plug in")

/// An issuer whose JWK Set endpoint can be made to throw.
struct flaky_issuer {
    std::string document;
    std::atomic<bool> throws{false};
    std::atomic<int> calls{0};
};

TEST_CASE("a fetch function that throws on an invented kid leaves verify() with key_not_found and the keys kept",
          "[hardening][jwks_source][negative]") {
    const auto signing = jot::private_key::generate(algorithm::es256, "k1").value();
    json doc = {{"keys", json::array({jot::to_jwk(signing.public_key().value()).value()})}};
    auto idp = std::make_shared<flaky_issuer>();
    idp->document = doc.dump();
    auto source = std::make_shared<jot::jwks_source>([idp]() -> jot::result<jot::jwks_document> {
        ++idp->calls;
        if (idp->throws) throw std::runtime_error("connection reset");
        return jot::jwks_document{idp->document, std::nullopt};
    });
    const auto v = jot::verifier_builder().key_source(source).build().value();
    const auto good = jot::builder().subject("s").expires_in(5min).sign(signing).value();
    REQUIRE(v.verify(good).has_value());
    REQUIRE(idp->calls == 1);

    // No valid signature is needed to make the source fetch: a kid nobody has is enough.
    idp->throws = true;
    const auto intruder = jot::private_key::generate(algorithm::es256, "invented").value();
    const auto forged = jot::builder().subject("s").expires_in(5min).sign(intruder).value();
    const auto r = v.verify(forged);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::key_not_found);
    CHECK(idp->calls == 2);  // the throwing fetch really ran
    CHECK(source->last_error() == errc::callback_failed);
    CHECK(v.verify(good).has_value());  // the working keys stay
}

/// A key source whose calls throw on demand, or break the contract by returning null.
class throwing_source final : public jot::key_source {
public:
    explicit throwing_source(jot::key_list keys) : keys_(std::make_shared<const jot::key_list>(std::move(keys))) {}
    enum class mode { fine, current_throws, refresh_throws, returns_null };
    std::atomic<mode> how{mode::fine};
    std::shared_ptr<const jot::key_list> current_keys() const override {
        if (how == mode::current_throws) throw std::runtime_error("key store offline");
        if (how == mode::returns_null) return nullptr;
        return keys_;
    }
    std::shared_ptr<const jot::key_list> refresh_for_unknown_kid(std::string_view) const override {
        if (how == mode::refresh_throws) throw std::logic_error("not implemented");
        return nullptr;
    }

private:
    std::shared_ptr<const jot::key_list> keys_;
};

TEST_CASE("a key_source that throws makes verify() fail with callback_failed, with and without the cache",
          "[hardening][verifier][negative]") {
    auto source = std::make_shared<throwing_source>(
        jot::key_list{std::make_shared<const jot::hmac_key>(mac_key())});
    for (std::size_t cache : {std::size_t(0), std::size_t(8)}) {
        INFO("cache " << cache);
        const auto v = jot::basic_verifier_builder<json, jot::fixed_clock>()
                           .key_source(source)
                           .clock(fixed_now())
                           .cache(cache)
                           .build()
                           .value();
        const std::string token = raw_token(R"({"alg":"HS256","kid":"k1"})", good_payload);
        const std::string unknown_kid = raw_token(R"({"alg":"HS256","kid":"nobody"})", good_payload);
        source->how = throwing_source::mode::fine;
        REQUIRE(v.verify(token).has_value());
        source->how = throwing_source::mode::current_throws;
        CHECK(v.verify(token).error() == errc::callback_failed);
        source->how = throwing_source::mode::refresh_throws;
        CHECK(v.verify(token).has_value());  // the refresh is only asked for an unknown kid
        CHECK(v.verify(unknown_kid).error() == errc::callback_failed);
        source->how = throwing_source::mode::returns_null;
        // A null list counts as an empty one (no key for HS256 at all), not a crash.
        CHECK(v.verify(unknown_kid).error() == errc::algorithm_not_allowed);
    }
}

/// A verification key of the caller's own whose check throws.
class throwing_key final : public jot::verification_key {
public:
    algorithm alg() const noexcept override { return algorithm::hs256; }
    jot::result<void> verify(std::string_view, jot::bytes_view) const override {
        throw std::runtime_error("HSM session lost");
    }
};

TEST_CASE("a verification key that throws fails closed and does not hide a working key",
          "[hardening][verifier][negative]") {
    const std::string token = raw_token(R"({"alg":"HS256"})", good_payload);
    const auto only_throwing = jot::basic_verifier_builder<json, jot::fixed_clock>()
                                   .key(throwing_key())
                                   .clock(fixed_now())
                                   .build()
                                   .value();
    CHECK(only_throwing.verify(token).error() == errc::callback_failed);
    const auto both = jot::basic_verifier_builder<json, jot::fixed_clock>()
                          .key(throwing_key())
                          .key(mac_key())
                          .clock(fixed_now())
                          .build()
                          .value();
    CHECK(both.verify(token).has_value());

    auto callback = jot::callback_verification_key::create(
                        algorithm::hs256, "", [](std::string_view, jot::bytes_view) -> jot::result<void> {
                            throw std::bad_function_call();
                        })
                        .value();
    const auto v = jot::basic_verifier_builder<json, jot::fixed_clock>().key(callback).clock(fixed_now()).build().value();
    CHECK(v.verify(token).error() == errc::callback_failed);
    CHECK(callback.verify("a.b", jot::bytes_view(std::vector<std::uint8_t>(32))).error() == errc::callback_failed);
}

/// A signer of the caller's own whose signing throws.
class throwing_signer final : public jot::signer {
public:
    algorithm alg() const noexcept override { return algorithm::hs256; }
    std::size_t max_signature_size() const noexcept override { return 32; }
    jot::result<std::size_t> sign(std::string_view, std::uint8_t*, std::size_t) const override {
        throw std::runtime_error("KMS quota exceeded");
    }
};

TEST_CASE("a signer or callback_signer that throws makes sign() return callback_failed", "[hardening][builder][negative]") {
    CHECK(jot::builder().subject("s").expires_in(1min).sign(throwing_signer()).error() == errc::callback_failed);
    const auto kms = jot::callback_signer::create(algorithm::es256, "kms-1", 64,
                                                  [](std::string_view) -> jot::result<std::vector<std::uint8_t>> {
                                                      throw std::runtime_error("timeout");
                                                  })
                         .value();
    CHECK(jot::builder().subject("s").expires_in(1min).sign(kms).error() == errc::callback_failed);
    std::uint8_t out[64];
    CHECK(kms.sign("a.b", out, sizeof out).error() == errc::callback_failed);
}

TEST_CASE("a predicate or token hook that throws rejects with callback_failed, on a cache hit too",
          "[hardening][verifier][negative]") {
    const std::string token = raw_token(R"({"alg":"HS256"})", good_payload);
    auto calls = std::make_shared<std::atomic<int>>(0);
    for (std::size_t cache : {std::size_t(0), std::size_t(8)}) {
        INFO("cache " << cache);
        *calls = 0;
        // Throws from the second call on: with the cache, that is the hit.
        const auto with_predicate = jot::basic_verifier_builder<json, jot::fixed_clock>()
                                        .key(mac_key())
                                        .clock(fixed_now())
                                        .cache(cache)
                                        .expect([calls](const jot::claims&) {
                                            if (++*calls > 1) throw std::out_of_range("tenant table");
                                            return true;
                                        })
                                        .build()
                                        .value();
        CHECK(with_predicate.verify(token).has_value());
        CHECK(with_predicate.verify(token).error() == errc::callback_failed);
        CHECK(*calls == 2);

        const auto with_hook = jot::basic_verifier_builder<json, jot::fixed_clock>()
                                   .key(mac_key())
                                   .clock(fixed_now())
                                   .cache(cache)
                                   .expect_token([](const jot::header&, const jot::claims&) -> std::error_code {
                                       throw std::runtime_error("profile check");
                                   })
                                   .build()
                                   .value();
        CHECK(with_hook.verify(token).error() == errc::callback_failed);
    }
}

/// A clock that can be made to throw (a clock reading a remote time source, say).
struct throwing_clock {
    std::shared_ptr<std::atomic<bool>> fail = std::make_shared<std::atomic<bool>>(false);
    std::chrono::system_clock::time_point now() const {
        if (*fail) throw std::runtime_error("time source unreachable");
        return std::chrono::system_clock::time_point(std::chrono::seconds(now_s));
    }
};

TEST_CASE("a clock that throws makes verify() fail with callback_failed", "[hardening][verifier][negative]") {
    throwing_clock clock;
    const auto v = jot::basic_verifier_builder<json, throwing_clock>().key(mac_key()).clock(clock).build().value();
    const std::string token = raw_token(R"({"alg":"HS256"})", good_payload);
    REQUIRE(v.verify(token).has_value());
    *clock.fail = true;
    CHECK(v.verify(token).error() == errc::callback_failed);
    CHECK(make_error_code(errc::callback_failed) == jot::condition::internal);
}

} // namespace
