// SPDX-License-Identifier: MIT
// Tests for the verifier's optional verified-token cache (basic_verifier_builder::cache): hits, expiry on a
// hit, the capacity bound, isolation between verifiers, tampering, key changes, and concurrent use. Whether a
// verification was a hit is observed through a key that counts its signature checks.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/error.hpp>
#include <jot/key_source.hpp>
#include <jot/hmac_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr std::int64_t t0 = 1700000000;

/// A clock the test moves; copies share the time.
struct moving_clock {
    std::shared_ptr<std::atomic<std::int64_t>> seconds = std::make_shared<std::atomic<std::int64_t>>(t0);
    std::chrono::system_clock::time_point now() const {
        return std::chrono::system_clock::time_point(std::chrono::seconds(seconds->load()));
    }
    void set(std::int64_t s) const { seconds->store(s); }
};

using verifier_builder = jot::basic_verifier_builder<json, moving_clock>;
using verifier = jot::basic_verifier<json, moving_clock>;

const std::string secret = "a secret for the cache tests, 32+";

/// An HS256 key that counts how many signatures it checked.
class counting_key final : public jot::verification_key {
public:
    explicit counting_key(std::string kid = {})
        : key_(jot::hmac_key::create(jot::algorithm::hs256, secret, std::move(kid)).value()) {}
    jot::algorithm alg() const noexcept override { return key_.alg(); }
    std::string_view key_id() const noexcept override { return key_.key_id(); }
    jot::result<void> verify(std::string_view input, jot::bytes_view sig) const override {
        ++calls;
        return key_.verify(input, sig);
    }
    mutable std::atomic<int> calls{0};

private:
    jot::hmac_key key_;
};

jot::hmac_key signing_key() { return jot::hmac_key::create(jot::algorithm::hs256, secret).value(); }

/// A token for subject `sub`, issued at t0 and valid for `life` seconds.
std::string token(const std::string& sub, std::int64_t life = 600, std::string iss = "https://issuer.example") {
    return jot::basic_builder<json, jot::fixed_clock>()
        .issuer(std::move(iss))
        .subject(sub)
        .issued_at(std::chrono::system_clock::time_point(std::chrono::seconds(t0)))
        .expires_at(std::chrono::system_clock::time_point(std::chrono::seconds(t0 + life)))
        .claim("n", json(sub.size()))
        .sign(signing_key())
        .value();
}

std::error_code code_of(const verifier& v, const std::string& t) {
    const auto r = v.verify(t);
    return r ? std::error_code{} : r.error();
}

std::string flip(std::string t, std::size_t i) {
    t[i] = t[i] == 'A' ? 'B' : 'A';
    return t;
}

/// A key source whose list the test replaces.
class swappable_source final : public jot::key_source {
public:
    explicit swappable_source(jot::key_list keys) { set(std::move(keys)); }
    void set(jot::key_list keys) {
        std::lock_guard<std::mutex> lock(m_);
        keys_ = std::make_shared<const jot::key_list>(std::move(keys));
    }
    std::shared_ptr<const jot::key_list> current_keys() const override {
        std::lock_guard<std::mutex> lock(m_);
        return keys_;
    }

private:
    mutable std::mutex m_;
    std::shared_ptr<const jot::key_list> keys_;
};

} // namespace

TEST_CASE("a cache hit returns the same token without checking the signature again", "[verifier_cache][positive]") {
    auto key = std::make_shared<counting_key>();
    const moving_clock clock;
    const auto v = verifier_builder().key(key).clock(clock).expect_issuer("https://issuer.example").cache(16).build().value();
    const std::string t = token("alice");

    const auto first = v.verify(t);
    REQUIRE(first.has_value());
    REQUIRE(key->calls == 1);
    const auto second = v.verify(t);
    REQUIRE(second.has_value());
    REQUIRE(key->calls == 1);
    REQUIRE(second->claims().json() == first->claims().json());
    REQUIRE(second->claims().subject().value() == "alice");
    REQUIRE(second->header().alg().value() == "HS256");
    REQUIRE(second->alg() == jot::algorithm::hs256);
}

TEST_CASE("a verifier without a cache checks every token again", "[verifier_cache][positive]") {
    auto key = std::make_shared<counting_key>();
    const auto off = verifier_builder().key(key).clock(moving_clock{}).build().value();
    const auto zero = verifier_builder().key(key).clock(moving_clock{}).cache(0).build().value();
    const std::string t = token("bob");
    for (int i = 0; i < 3; ++i) {
        REQUIRE(off.verify(t).has_value());
        REQUIRE(zero.verify(t).has_value());
    }
    REQUIRE(key->calls == 6);
}

