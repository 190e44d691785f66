// SPDX-License-Identifier: MIT
// Tests for basic_verifier_builder::revocation and require_jti: a revoked jti is refused with its own code on the
// scanner path, the DOM path and on cache hits; the store is asked only after every other check passes; a failing
// or throwing store is decided by the store_failure policy.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/error.hpp>
#include <jot/jti_store.hpp>
#include <jot/hmac_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
/// A JSON type json_scanner does not mirror (float numbers), so the verifier takes its DOM path.
using dom_json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t, std::uint64_t, float>;
static_assert(jot::detail::verify_through_dom<dom_json>::value, "dom_json must take the DOM path");

const std::string secret = "a secret for the revocation tests!";

jot::hmac_key signing_key() { return jot::hmac_key::create(jot::algorithm::hs256, secret).value(); }

/// A token with "jti" `id` (none when empty), valid for ten minutes from now.
std::string token(const std::string& id, std::chrono::seconds life = 600s) {
    auto b = jot::builder();
    b.subject("alice").issued_now().expires_in(life);
    if (!id.empty()) b.id(id);
    return b.sign(signing_key()).value();
}

/// A store that counts the questions it is asked and can be made to fail, by error or by exception.
class scripted_store final : public jot::jti_store {
public:
    enum class mode { answer, fail, throw_ };
    jot::memory_jti_store inner;
    std::atomic<mode> how{mode::answer};
    std::atomic<int> asked{0};

    jot::result<void> revoke(std::string_view p, std::string_view id, time_point until) override {
        return inner.revoke(p, id, until);
    }
    jot::result<bool> is_revoked(std::string_view p, std::string_view id) override {
        ++asked;
        if (how == mode::throw_) throw std::runtime_error("store down");
        if (how == mode::fail) return jot::errc::jti_store_unavailable;
        return inner.is_revoked(p, id);
    }
    jot::result<bool> use_once(std::string_view p, std::string_view id, time_point until) override {
        return inner.use_once(p, id, until);
    }
};

template <class Json>
jot::basic_verifier<Json> make_verifier(std::shared_ptr<jot::jti_store> store, std::size_t cache = 0,
                                        jot::revocation_options o = {}) {
    jot::basic_verifier_builder<Json> b;
    b.key(signing_key()).revocation(std::move(store), std::move(o)).require_jti();
    if (cache) b.cache(cache);
    return b.build().value();
}

template <class Json>
void revoked_token_is_refused() {
    auto store = std::make_shared<scripted_store>();
    const auto v = make_verifier<Json>(store);
    const std::string t = token("jti-1"), other = token("jti-2");
    REQUIRE(v.verify(t).has_value());
    REQUIRE(store->revoke("access", "jti-1", std::chrono::system_clock::now() + 600s).has_value());
    REQUIRE(v.verify(t).error() == jot::errc::token_revoked);
    REQUIRE(v.verify(t).error() == jot::condition::claims_rejected);
    REQUIRE(v.verify(other).has_value());
    // Another purpose's revocation of the same id does not touch this verifier.
    REQUIRE(store->revoke("dpop", "jti-2", std::chrono::system_clock::now() + 600s).has_value());
    REQUIRE(v.verify(other).has_value());
}

} // namespace

TEST_CASE("verifier refuses a token whose jti is revoked in its store", "[verifier_revocation][negative]") {
    SECTION("scanner path") { revoked_token_is_refused<json>(); }
    SECTION("DOM path") { revoked_token_is_refused<dom_json>(); }
}

TEST_CASE("verifier does not hide a revocation behind its cache", "[verifier_revocation][negative]") {
    auto store = std::make_shared<scripted_store>();
    const auto v = make_verifier<json>(store, 64);
    const std::string t = token("cached-jti");
    REQUIRE(v.verify(t).has_value());
    REQUIRE(v.verify(t).has_value());  // a hit
    REQUIRE(store->asked == 2);        // asked on the miss and on the hit
    // Revoked through the store (as another instance would), not through this verifier.
    REQUIRE(store->revoke("access", "cached-jti", std::chrono::system_clock::now() + 600s).has_value());
    REQUIRE(v.verify(t).error() == jot::errc::token_revoked);
    REQUIRE(v.verify(t).error() == jot::errc::token_revoked);
}

