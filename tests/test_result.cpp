// SPDX-License-Identifier: MIT
// Tests for jot/result.hpp and jot/error.hpp: the one error model.
#include <set>
#include <string>
#include <system_error>

#include <jot/error.hpp>
#include <jot/result.hpp>

#include "catch.hpp"

TEST_CASE("result holds a value and value() returns it", "[result][positive]") {
    jot::result<std::string> r = std::string("x");
    REQUIRE(r.has_value());
    REQUIRE(static_cast<bool>(r));
    REQUIRE(r.value() == "x");
    REQUIRE(!r.error());
}

TEST_CASE("result value() throws jot::error carrying the code", "[result][negative]") {
    jot::result<int> r = jot::errc::token_expired;
    REQUIRE_FALSE(r.has_value());
    REQUIRE(r.error() == jot::errc::token_expired);
    try {
        (void)r.value();
        FAIL("value() did not throw");
    } catch (const jot::error& e) {
        REQUIRE(e.code() == jot::errc::token_expired);
        const std::system_error& base = e; // jot::error is a std::system_error
        REQUIRE(base.code().category() == jot::error_category());
    }
    REQUIRE(r.value_or(7) == 7);
}

TEST_CASE("result<void> reports success and failure", "[result][negative]") {
    jot::result<void> ok;
    REQUIRE(ok.has_value());
    ok.value();
    jot::result<void> bad = jot::errc::signature_invalid;
    REQUIRE_FALSE(bad);
    REQUIRE_THROWS_AS(bad.value(), jot::error);
}

TEST_CASE("expired, not-yet-valid and issued-in-future are three distinct codes", "[error][positive]") {
    const std::error_code a = jot::errc::token_expired, b = jot::errc::token_not_yet_valid,
                          c = jot::errc::issued_in_future;
    REQUIRE(a != b);
    REQUIRE(b != c);
    REQUIRE(a != c);
    REQUIRE(a.message() != b.message());
    REQUIRE(b.message() != c.message());
}

TEST_CASE("every code maps to exactly the coarse condition of its group", "[error][positive]") {
    REQUIRE(std::error_code(jot::errc::base64_padding) == jot::condition::malformed);
    REQUIRE(std::error_code(jot::errc::json_duplicate_member) == jot::condition::malformed);
    REQUIRE(std::error_code(jot::errc::numeric_date_out_of_range) == jot::condition::malformed);
    REQUIRE(std::error_code(jot::errc::bearer_missing) == jot::condition::malformed);
    REQUIRE(std::error_code(jot::errc::bearer_malformed) == jot::condition::malformed);
    REQUIRE(std::error_code(jot::errc::insufficient_scope) == jot::condition::claims_rejected);
    REQUIRE(std::error_code(jot::errc::signature_invalid) == jot::condition::unauthenticated);
    REQUIRE(std::error_code(jot::errc::crit_unsupported) == jot::condition::unauthenticated);
    REQUIRE(std::error_code(jot::errc::token_expired) == jot::condition::claims_rejected);
    REQUIRE(std::error_code(jot::errc::claim_predicate_failed) == jot::condition::claims_rejected);
    REQUIRE(std::error_code(jot::errc::key_too_short) == jot::condition::bad_key);
    REQUIRE(std::error_code(jot::errc::key_not_private) == jot::condition::bad_key);
    REQUIRE(std::error_code(jot::errc::leeway_too_large) == jot::condition::misuse);
    REQUIRE(std::error_code(jot::errc::claim_not_serializable) == jot::condition::misuse);
    REQUIRE(std::error_code(jot::errc::crypto_failure) == jot::condition::internal);
    REQUIRE(std::error_code(jot::errc::crypto_failure) != jot::condition::misuse);
    REQUIRE(std::error_code(jot::errc::token_expired) != jot::condition::malformed);
    REQUIRE(std::error_code(jot::errc::signature_invalid) != jot::condition::claims_rejected);
}

TEST_CASE("every code has its own message", "[error][positive]") {
    std::set<std::string> seen;
    for (int i = static_cast<int>(jot::errc::token_too_large); i <= static_cast<int>(jot::errc::crypto_failure); ++i) {
        const std::string m = std::error_code(static_cast<jot::errc>(i)).message();
        INFO("code " << i);
        REQUIRE(m != "unknown jot error");
        REQUIRE(seen.insert(m).second);
    }
}
