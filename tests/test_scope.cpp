// SPDX-License-Identifier: MIT
// Tests for jot/scope.hpp: required scopes against "scope" strings and "scp" arrays.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/scope.hpp>

#include "catch.hpp"

using jot::errc;

static jot::claims make(nlohmann::json j) { return jot::claims::from_json(std::move(j)).value(); }

TEST_CASE("require_scopes accepts a space-separated scope string holding every required scope", "[scope][positive]") {
    const auto c = make({{"scope", "orders:read orders:write profile"}});
    REQUIRE(jot::require_scopes(c, {"orders:read"}));
    REQUIRE(jot::require_scopes(c, {"profile", "orders:write"}));
    REQUIRE(jot::require_scopes(c, std::vector<std::string>{"orders:read", "profile"}));
}

TEST_CASE("require_scopes rejects a missing scope and near misses", "[scope][negative]") {
    const auto c = make({{"scope", "orders:read orders:write"}});
    REQUIRE(jot::require_scopes(c, {"admin"}).error() == errc::insufficient_scope);
    REQUIRE(jot::require_scopes(c, {"orders"}).error() == errc::insufficient_scope);       // prefix
    REQUIRE(jot::require_scopes(c, {"Orders:read"}).error() == errc::insufficient_scope);  // case
    REQUIRE(jot::require_scopes(c, {"orders:read", "x"}).error() == errc::insufficient_scope);
}

TEST_CASE("require_scopes reads an scp array when there is no scope claim", "[scope][positive]") {
    const auto c = make({{"scp", {"a", "b"}}});
    REQUIRE(jot::require_scopes(c, {"a", "b"}));
    REQUIRE(jot::require_scopes(c, {"c"}).error() == errc::insufficient_scope);
}

TEST_CASE("require_scopes fails closed without any scope claim", "[scope][negative]") {
    REQUIRE(jot::require_scopes(make({{"sub", "x"}}), {"a"}).error() == errc::insufficient_scope);
}

TEST_CASE("require_scopes reports a scope claim of the wrong type", "[scope][negative]") {
    REQUIRE(jot::require_scopes(make({{"scope", {"a"}}}), {"a"}).error() == errc::claim_wrong_type);
    REQUIRE(jot::require_scopes(make({{"scp", {"a", 1}}}), {"a"}).error() == errc::claim_wrong_type);
    REQUIRE(jot::require_scopes(make({{"scp", 5}}), {"a"}).error() == errc::claim_wrong_type);
}

TEST_CASE("require_scopes refuses an empty or multi-word required scope as misuse", "[scope][negative]") {
    const auto c = make({{"scope", "a b"}});
    REQUIRE(jot::require_scopes(c, {""}).error() == errc::invalid_argument);
    REQUIRE(jot::require_scopes(c, {"a b"}).error() == errc::invalid_argument);
}
