// SPDX-License-Identifier: MIT
// Refresh-token rotation with reuse detection (RFC 9700 §4.14) over a jti_store: each refresh token works once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "error.hpp"
#include "jti_store.hpp"
#include "result.hpp"

namespace jot {

/// Rotates refresh tokens and detects their reuse (OAuth 2.0 Security BCP, RFC 9700 §4.14.2). A login starts a
/// "family" (a session id the issuer puts in every token of that login); every refresh token of the family has
/// its own "jti" and may be exchanged once. When an exchanged token is presented again, two parties hold it (its
/// owner and whoever copied it) and nobody can tell which is which, so the whole family is revoked: its newest
/// refresh token stops working, and a verifier that consults family_revoked() refuses its access tokens.
///
/// The state is two kinds of entries in the store, both under one purpose: used refresh-token ids (use_once,
/// one atomic round trip, kept until the token's "exp") and revoked families (kept until the family could still
/// have a live token). Nothing is written at login. Thread-safe when the store is.
class refresh_rotation {
public:
    using time_point = jti_store::time_point;

    /// Rotation over `store`; `purpose` is the store's namespace for this issuer's refresh tokens.
    explicit refresh_rotation(std::shared_ptr<jti_store> store, std::string purpose = "refresh")
        : store_(std::move(store)), purpose_(std::move(purpose)) {}

    /// Exchanges the refresh token `token_id` of `family`, verified by the caller (signature, "exp", audience):
    /// on success the caller issues the next token of the same family with a new "jti".
    ///
    /// `token_expires` is the presented token's "exp" (how long its use must be remembered); `family_expires` is
    /// how long a revocation of the family must last (the latest "exp" any token of the family can have).
    /// Errors: token_revoked (the family was revoked: logout, or an earlier reuse), token_replayed (the token
    /// was exchanged before: the family is revoked now), jti_store_unavailable / jti_store_full (the store
    /// failed: refuse the refresh; the family is untouched), invalid_argument (empty ids, a past expiry).
    result<void> rotate(std::string_view family, std::string_view token_id, time_point token_expires,
                        time_point family_expires) const {
        if (family.empty() || token_id.empty()) return errc::invalid_argument;
        auto revoked = family_revoked(family);
        if (!revoked) return revoked.error();
        if (*revoked) return errc::token_revoked;
        auto first = guarded([&] { return store_->use_once(purpose_, token_id, token_expires); });
        if (!first) return first.error();
        if (*first) return {};
        // RFC 9700 §4.14.2: reuse of a rotated refresh token invalidates the active one too.
        if (auto r = revoke_family(family, family_expires); !r) return r.error();
        return errc::token_replayed;
    }

    /// Revokes a whole family (logout) until `until`. Errors: as jti_store::revoke.
    result<void> revoke_family(std::string_view family, time_point until) const {
        return guarded([&] { return store_->revoke(purpose_, family, until); });
    }

    /// True when `family` was revoked. Errors: jti_store_unavailable.
    result<bool> family_revoked(std::string_view family) const {
        return guarded([&] { return store_->is_revoked(purpose_, family); });
    }

private:
    // A store the caller plugged in may throw; jot's no-throw paths turn that into a store failure.
    template <class F>
    static auto guarded(F&& f) noexcept -> decltype(f()) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        try {
            return f();
        } catch (...) {
            return errc::jti_store_unavailable;
        }
#else
        return f();
#endif
    }

    std::shared_ptr<jti_store> store_;
    std::string purpose_;
};

} // namespace jot
