// SPDX-License-Identifier: MIT
// Fuzzes HS256 verification with a permissive policy (so input reaches every stage), and checks that a token
// jot signs over fuzzed claims always verifies (differential: builder output is accepted by the verifier).
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <jot/jot.hpp>

namespace {
const jot::hmac_key& key() {
    static const jot::hmac_key k =
        *jot::hmac_key::create(jot::algorithm::hs256, std::string_view("0123456789abcdef0123456789abcdef"));
    return k;
}
const jot::basic_verifier<nlohmann::json, jot::fixed_clock>& permissive() {
    static const auto v = *jot::basic_verifier_builder<nlohmann::json, jot::fixed_clock>()
                               .key(key())
                               .allow_missing_expiration()
                               .ignore_audience()
                               .ignore_type()
                               .clock(jot::fixed_clock{std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))})
                               .build();
    return v;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    auto r = permissive().verify(input);
    if (r && r->alg() != jot::algorithm::hs256) std::abort();

    // Differential: a claim set built from the input as a string must survive sign then verify.
    auto token = jot::builder().claim("data", std::string(input)).sign(key());
    if (token) {
        auto back = permissive().verify(*token);
        if (!back || back->claims().get<std::string>("data").value_or(std::string()) != input) std::abort();
    } else if (token.error() != jot::errc::invalid_utf8) {
        std::abort();
    }
    return 0;
}