TEST_CASE("verifier asks the store only after the signature and time checks pass", "[verifier_revocation][negative]") {
    auto store = std::make_shared<scripted_store>();
    const auto v = make_verifier<json>(store);
    std::string forged = token("jti-f");
    forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
    REQUIRE(v.verify(forged).error() == jot::errc::signature_invalid);
    REQUIRE(v.verify(token("jti-e", -10s)).error() == jot::errc::token_expired);
    REQUIRE(v.verify("not.a.token").error() == jot::condition::malformed);
    REQUIRE(store->asked == 0);
}

TEST_CASE("require_jti refuses a token without jti", "[verifier_revocation][negative]") {
    auto store = std::make_shared<scripted_store>();
    REQUIRE(make_verifier<json>(store).verify(token("")).error() == jot::errc::claim_missing);
    REQUIRE(make_verifier<dom_json>(store).verify(token("")).error() == jot::errc::claim_missing);
    REQUIRE(store->asked == 0);
    // Without require_jti a token without jti is accepted, and cannot be revoked.
    const auto lax = jot::verifier_builder().key(signing_key()).revocation(store).build().value();
    REQUIRE(lax.verify(token("")).has_value());
    const auto plain = jot::verifier_builder().key(signing_key()).require_jti().build().value();
    REQUIRE(plain.verify(token("")).error() == jot::errc::claim_missing);
    REQUIRE(plain.verify(token("x")).has_value());
}

TEST_CASE("verifier fails closed by default when its store fails or throws", "[verifier_revocation][negative]") {
    auto store = std::make_shared<scripted_store>();
    const auto v = make_verifier<json>(store, 64);
    const std::string t = token("jti-1");
    REQUIRE(v.verify(t).has_value());  // now cached
    for (auto how : {scripted_store::mode::fail, scripted_store::mode::throw_}) {
        store->how = how;
        REQUIRE(v.verify(t).error() == jot::errc::jti_store_unavailable);            // a cache hit
        REQUIRE(v.verify(token("jti-new")).error() == jot::errc::jti_store_unavailable);  // a miss
        REQUIRE(v.verify(t).error() == jot::condition::internal);
    }
    store->how = scripted_store::mode::answer;
    REQUIRE(v.verify(t).has_value());
}

TEST_CASE("verifier accepts when its store fails under store_failure::accept, but still refuses a revoked token",
          "[verifier_revocation][positive]") {
    auto store = std::make_shared<scripted_store>();
    jot::revocation_options open;
    open.on_failure = jot::store_failure::accept;
    const auto v = make_verifier<dom_json>(store, 0, open);
    REQUIRE(store->revoke("access", "gone", std::chrono::system_clock::now() + 600s).has_value());
    REQUIRE(v.verify(token("gone")).error() == jot::errc::token_revoked);
    for (auto how : {scripted_store::mode::fail, scripted_store::mode::throw_}) {
        store->how = how;
        REQUIRE(v.verify(token("jti-1")).has_value());
        REQUIRE(v.verify(token("gone")).has_value());  // fail open: the price of the policy
    }
}

TEST_CASE("verifier uses the purpose its revocation options name", "[verifier_revocation][isolation]") {
    auto store = std::make_shared<scripted_store>();
    jot::revocation_options o;
    o.purpose = "id-token";
    const auto v = make_verifier<json>(store, 0, o);
    REQUIRE(store->revoke("access", "j", std::chrono::system_clock::now() + 600s).has_value());
    REQUIRE(v.verify(token("j")).has_value());
    REQUIRE(store->revoke("id-token", "j", std::chrono::system_clock::now() + 600s).has_value());
    REQUIRE(v.verify(token("j")).error() == jot::errc::token_revoked);
}

TEST_CASE("a null revocation store makes build fail", "[verifier_revocation][negative]") {
    const auto r = jot::verifier_builder().key(signing_key()).revocation(nullptr).build();
    REQUIRE(r.error() == jot::errc::invalid_argument);
}
