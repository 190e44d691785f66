// SPDX-License-Identifier: MIT
// jot::key_source: verification keys that can change while a verifier uses them (a rotating JWK Set).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "signer.hpp"

namespace jot {

/// An immutable list of verification keys, shared between a key source and the verifications using it.
using key_list = std::vector<std::shared_ptr<const verification_key>>;

/// Keys a verifier asks for on every verification, so they can be replaced without rebuilding the verifier.
/// Implementations must be safe to call from many threads at once (the verifier is shared).
class key_source {
public:
    virtual ~key_source() = default;

    /// The keys in force now; never null (an empty list when there are none).
    virtual std::shared_ptr<const key_list> current_keys() const = 0;

    /// Called when a token names a "kid" that no current key has. A source may refresh (rate-limited, so a
    /// flood of invented kids cannot hammer the issuer) and return the new keys; nullptr means "nothing new".
    /// Security: `kid` is untrusted input: compare it, never use it to build a path, URL or query
    /// (RFC 8725 §3.10).
    virtual std::shared_ptr<const key_list> refresh_for_unknown_kid(std::string_view kid) const {
        (void)kid;
        return nullptr;
    }
};

} // namespace jot