TEST_CASE("a cached token is rejected on a hit once it has expired", "[verifier_cache][negative]") {
    auto key = std::make_shared<counting_key>();
    const moving_clock clock;
    const auto v = verifier_builder().key(key).clock(clock).cache(16).build().value();
    const std::string t = token("carol", 60);

    REQUIRE(code_of(v, t) == std::error_code{});
    clock.set(t0 + 59);
    REQUIRE(code_of(v, t) == std::error_code{});
    REQUIRE(key->calls == 1);
    clock.set(t0 + 60);
    REQUIRE(code_of(v, t) == jot::errc::token_expired);
    REQUIRE(key->calls == 1); // rejected from the entry, not by verifying again
    // The entry is gone: with the clock back, the token is verified in full again.
    clock.set(t0 + 30);
    REQUIRE(code_of(v, t) == std::error_code{});
    REQUIRE(key->calls == 2);
}

TEST_CASE("a cache hit applies leeway and max_age against the clock again", "[verifier_cache][negative]") {
    auto key = std::make_shared<counting_key>();
    const moving_clock clock;
    const auto v = verifier_builder().key(key).clock(clock).leeway(10s).max_age(100s).cache(16).build().value();
    const std::string t = token("dave", 1000);
    REQUIRE(code_of(v, t) == std::error_code{});
    clock.set(t0 + 110);
    REQUIRE(code_of(v, t) == std::error_code{});
    clock.set(t0 + 111);
    REQUIRE(code_of(v, t) == jot::errc::token_too_old);
    REQUIRE(key->calls == 1);
}

TEST_CASE("the cache never holds more entries than its capacity", "[verifier_cache][negative]") {
    SECTION("least recently used goes first") {
        auto key = std::make_shared<counting_key>();
        const auto v = verifier_builder().key(key).clock(moving_clock{}).cache(2).build().value();
        const std::string a = token("a"), b = token("b"), c = token("c");
        REQUIRE(v.verify(a));
        REQUIRE(v.verify(b));
        REQUIRE(v.verify(a)); // a is now the most recently used
        REQUIRE(key->calls == 2);
        REQUIRE(v.verify(c)); // evicts b (two entries, one shard per entry)
        REQUIRE(key->calls == 3);
        REQUIRE(v.verify(a));
        REQUIRE(v.verify(c));
        REQUIRE(key->calls == 3);
        REQUIRE(v.verify(b));
        REQUIRE(key->calls == 4);
    }
    SECTION("many tokens through a small cache") {
        for (std::size_t capacity : {1, 5, 8, 13}) {
            INFO("capacity " << capacity);
            auto key = std::make_shared<counting_key>();
            const auto v = verifier_builder().key(key).clock(moving_clock{}).cache(capacity).build().value();
            std::vector<std::string> tokens;
            for (int i = 0; i < 40; ++i) tokens.push_back(token("user-" + std::to_string(i)));
            for (const auto& t : tokens) REQUIRE(v.verify(t));
            REQUIRE(key->calls == 40);
            for (const auto& t : tokens) REQUIRE(v.verify(t));
            const int hits = 80 - key->calls;
            REQUIRE(hits >= 0);
            REQUIRE(static_cast<std::size_t>(hits) <= capacity);
        }
    }
}

TEST_CASE("two verifiers never share cache entries", "[verifier_cache][negative]") {
    auto key = std::make_shared<counting_key>();
    const moving_clock clock;
    const auto builder = verifier_builder().key(key).clock(clock).cache(16);
    const auto v1 = builder.build().value();
    const auto v2 = builder.build().value();
    const std::string t = token("erin");
    REQUIRE(v1.verify(t));
    REQUIRE(v2.verify(t));
    REQUIRE(key->calls == 2);
    REQUIRE(v1.verify(t));
    REQUIRE(v2.verify(t));
    REQUIRE(key->calls == 2);

    // A verifier with another policy does not take the first one's word for a token.
    const auto strict = verifier_builder().key(key).clock(clock).expect_issuer("https://other.example").cache(16).build().value();
    REQUIRE(code_of(strict, t) == jot::errc::issuer_mismatch);
    REQUIRE(key->calls == 3);
}

TEST_CASE("a token that differs from a cached one in any byte never hits", "[verifier_cache][negative]") {
    auto key = std::make_shared<counting_key>();
    const auto v = verifier_builder().key(key).clock(moving_clock{}).cache(16).build().value();
    const std::string t = token("frank");
    REQUIRE(v.verify(t));
    REQUIRE(key->calls == 1);
    // The signature, the payload and the header each tampered with: every one is checked in full and fails.
    REQUIRE(code_of(v, flip(t, t.size() - 3)) == jot::errc::signature_invalid);
    REQUIRE(code_of(v, flip(t, t.find('.') + 5)) == jot::errc::signature_invalid);
    REQUIRE(key->calls == 3);
    REQUIRE(code_of(v, t + "A") != std::error_code{});
    REQUIRE(code_of(v, t.substr(0, t.size() - 1)) != std::error_code{});
    // And the original still hits.
    const int before = key->calls;
    REQUIRE(v.verify(t));
    REQUIRE(key->calls == before);
}

