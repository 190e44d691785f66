// SPDX-License-Identifier: MIT
// Tests for jot/bytes.hpp: bytes_view over containers of octets, never over a bare C string.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <jot/bytes.hpp>

#include "catch.hpp"

// A secret may contain NUL, so its length must always be explicit: neither a string literal nor a
// `const char*` may become a bytes_view, implicitly or explicitly.
static_assert(!std::is_constructible<jot::bytes_view, const char*>::value,
              "a const char* must not be convertible to bytes_view");
static_assert(!std::is_constructible<jot::bytes_view, char*>::value,
              "a char* must not be convertible to bytes_view");
static_assert(!std::is_constructible<jot::bytes_view, decltype("secret")>::value,
              "a string literal must not be convertible to bytes_view");
static_assert(!std::is_convertible<decltype("secret"), jot::bytes_view>::value,
              "a string literal must not convert implicitly to bytes_view");
static_assert(!std::is_convertible<const char*, jot::bytes_view>::value,
              "a const char* must not convert implicitly to bytes_view");
// Containers of wider elements are not octets.
static_assert(!std::is_constructible<jot::bytes_view, std::vector<int>>::value,
              "a vector<int> is not a byte container");
static_assert(!std::is_constructible<jot::bytes_view, std::u16string>::value,
              "a u16string is not a byte container");
// The containers that are octets convert implicitly, so APIs taking bytes_view accept them directly.
static_assert(std::is_convertible<std::string, jot::bytes_view>::value, "std::string converts");
static_assert(std::is_convertible<std::string_view, jot::bytes_view>::value, "std::string_view converts");
static_assert(std::is_convertible<std::vector<std::uint8_t>, jot::bytes_view>::value, "vector<uint8_t> converts");
static_assert(std::is_convertible<std::array<std::byte, 4>, jot::bytes_view>::value, "array<byte, N> converts");

TEST_CASE("bytes_view over a std::string keeps embedded NUL bytes", "[bytes][positive]") {
    const std::string s("ab\0cd", 5);
    const jot::bytes_view v = s;
    REQUIRE(v.size() == 5);
    REQUIRE(v.data() == reinterpret_cast<const std::uint8_t*>(s.data()));
    REQUIRE(v[2] == 0);
    REQUIRE(v[4] == 'd');
    REQUIRE(v.as_chars() == std::string_view(s));
    REQUIRE(v.as_chars().size() == 5);
    REQUIRE_FALSE(v.empty());
}

TEST_CASE("bytes_view over a std::string_view with NUL keeps the view's length", "[bytes][positive]") {
    const std::string_view sv("\0\0x", 3);
    const jot::bytes_view v = sv;
    REQUIRE(v.size() == 3);
    REQUIRE(v[0] == 0);
    REQUIRE(v[2] == 'x');
}

TEST_CASE("bytes_view over a std::vector<std::uint8_t> sees every octet", "[bytes][positive]") {
    const std::vector<std::uint8_t> bytes{0x00, 0xFF, 0x80, 0x7F};
    const jot::bytes_view v = bytes;
    REQUIRE(v.size() == 4);
    REQUIRE(v.data() == bytes.data());
    REQUIRE(std::vector<std::uint8_t>(v.begin(), v.end()) == bytes);
}

TEST_CASE("bytes_view over a std::array<std::byte, N> sees every octet", "[bytes][positive]") {
    const std::array<std::byte, 3> arr{std::byte{0xDE}, std::byte{0x00}, std::byte{0xEF}};
    const jot::bytes_view v = arr;
    REQUIRE(v.size() == 3);
    REQUIRE(static_cast<const void*>(v.data()) == static_cast<const void*>(arr.data()));
    REQUIRE(v[0] == 0xDE);
    REQUIRE(v[1] == 0x00);
    REQUIRE(v[2] == 0xEF);
}

TEST_CASE("bytes_view from a pointer and a length uses exactly that length", "[bytes][positive]") {
    const char raw[] = {'k', '\0', 'e', 'y'};
    const jot::bytes_view v(raw, sizeof raw);
    REQUIRE(v.size() == 4);
    REQUIRE(v[1] == 0);
    REQUIRE(v.as_chars() == std::string_view(raw, 4));
}

TEST_CASE("a default bytes_view is empty", "[bytes][positive]") {
    const jot::bytes_view v;
    REQUIRE(v.empty());
    REQUIRE(v.size() == 0);
    REQUIRE(v.begin() == v.end());
    const std::string none;
    REQUIRE(jot::bytes_view(none).empty());
}
