// SPDX-License-Identifier: MIT
// OAuth 2.0 scope checks on verified claims: a space-separated "scope" string (RFC 8693 §4.2, RFC 9068 §2.2.3)
// or an "scp" array of strings.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "claims.hpp"
#include "error.hpp"
#include "result.hpp"

namespace jot {

namespace detail {
/// True when the space-separated list `granted` holds `want`.
inline bool scope_listed(std::string_view granted, std::string_view want) {
    while (!granted.empty()) {
        const std::size_t sp = granted.find(' ');
        if (granted.substr(0, sp) == want) return true;
        if (sp == std::string_view::npos) break;
        granted.remove_prefix(sp + 1);
    }
    return false;
}
} // namespace detail

/// Succeeds when every scope in `required` is granted by the claim set: "scope" as a space-separated string
/// (compared exactly, case-sensitive) or, when there is no "scope", "scp" as an array of strings (or a string).
/// Errors: errc::insufficient_scope (a scope is missing, or neither claim is present), errc::invalid_argument
/// (an empty required scope or one containing a space), errc::claim_wrong_type
/// ("scope" not a string, "scp" neither a string nor an array of strings).
/// Reads the claims through typed getters, so a verified token's claims are read from its text, no DOM built.
template <class Json, class Range>
result<void> require_scopes(const basic_claims<Json>& token_claims, const Range& required) {
    std::string_view granted;  // "scope", or "scp" as a string
    std::vector<std::string> listed; // "scp" as an array
    bool present = true;
    if (auto scope = token_claims.template get<std::string_view>("scope")) {
        granted = *scope;
    } else if (scope.error() != make_error_code(errc::claim_missing)) {
        return errc::claim_wrong_type;
    } else if (auto scp = token_claims.template get<std::string_view>("scp")) {
        granted = *scp;
    } else if (scp.error() == make_error_code(errc::claim_missing)) {
        present = false;
    } else {
        auto list = token_claims.template get<std::vector<std::string>>("scp");
        if (!list) return errc::claim_wrong_type;
        listed = std::move(*list);
    }
    for (const auto& want : required) {
        const std::string_view w(want);
        if (w.empty() || w.find(' ') != std::string_view::npos) return errc::invalid_argument;
        const bool granted_here = listed.empty() ? detail::scope_listed(granted, w)
                                                 : std::find(listed.begin(), listed.end(), w) != listed.end();
        if (!present || !granted_here) return errc::insufficient_scope;
    }
    return {};
}

template <class Json>
result<void> require_scopes(const basic_claims<Json>& token_claims, std::initializer_list<std::string_view> required) {
    return require_scopes<Json, std::initializer_list<std::string_view>>(token_claims, required);
}

} // namespace jot
