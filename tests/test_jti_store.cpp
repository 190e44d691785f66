// SPDX-License-Identifier: MIT
// Tests for jot::jti_store's in-memory implementation: revocation until a time, use-once semantics, purposes kept
// apart, expiry at the given time, the size bound, and threads racing on one id.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <jot/error.hpp>
#include <jot/jti_store.hpp>

#include "catch.hpp"

namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::system_clock::time_point;

constexpr std::int64_t t0 = 1700000000;

/// A clock the test moves; copies share the time.
struct moving_clock {
    std::shared_ptr<std::atomic<std::int64_t>> seconds = std::make_shared<std::atomic<std::int64_t>>(t0);
    time_point now() const { return time_point(std::chrono::seconds(seconds->load())); }
    void advance(std::int64_t s) const { seconds->fetch_add(s); }
};

time_point at(std::int64_t s) { return time_point(std::chrono::seconds(s)); }

using store_type = jot::basic_memory_jti_store<moving_clock>;

} // namespace

TEST_CASE("memory jti store reports a revoked id as revoked and another id as not", "[jti_store][positive]") {
    const moving_clock clock;
    store_type store(16, clock);
    REQUIRE(store.is_revoked("access", "a").value() == false);
    REQUIRE(store.revoke("access", "a", at(t0 + 60)).has_value());
    REQUIRE(store.is_revoked("access", "a").value() == true);
    REQUIRE(store.is_revoked("access", "b").value() == false);
}

TEST_CASE("memory jti store forgets a revocation when its time has come", "[jti_store][positive]") {
    const moving_clock clock;
    store_type store(16, clock);
    REQUIRE(store.revoke("access", "a", at(t0 + 60)).has_value());
    clock.advance(59);
    REQUIRE(store.is_revoked("access", "a").value() == true);
    clock.advance(1);
    REQUIRE(store.is_revoked("access", "a").value() == false);
    // The dead entry is dropped by the next write, so it no longer counts against the bound.
    REQUIRE(store.revoke("access", "b", at(t0 + 600)).has_value());
    REQUIRE(store.size() == 1);
}

TEST_CASE("memory jti store keeps a revocation until the later of two times", "[jti_store][positive]") {
    const moving_clock clock;
    store_type store(16, clock);
    REQUIRE(store.revoke("access", "a", at(t0 + 100)).has_value());
    REQUIRE(store.revoke("access", "a", at(t0 + 10)).has_value());
    clock.advance(50);
    REQUIRE(store.is_revoked("access", "a").value() == true);
    REQUIRE(store.revoke("access", "a", at(t0 + 200)).has_value());
    clock.advance(100);
    REQUIRE(store.is_revoked("access", "a").value() == true);
    clock.advance(50);
    REQUIRE(store.is_revoked("access", "a").value() == false);
}

TEST_CASE("memory jti store ignores a revocation that has already ended", "[jti_store][edge]") {
    const moving_clock clock;
    store_type store(16, clock);
    REQUIRE(store.revoke("access", "a", at(t0)).has_value());
    REQUIRE(store.is_revoked("access", "a").value() == false);
    REQUIRE(store.size() == 0);
}

TEST_CASE("memory jti store lets an id be used once until its expiry, then again", "[jti_store][positive]") {
    const moving_clock clock;
    store_type store(16, clock);
    REQUIRE(store.use_once("dpop", "p1", at(t0 + 30)).value() == true);
    REQUIRE(store.use_once("dpop", "p1", at(t0 + 30)).value() == false);
    REQUIRE(store.use_once("dpop", "p1", at(t0 + 90)).value() == false);
    REQUIRE(store.use_once("dpop", "p2", at(t0 + 30)).value() == true);
    clock.advance(30);
    REQUIRE(store.use_once("dpop", "p1", at(t0 + 90)).value() == true);
}

TEST_CASE("memory jti store keeps purposes and kinds of entries apart", "[jti_store][isolation]") {
    const moving_clock clock;
    store_type store(16, clock);
    REQUIRE(store.revoke("access", "x", at(t0 + 60)).has_value());
    REQUIRE(store.is_revoked("refresh", "x").value() == false);
    // A used id is not a revoked one, and the other way round.
    REQUIRE(store.use_once("access", "x", at(t0 + 60)).value() == true);
    REQUIRE(store.use_once("refresh", "y", at(t0 + 60)).value() == true);
    REQUIRE(store.is_revoked("refresh", "y").value() == false);
    // Length-prefixed purposes: "a" + "b:c" and "a:b" + "c" are different entries.
    REQUIRE(store.revoke("a", "b:c", at(t0 + 60)).has_value());
    REQUIRE(store.is_revoked("a:b", "c").value() == false);
    REQUIRE(store.is_revoked("a", "b:c").value() == true);
}

TEST_CASE("memory jti store refuses a new entry when full instead of forgetting a live one", "[jti_store][negative]") {
    const moving_clock clock;
    store_type store(3, clock);
    REQUIRE(store.revoke("access", "a", at(t0 + 60)).has_value());
    REQUIRE(store.revoke("access", "b", at(t0 + 60)).has_value());
    REQUIRE(store.use_once("refresh", "c", at(t0 + 120)).value() == true);
    REQUIRE(store.revoke("access", "d", at(t0 + 60)).error() == jot::errc::jti_store_full);
    REQUIRE(store.use_once("refresh", "e", at(t0 + 60)).error() == jot::errc::jti_store_full);
    REQUIRE(store.size() == 3);
    // Nothing live was lost, and extending an existing entry still works when full.
    REQUIRE(store.is_revoked("access", "a").value() == true);
    REQUIRE(store.use_once("refresh", "c", at(t0 + 120)).value() == false);
    REQUIRE(store.revoke("access", "a", at(t0 + 90)).has_value());
    // Once entries expire there is room again.
    clock.advance(60);
    REQUIRE(store.revoke("access", "d", at(t0 + 600)).has_value());
    REQUIRE(store.size() == 3);  // a (until t0+90), c and d
    REQUIRE(store.is_revoked("access", "b").value() == false);
}

TEST_CASE("memory jti store rejects empty ids and a use-once expiry that is not in the future",
          "[jti_store][negative]") {
    const moving_clock clock;
    store_type store(16, clock);
    REQUIRE(store.revoke("access", "", at(t0 + 60)).error() == jot::errc::invalid_argument);
    REQUIRE(store.use_once("access", "", at(t0 + 60)).error() == jot::errc::invalid_argument);
    REQUIRE(store.use_once("access", "a", at(t0)).error() == jot::errc::invalid_argument);
    REQUIRE(store.size() == 0);
}

TEST_CASE("memory jti store lets exactly one of many racing threads use an id", "[jti_store][threads]") {
    jot::memory_jti_store store(1024);
    const auto until = std::chrono::system_clock::now() + 1h;
    for (int round = 0; round < 20; ++round) {
        const std::string id = "token-" + std::to_string(round);
        std::atomic<int> winners{0}, losers{0}, errors{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&] {
                while (!go.load()) std::this_thread::yield();
                auto r = store.use_once("refresh", id, until);
                if (!r) ++errors;
                else if (*r) ++winners;
                else ++losers;
            });
        go = true;
        for (auto& t : threads) t.join();
        REQUIRE(errors == 0);
        REQUIRE(winners == 1);
        REQUIRE(losers == 7);
    }
}
