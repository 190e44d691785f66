// SPDX-License-Identifier: MIT
// Tests for jot/bearer.hpp: RFC 6750 §2.1 Authorization parsing and §3 WWW-Authenticate challenges.
#include <string>
#include <string_view>

#include <jot/bearer.hpp>

#include "catch.hpp"

using jot::errc;

TEST_CASE("bearer extract returns the token after the scheme", "[bearer][positive]") {
    REQUIRE(jot::bearer::extract("Bearer abc.def-ghi_jkl").value() == "abc.def-ghi_jkl");
    REQUIRE(jot::bearer::extract("Bearer mF_9.B5f-4.1JqM").value() == "mF_9.B5f-4.1JqM"); // RFC 6750 §2.1
    REQUIRE(jot::bearer::extract("Bearer a+b/c~d==").value() == "a+b/c~d==");
}

TEST_CASE("bearer extract compares the scheme case-insensitively", "[bearer][positive]") {
    REQUIRE(jot::bearer::extract("bearer tok").value() == "tok");
    REQUIRE(jot::bearer::extract("BEARER tok").value() == "tok");
    REQUIRE(jot::bearer::extract("BeArEr tok").value() == "tok");
}

TEST_CASE("bearer extract accepts several spaces and surrounding whitespace", "[bearer][positive]") {
    REQUIRE(jot::bearer::extract("Bearer    tok").value() == "tok");
    REQUIRE(jot::bearer::extract("  Bearer tok \t").value() == "tok");
}

TEST_CASE("bearer extract rejects an empty header as missing", "[bearer][negative]") {
    REQUIRE(jot::bearer::extract("").error() == errc::bearer_missing);
    REQUIRE(jot::bearer::extract("   ").error() == errc::bearer_missing);
}

TEST_CASE("bearer extract rejects other schemes", "[bearer][negative]") {
    REQUIRE(jot::bearer::extract("Basic dXNlcjpwYXNz").error() == errc::bearer_wrong_scheme);
    REQUIRE(jot::bearer::extract("Bearertok").error() == errc::bearer_wrong_scheme);
    REQUIRE(jot::bearer::extract("Bearer: tok").error() == errc::bearer_wrong_scheme);
    REQUIRE(jot::bearer::extract("tok").error() == errc::bearer_wrong_scheme);
}

TEST_CASE("bearer extract rejects anything but exactly one b64token", "[bearer][negative]") {
    REQUIRE(jot::bearer::extract("Bearer").error() == errc::bearer_malformed);
    REQUIRE(jot::bearer::extract("Bearer a b").error() == errc::bearer_malformed);
    REQUIRE(jot::bearer::extract("Bearer a,b").error() == errc::bearer_malformed);
    REQUIRE(jot::bearer::extract("Bearer a\"b").error() == errc::bearer_malformed);
    REQUIRE(jot::bearer::extract("Bearer =abc").error() == errc::bearer_malformed);
    REQUIRE(jot::bearer::extract("Bearer ab=c").error() == errc::bearer_malformed);
    REQUIRE(jot::bearer::extract("Bearer\ttok").error() == errc::bearer_malformed);
    REQUIRE(jot::bearer::extract(std::string_view("Bearer a\0b", 10)).error() == errc::bearer_malformed);
    REQUIRE(jot::bearer::extract("Bearer tök").error() == errc::bearer_malformed);
}

TEST_CASE("challenge without a token carries only the realm", "[bearer][positive]") {
    REQUIRE(jot::bearer::challenge("api") == "Bearer realm=\"api\"");
    REQUIRE(jot::bearer::challenge() == "Bearer");
}

TEST_CASE("challenge for a rejected token says invalid_token and nothing secret", "[bearer][positive]") {
    const std::string c = jot::bearer::challenge(jot::errc::token_expired, "api");
    REQUIRE(c == "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"the access token expired\"");
    const std::string s = jot::bearer::challenge(jot::errc::signature_invalid);
    REQUIRE(s == "Bearer error=\"invalid_token\", error_description=\"the access token is invalid\"");
    REQUIRE(jot::bearer::status_for(jot::errc::signature_invalid) == 401);
}

TEST_CASE("challenge for insufficient scope names the scope and maps to 403", "[bearer][positive]") {
    const std::string c = jot::bearer::challenge(jot::errc::insufficient_scope, "api", "orders:write");
    REQUIRE(c == "Bearer realm=\"api\", error=\"insufficient_scope\", error_description=\"the access token lacks a "
                 "required scope\", scope=\"orders:write\"");
    REQUIRE(jot::bearer::status_for(jot::errc::insufficient_scope) == 403);
    REQUIRE(jot::bearer::status_for(jot::errc::bearer_malformed) == 400);
}

TEST_CASE("challenge parameters cannot inject quotes, backslashes or line breaks", "[bearer][negative]") {
    const std::string c = jot::bearer::challenge(jot::errc::insufficient_scope, "a\"b\\c\r\nX: y", "s\"1");
    REQUIRE(c.find('\r') == std::string::npos);
    REQUIRE(c.find('\n') == std::string::npos);
    REQUIRE(c.find("realm=\"abcX: y\"") != std::string::npos);
    REQUIRE(c.find("scope=\"s1\"") != std::string::npos);
}
