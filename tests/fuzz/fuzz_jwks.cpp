// SPDX-License-Identifier: MIT
// Fuzzes JWK Set parsing (jot::jwk_set::parse) with and without symmetric keys, and checks that a set written
// with to_json() reads back to the same keys in the same order (differential).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include <jot/jwks.hpp>

namespace {

void check(std::string_view text, const jot::jwk_set_options& options) {
    auto set = jot::jwk_set::parse(text, options);
    if (!set) {
        if (set.error().category() != jot::error_category()) std::abort();
        return;
    }
    bool symmetric = false;
    for (const auto& k : set->keys()) {
        if (!k) std::abort();
        if (jot::family_of(k->alg()) == jot::algorithm_family::hmac) symmetric = true;
    }
    for (const auto& s : set->skipped())
        if (!s.reason || s.reason.category() != jot::error_category()) std::abort();
    auto doc = set->to_json();
    if (!doc) std::abort();
    if (symmetric) return; // secrets are never written out, so the round trip is for public sets only
    auto again = jot::jwk_set::parse(doc->dump(), options);
    if (!again || again->keys().size() != set->keys().size()) std::abort();
    for (std::size_t i = 0; i < set->keys().size(); ++i) {
        if (again->keys()[i]->alg() != set->keys()[i]->alg() || again->keys()[i]->key_id() != set->keys()[i]->key_id())
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const jot::jwk_set_options defaults{};
    static const jot::jwk_set_options symmetric = [] {
        jot::jwk_set_options o;
        o.allow_symmetric = true;
        o.allowed_algorithms = {jot::algorithm::hs256, jot::algorithm::hs512, jot::algorithm::rs256,
                                jot::algorithm::es256, jot::algorithm::eddsa};
        o.max_keys = 8;
        return o;
    }();
    check(text, defaults);
    check(text, symmetric);
    return 0;
}
