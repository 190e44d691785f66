// SPDX-License-Identifier: MIT
// Everything a verifier_builder collects and a verifier then reads: keys, expectations, checks, limits, clock.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "../claims.hpp"
#include "../header.hpp"
#include "../jti_store.hpp"
#include "../key_source.hpp"
#include "../token.hpp"
#include "token_cache.hpp"

namespace jot::detail {

/// A verifier's policy. Immutable once the verifier is built; copies of a verifier share its cache.
template <class Json, class Clock>
struct verifier_settings {
    /// One custom check over the verified header and claims; an empty error_code accepts. require_claim,
    /// expect_claim, expect() and expect_token() each add one, so they are one family: run in the order
    /// added, after every built-in check, on every verification and every cache hit alike, and a throw from
    /// any of them is errc::callback_failed.
    using check = std::function<std::error_code(const basic_header<Json>&, const basic_claims<Json>&)>;

    key_list keys;
    std::shared_ptr<const key_source> source;
    std::vector<std::string> issuers, audiences, types;
    std::vector<check> checks;
    std::string subject;
    bool has_subject = false;
    bool ignore_type = false;
    bool ignore_audience = false;
    bool allow_missing_exp = false;
    std::chrono::microseconds expiry_leeway{0};  ///< how long past "exp" (and max_age) a token still passes
    std::chrono::microseconds future_leeway{0};  ///< how far "nbf" and "iat" may be ahead of the clock
    std::chrono::microseconds max_age{0};
    bool has_max_age = false;
    decode_options decode;
    Clock clock{};
    std::shared_ptr<token_cache<basic_verified_token<Json>>> cache;
    std::shared_ptr<jti_store> revocation;
    revocation_options revocation_opts;
    bool require_jti = false;
};

} // namespace jot::detail
