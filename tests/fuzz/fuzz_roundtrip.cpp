// SPDX-License-Identifier: MIT
// Differential: a JSON object read from the input, written by the builder as claims and signed, decodes and
// verifies to the same JSON (encode then decode is the identity), or fails with the one code its dates explain.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include <jot/dangerous.hpp>
#include <jot/detail/json_dom.hpp>
#include <jot/detail/json_scan.hpp>
#include <jot/detail/json_write.hpp>
#include <jot/jot.hpp>

namespace {
using json = nlohmann::json;
const jot::fixed_clock at{std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))};

const jot::hmac_key& key() {
    static const jot::hmac_key k =
        *jot::hmac_key::create(jot::algorithm::hs256, std::string_view("round-trip fuzzing secret 32 oct"));
    return k;
}
const jot::basic_verifier<json, jot::fixed_clock>& permissive() {
    static const auto v = *jot::basic_verifier_builder<json, jot::fixed_clock>()
                               .key(key())
                               .allow_missing_expiration()
                               .ignore_audience()
                               .ignore_type()
                               .clock(at)
                               .build();
    return v;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto input = jot::detail::parse_object<json>(text, 16);
    if (!input) return 0;

    jot::basic_builder<json, jot::fixed_clock> b(at);
    for (auto it = input->begin(); it != input->end(); ++it) b.claim(it.key(), it.value());
    auto token = b.sign(key());
    const bool registered_ok = jot::claims::from_json(*input)->check_registered_types().has_value();
    if (!token) {
        // The builder refuses exactly the claim sets whose registered claims have the wrong type or range.
        if (registered_ok || token.error() != jot::errc::claim_not_serializable) std::abort();
        return 0;
    }
    if (!registered_ok) std::abort();

    // Decoding gives back exactly the JSON that went in (numbers, escapes, nesting, member names).
    auto decoded = jot::dangerous::decode_unverified(*token);
    if (!decoded || decoded->claims.json() != *input) std::abort();

    // The verifier accepts it, unless a date says otherwise.
    auto verified = permissive().verify(*token);
    if (verified) {
        if (verified->claims().json() != *input) std::abort();
    } else if (verified.error() != jot::errc::token_expired && verified.error() != jot::errc::token_not_yet_valid &&
               verified.error() != jot::errc::issued_in_future) {
        std::abort();
    }
    return 0;
}
