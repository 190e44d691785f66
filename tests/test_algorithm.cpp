// SPDX-License-Identifier: MIT
// Tests for jot/algorithm.hpp: JOSE "alg" names (RFC 7515 §4.1.1, RFC 7518 §3.1), families and hash sizes.
#include <cstddef>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

#include <jot/algorithm.hpp>

#include "catch.hpp"

namespace {
std::error_code code(jot::errc e) { return jot::make_error_code(e); }
} // namespace

TEST_CASE("every algorithm's name parses back to the same algorithm", "[algorithm][positive]") {
    std::set<std::string_view> names;
    for (jot::algorithm a : jot::all_algorithms) {
        const std::string_view name = jot::to_string(a);
        INFO("alg " << std::string(name));
        REQUIRE_FALSE(name.empty());
        REQUIRE(names.insert(name).second); // names are distinct
        auto parsed = jot::algorithm_from_string(name);
        REQUIRE(parsed.has_value());
        REQUIRE(*parsed == a);
    }
    REQUIRE(names.size() == 16);
}

TEST_CASE("algorithm names are the registered JOSE spellings", "[algorithm][vector]") {
    // RFC 7518 §3.1, RFC 8812 §3.2, RFC 8037 §3.1 and RFC 9864 name these exactly so.
    REQUIRE(jot::to_string(jot::algorithm::hs256) == "HS256");
    REQUIRE(jot::to_string(jot::algorithm::rs384) == "RS384");
    REQUIRE(jot::to_string(jot::algorithm::ps512) == "PS512");
    REQUIRE(jot::to_string(jot::algorithm::es512) == "ES512");
    REQUIRE(jot::to_string(jot::algorithm::es256k) == "ES256K");
    REQUIRE(jot::to_string(jot::algorithm::eddsa) == "EdDSA");
    REQUIRE(jot::to_string(jot::algorithm::ed25519) == "Ed25519");
    REQUIRE(jot::to_string(jot::algorithm::ed448) == "Ed448");
}

TEST_CASE("algorithm_from_string reports \"none\" as an unsecured token", "[algorithm][negative]") {
    auto r = jot::algorithm_from_string("none");
    REQUIRE_FALSE(r.has_value());
    REQUIRE(r.error() == code(jot::errc::unsecured_token));
}

TEST_CASE("algorithm_from_string compares names exactly: other spellings are unsupported",
          "[algorithm][negative]") {
    const std::string_view cases[] = {"None", "NONE", "nOnE", "hs256", "HS256 ", " HS256", "",
                                      "eddsa", "EDDSA", "none "};
    for (std::string_view name : cases) {
        INFO("name '" << std::string(name) << "'");
        auto r = jot::algorithm_from_string(name);
        REQUIRE_FALSE(r.has_value());
        REQUIRE(r.error() == code(jot::errc::unsupported_algorithm));
    }
    // A name with an embedded NUL is not the name before the NUL.
    auto nul = jot::algorithm_from_string(std::string_view("HS256\0", 6));
    REQUIRE(nul.error() == code(jot::errc::unsupported_algorithm));
    auto nul_none = jot::algorithm_from_string(std::string_view("none\0", 5));
    REQUIRE(nul_none.error() == code(jot::errc::unsupported_algorithm));
}

TEST_CASE("family_of puts each algorithm in its RFC 7518 family", "[algorithm][positive]") {
    using jot::algorithm;
    using jot::algorithm_family;
    struct row {
        algorithm alg;
        algorithm_family family;
        std::size_t hash;
    };
    const row table[] = {
        {algorithm::hs256, algorithm_family::hmac, 32},     {algorithm::hs384, algorithm_family::hmac, 48},
        {algorithm::hs512, algorithm_family::hmac, 64},     {algorithm::rs256, algorithm_family::rsa_pkcs1, 32},
        {algorithm::rs384, algorithm_family::rsa_pkcs1, 48}, {algorithm::rs512, algorithm_family::rsa_pkcs1, 64},
        {algorithm::ps256, algorithm_family::rsa_pss, 32},  {algorithm::ps384, algorithm_family::rsa_pss, 48},
        {algorithm::ps512, algorithm_family::rsa_pss, 64},  {algorithm::es256, algorithm_family::ecdsa, 32},
        {algorithm::es384, algorithm_family::ecdsa, 48},    {algorithm::es512, algorithm_family::ecdsa, 64},
        {algorithm::es256k, algorithm_family::ecdsa, 32},   {algorithm::eddsa, algorithm_family::eddsa, 0},
        {algorithm::ed25519, algorithm_family::eddsa, 0},   {algorithm::ed448, algorithm_family::eddsa, 0},
    };
    REQUIRE(std::size(table) == std::size(jot::all_algorithms));
    for (const row& r : table) {
        INFO("alg " << std::string(jot::to_string(r.alg)));
        REQUIRE(jot::family_of(r.alg) == r.family);
        REQUIRE(jot::hash_size(r.alg) == r.hash);
    }
}

TEST_CASE("family_of and hash_size are usable at compile time", "[algorithm][positive]") {
    static_assert(jot::family_of(jot::algorithm::ps384) == jot::algorithm_family::rsa_pss);
    static_assert(jot::hash_size(jot::algorithm::es512) == 64);
    static_assert(jot::to_string(jot::algorithm::es256k) == "ES256K");
    // The digit suffix of every SHA-2 algorithm name states its hash size in bits.
    for (jot::algorithm a : jot::all_algorithms) {
        if (jot::family_of(a) == jot::algorithm_family::eddsa) continue;
        const std::string_view name = jot::to_string(a);
        INFO("alg " << std::string(name));
        REQUIRE(std::to_string(jot::hash_size(a) * 8) == std::string(name.substr(2, 3)));
    }
}
