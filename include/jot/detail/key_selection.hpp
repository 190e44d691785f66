// SPDX-License-Identifier: MIT
// Which keys check a token's signature: by "alg", then by "kid", bounded, from fixed keys and a key source.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>

#include "../algorithm.hpp"
#include "../bytes.hpp"
#include "../error.hpp"
#include "../key_source.hpp"
#include "../result.hpp"
#include "../signer.hpp"
#include "user_code.hpp"

namespace jot::detail {

/// Most keys of a key source tried for a token without "kid" (a token with one is checked only against keys
/// with that kid, and keys without any).
inline constexpr std::size_t max_keys_without_kid = 4;

/// Longest signature jot decodes, read from the algorithm table (an RSA-8192 signature). Longer is rejected
/// before decoding.
inline constexpr std::size_t max_signature_octets = max_signature_octets_of_all;

/// One signature check over candidate keys: only keys of the token's algorithm; with a "kid", keys with
/// another kid are skipped (keys without a kid are tried); from a key source, at most
/// max_keys_without_kid keys are tried for a token that names none, so a set of many keys cannot be made
/// to cost many signature checks per token.
struct key_attempt {
    algorithm alg;
    std::string_view kid;
    bool has_kid;
    std::string_view signing_input;
    bytes_view signature;
    bool alg_matched = false;
    bool kid_seen = false;
    bool verified = false;
    std::size_t tried = 0;
    std::error_code last = make_error_code(errc::key_not_found);

    void try_keys(const key_list& keys, bool bounded) {
        std::size_t tried_here = 0;
        for (const auto& k : keys) {
            if (verified) return;
            if (!k || k->alg() != alg) continue;
            alg_matched = true;
            const std::string_view key_kid = k->key_id();
            if (has_kid && !key_kid.empty()) {
                if (key_kid != kid) continue;
                kid_seen = true;
            } else if (bounded && tried_here >= max_keys_without_kid) {
                continue;
            }
            ++tried;
            ++tried_here;
            // A verification_key of the caller's own may throw: that key counts as failed, closed.
            auto r = call_user_code([&] { return k->verify(signing_input, signature); },
                                            [] { return result<void>(errc::callback_failed); });
            if (r) verified = true;
            else last = r.error();
        }
    }
};

/// The key source's current keys. Errors: errc::callback_failed when the source throws. A source that breaks
/// its contract by returning null gives an empty list (fail closed, never a null dereference).
inline result<std::shared_ptr<const key_list>> source_keys(const key_source& source) {
    static const auto none = std::make_shared<const key_list>();
    bool threw = false;
    auto keys = call_user_code([&source] { return source.current_keys(); },
                               [&threw] {
                                   threw = true;
                                   return std::shared_ptr<const key_list>();
                               });
    if (threw) return errc::callback_failed;
    if (!keys) return none;
    return keys;
}

/// Checks `signature` over `signing_input` with the fixed `keys`, then with `source`'s keys (if any), then,
/// for a "kid" no key has, with the keys a refresh of the source brings (RFC 7517 §4.5: a rotation the source
/// has not seen yet). Errors: algorithm_not_allowed (no key of `alg`), key_not_found (keys of `alg`, none
/// with the kid), the last key's error (signature_invalid, signature_length_invalid, ...), callback_failed
/// (the source threw).
inline result<void> verify_with_keys(const key_list& keys, const key_source* source, algorithm alg,
                                     std::string_view kid, bool has_kid, std::string_view signing_input,
                                     bytes_view signature) {
    key_attempt attempt{alg, kid, has_kid, signing_input, signature};
    attempt.try_keys(keys, /*bounded=*/false);
    if (attempt.verified) return {};
    if (source) {
        auto current = source_keys(*source);
        if (!current) return current.error();
        attempt.try_keys(**current, /*bounded=*/true);
        if (attempt.verified) return {};
        if (attempt.has_kid && !attempt.kid_seen) {
            bool threw = false;
            auto fresh = call_user_code([&] { return source->refresh_for_unknown_kid(kid); },
                                        [&threw] {
                                            threw = true;
                                            return std::shared_ptr<const key_list>();
                                        });
            if (threw) return errc::callback_failed;
            if (fresh) {
                attempt.try_keys(*fresh, /*bounded=*/true);
                if (attempt.verified) return {};
            }
        }
    }
    if (!attempt.alg_matched) return errc::algorithm_not_allowed;
    if (!attempt.tried) return errc::key_not_found;
    return attempt.last;
}

} // namespace jot::detail
