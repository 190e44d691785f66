// SPDX-License-Identifier: MIT
// Tests for jot::refresh_rotation: each refresh token is exchanged once, reuse revokes the family (RFC 9700
// §4.14.2), a revoked family refuses every token, and a failing store fails closed without throwing.
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <jot/error.hpp>
#include <jot/jti_store.hpp>
#include <jot/refresh_rotation.hpp>

#include "catch.hpp"

namespace {

using namespace std::chrono_literals;

/// A store that fails every call, by error or by exception.
class broken_store final : public jot::jti_store {
public:
    explicit broken_store(bool throws) : throws_(throws) {}
    jot::result<void> revoke(std::string_view, std::string_view, time_point) override {
        if (throws_) throw std::runtime_error("store down");
        return jot::errc::jti_store_unavailable;
    }
    jot::result<bool> is_revoked(std::string_view, std::string_view) override {
        if (throws_) throw std::runtime_error("store down");
        return jot::errc::jti_store_unavailable;
    }
    jot::result<bool> use_once(std::string_view, std::string_view, time_point) override {
        if (throws_) throw std::runtime_error("store down");
        return jot::errc::jti_store_unavailable;
    }

private:
    bool throws_;
};

const auto later = [] { return std::chrono::system_clock::now() + 1h; };

} // namespace

TEST_CASE("refresh rotation accepts each refresh token of a family once", "[refresh_rotation][positive]") {
    auto store = std::make_shared<jot::memory_jti_store>();
    const jot::refresh_rotation rotation(store);
    REQUIRE(rotation.rotate("fam", "r1", later(), later()).has_value());
    REQUIRE(rotation.rotate("fam", "r2", later(), later()).has_value());
    REQUIRE(rotation.rotate("other", "r9", later(), later()).has_value());
    REQUIRE(rotation.family_revoked("fam").value() == false);
}

TEST_CASE("refresh rotation revokes the whole family when a used refresh token comes back",
          "[refresh_rotation][negative]") {
    auto store = std::make_shared<jot::memory_jti_store>();
    const jot::refresh_rotation rotation(store);
    REQUIRE(rotation.rotate("fam", "r1", later(), later()).has_value());  // r1 -> r2
    REQUIRE(rotation.rotate("fam", "r1", later(), later()).error() == jot::errc::token_replayed);
    REQUIRE(rotation.family_revoked("fam").value() == true);
    // The newest token of the family, never used, no longer works either.
    REQUIRE(rotation.rotate("fam", "r2", later(), later()).error() == jot::errc::token_revoked);
    // Other families are untouched.
    REQUIRE(rotation.rotate("other", "r1b", later(), later()).has_value());
}

TEST_CASE("refresh rotation refuses a family revoked by logout", "[refresh_rotation][negative]") {
    auto store = std::make_shared<jot::memory_jti_store>();
    const jot::refresh_rotation rotation(store);
    REQUIRE(rotation.revoke_family("fam", later()).has_value());
    REQUIRE(rotation.rotate("fam", "r1", later(), later()).error() == jot::errc::token_revoked);
}

TEST_CASE("refresh rotation keeps its entries under its own purpose", "[refresh_rotation][isolation]") {
    auto store = std::make_shared<jot::memory_jti_store>();
    const jot::refresh_rotation a(store, "refresh-a"), b(store, "refresh-b");
    REQUIRE(a.rotate("fam", "r1", later(), later()).has_value());
    REQUIRE(b.rotate("fam", "r1", later(), later()).has_value());
    REQUIRE(a.revoke_family("fam", later()).has_value());
    REQUIRE(b.family_revoked("fam").value() == false);
    REQUIRE(store->is_revoked("refresh-a", "fam").value() == true);
}

TEST_CASE("refresh rotation lets one of two racing exchanges of a token win and revokes the family",
          "[refresh_rotation][threads]") {
    auto store = std::make_shared<jot::memory_jti_store>();
    const jot::refresh_rotation rotation(store);
    for (int round = 0; round < 20; ++round) {
        const std::string family = "fam-" + std::to_string(round);
        std::atomic<int> ok{0}, replayed{0}, other{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i)
            threads.emplace_back([&] {
                while (!go.load()) std::this_thread::yield();
                auto r = rotation.rotate(family, family + "-token", later(), later());
                if (r) ++ok;
                else if (r.error() == jot::errc::token_replayed) ++replayed;
                else ++other;
            });
        go = true;
        for (auto& t : threads) t.join();
        REQUIRE(ok == 1);
        REQUIRE(replayed == 1);
        REQUIRE(other == 0);
        REQUIRE(rotation.family_revoked(family).value() == true);
    }
}

TEST_CASE("refresh rotation fails closed without throwing when the store fails", "[refresh_rotation][negative]") {
    for (bool throws : {false, true}) {
        const jot::refresh_rotation rotation(std::make_shared<broken_store>(throws));
        REQUIRE(rotation.rotate("fam", "r1", later(), later()).error() == jot::errc::jti_store_unavailable);
        REQUIRE(rotation.revoke_family("fam", later()).error() == jot::errc::jti_store_unavailable);
        REQUIRE(rotation.family_revoked("fam").error() == jot::errc::jti_store_unavailable);
    }
}

TEST_CASE("refresh rotation rejects empty family and token ids", "[refresh_rotation][negative]") {
    const jot::refresh_rotation rotation(std::make_shared<jot::memory_jti_store>());
    REQUIRE(rotation.rotate("", "r1", later(), later()).error() == jot::errc::invalid_argument);
    REQUIRE(rotation.rotate("fam", "", later(), later()).error() == jot::errc::invalid_argument);
}
