// SPDX-License-Identifier: MIT
// Fuzzes JWK import (public_key_from_jwk, private_key_from_jwk, hmac_key_from_jwk, jwk_thumbprint) on strictly
// parsed input, with differentials: an imported key exports to a JWK that imports to the same key and
// thumbprint, and an imported private key signs what its public half verifies.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <jot/detail/json_dom.hpp>
#include <jot/detail/json_scan.hpp>
#include <jot/detail/json_write.hpp>
#include <jot/jot.hpp>

namespace {

void check_public(const nlohmann::json& jwk, std::optional<jot::algorithm> alg) {
    auto key = jot::public_key_from_jwk(jwk, alg);
    if (!key) {
        if (key.error().category() != jot::error_category() || key.error() == jot::errc::crypto_failure) std::abort();
        return;
    }
    if (alg && key->alg() != *alg) std::abort();
    auto out = jot::to_jwk(*key);
    if (!out) std::abort();
    auto again = jot::public_key_from_jwk(*out);
    if (!again || again->alg() != key->alg() || again->key_id() != key->key_id()) std::abort();
    auto t1 = jot::jwk_thumbprint(*key);
    auto t2 = jot::jwk_thumbprint(*out);
    auto t3 = jot::jwk_thumbprint(jwk); // RFC 7638: the input's required members give the same thumbprint
    if (!t1 || !t2 || !t3 || *t1 != *t2 || *t1 != *t3) std::abort();
}

void check_private(const nlohmann::json& jwk, std::optional<jot::algorithm> alg) {
    auto key = jot::private_key_from_jwk(jwk, alg);
    if (!key) {
        if (key.error().category() != jot::error_category() || key.error() == jot::errc::crypto_failure) std::abort();
        return;
    }
    std::uint8_t sig[1100];
    auto n = key->sign("eyJhbGciOiJmdXp6In0.e30", sig, sizeof sig);
    auto pub = key->public_key();
    if (!n || !pub || !pub->verify("eyJhbGciOiJmdXp6In0.e30", jot::bytes_view(sig, *n))) std::abort();
    // The private JWK describes the same public key (unless its key_ops allow signing only).
    auto as_public = jot::public_key_from_jwk(jwk, key->alg());
    if (!as_public) {
        if (as_public.error() == jot::errc::key_use_mismatch) return;
        std::abort();
    }
    auto t1 = jot::jwk_thumbprint(*pub);
    auto t2 = jot::jwk_thumbprint(*as_public);
    if (!t1 || !t2 || *t1 != *t2) std::abort();
}

void check_hmac(const nlohmann::json& jwk, std::optional<jot::algorithm> alg) {
    auto key = jot::hmac_key_from_jwk(jwk, alg);
    if (!key) {
        if (key.error().category() != jot::error_category() || key.error() == jot::errc::crypto_failure) std::abort();
        return;
    }
    auto out = jot::to_jwk(*key);
    if (!out) std::abort();
    auto again = jot::hmac_key_from_jwk(*out);
    if (!again || again->alg() != key->alg() || again->secret().size() != key->secret().size()) std::abort();
    for (std::size_t i = 0; i < key->secret().size(); ++i)
        if (again->secret()[i] != key->secret()[i]) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto jwk = jot::detail::parse_object<nlohmann::json>(text, 32);
    if (!jwk) return 0;
    using jot::algorithm;
    const std::optional<algorithm> algs[] = {std::nullopt,     algorithm::rs256,  algorithm::ps512, algorithm::es256,
                                             algorithm::es384, algorithm::es512,  algorithm::es256k,
                                             algorithm::eddsa, algorithm::ed448,  algorithm::hs256};
    for (const auto& alg : algs) {
        check_public(*jwk, alg);
        check_private(*jwk, alg);
        check_hmac(*jwk, alg);
    }
    (void)jot::jwk_thumbprint(*jwk);
    return 0;
}