TEST_CASE("expect() predicates run again on every cache hit", "[verifier_cache][negative]") {
    auto key = std::make_shared<counting_key>();
    auto revoked = std::make_shared<std::atomic<bool>>(false);
    const auto v = verifier_builder()
                       .key(key)
                       .clock(moving_clock{})
                       .expect([revoked](const jot::claims&) { return !revoked->load(); })
                       .cache(16)
                       .build()
                       .value();
    const std::string t = token("grace");
    REQUIRE(code_of(v, t) == std::error_code{});
    REQUIRE(code_of(v, t) == std::error_code{});
    revoked->store(true);
    REQUIRE(code_of(v, t) == jot::errc::claim_predicate_failed);
    REQUIRE(key->calls == 1);
}

TEST_CASE("entries verified under a key source's old keys do not survive a key change", "[verifier_cache][negative]") {
    auto good = std::make_shared<counting_key>();
    auto other = std::make_shared<const jot::hmac_key>(
        jot::hmac_key::create(jot::algorithm::hs256, std::string("another secret, also 32 octets!!")).value());
    auto source = std::make_shared<swappable_source>(jot::key_list{good});
    const auto v = verifier_builder().key_source(source).clock(moving_clock{}).cache(16).build().value();
    const std::string t = token("heidi");
    REQUIRE(code_of(v, t) == std::error_code{});
    REQUIRE(code_of(v, t) == std::error_code{});
    REQUIRE(good->calls == 1);
    // The signing key is rotated out: the cached acceptance must not outlive it.
    source->set(jot::key_list{other});
    REQUIRE(code_of(v, t) == jot::errc::signature_invalid);
    // Rotated back in: a full verification again, then hits.
    source->set(jot::key_list{good});
    REQUIRE(code_of(v, t) == std::error_code{});
    REQUIRE(code_of(v, t) == std::error_code{});
    REQUIRE(good->calls == 2);
}

TEST_CASE("clear_cache() empties the cache", "[verifier_cache][positive]") {
    auto key = std::make_shared<counting_key>();
    const auto v = verifier_builder().key(key).clock(moving_clock{}).cache(16).build().value();
    const std::string t = token("ivan");
    REQUIRE(v.verify(t));
    REQUIRE(v.verify(t));
    REQUIRE(key->calls == 1);
    v.clear_cache();
    REQUIRE(v.verify(t));
    REQUIRE(key->calls == 2);
}

TEST_CASE("one caching verifier serves 4 threads at once with correct claims", "[verifier_cache][threads]") {
    auto key = std::make_shared<counting_key>();
    const auto v = verifier_builder().key(key).clock(moving_clock{}).cache(3).build().value();
    std::vector<std::string> tokens, subjects;
    for (int i = 0; i < 6; ++i) {
        subjects.push_back("user-" + std::to_string(i));
        tokens.push_back(token(subjects.back()));
    }
    const std::string forged = flip(tokens[0], tokens[0].size() - 3);
    std::atomic<int> wrong{0};
    std::vector<std::thread> pool;
    for (int th = 0; th < 4; ++th) {
        pool.emplace_back([&, th] {
            for (int n = 0; n < 300; ++n) {
                const std::size_t i = static_cast<std::size_t>(n + th) % tokens.size();
                const auto r = v.verify(tokens[i]);
                // The claim DOM is built on first access, possibly by several threads at once.
                if (!r || r->claims().subject().value_or("") != subjects[i] || r->claims().get<std::size_t>("n").value_or(0) != subjects[i].size())
                    ++wrong;
                if (v.verify(forged)) ++wrong;
            }
        });
    }
    for (auto& t : pool) t.join();
    REQUIRE(wrong == 0);
}

TEST_CASE("a verified token's DOMs are built once even when first read by many threads", "[verifier_cache][threads]") {
    const auto v = verifier_builder().key(signing_key()).clock(moving_clock{}).build().value();
    for (int round = 0; round < 20; ++round) {
        const auto tok = v.verify(token("judy")).value();
        std::atomic<int> wrong{0};
        std::atomic<const void*> seen{nullptr};
        std::vector<std::thread> pool;
        for (int th = 0; th < 4; ++th) {
            pool.emplace_back([&] {
                const auto& c = tok.claims();
                const void* expected = nullptr;
                if (!seen.compare_exchange_strong(expected, &c) && expected != &c) ++wrong;
                if (c.subject().value_or("") != "judy" || tok.header().type().value_or("") != "JWT") ++wrong;
            });
        }
        for (auto& t : pool) t.join();
        REQUIRE(wrong == 0);
    }
}
