// SPDX-License-Identifier: MIT
// Sharp tools kept out of the umbrella header: decoding a token WITHOUT verifying it.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "base64url.hpp"
#include "claims.hpp"
#include "error.hpp"
#include "header.hpp"
#include "result.hpp"
#include "token.hpp"

/// Everything here skips verification. Nothing in it may decide whether to trust a token.
namespace jot::dangerous {

/// A decoded but UNVERIFIED token: anyone could have written every byte of it.
template <class Json = nlohmann::json>
struct basic_unverified_token {
    basic_header<Json> header;
    basic_claims<Json> claims;
    std::string signature;  ///< raw signature octets
};

using unverified_token = basic_unverified_token<nlohmann::json>;

/// Decodes a compact JWT without checking its signature or any claim, with the same strict parsing as the
/// verifier (size, shape, canonical base64url, UTF-8, JSON objects, no duplicates, bounded depth).
/// Use it to show a token to a person, or to read "kid"/"iss" for routing before real verification.
/// Errors: the malformed condition codes.
template <class Json = nlohmann::json>
result<basic_unverified_token<Json>> decode_unverified(std::string_view token, const decode_options& opts = {}) {
    auto parts = detail::split_compact(token, opts);
    if (!parts) return parts.error();
    auto h = detail::decode_json_segment<Json>(parts->header, opts);
    if (!h) return h.error();
    auto p = detail::decode_json_segment<Json>(parts->payload, opts);
    if (!p) return p.error();
    auto sig = base64url::decode<std::string>(parts->signature);
    if (!sig) return sig.error();
    return basic_unverified_token<Json>{*basic_header<Json>::from_json(std::move(*h)),
                                        *basic_claims<Json>::from_json(std::move(*p)), std::move(*sig)};
}

} // namespace jot::dangerous
