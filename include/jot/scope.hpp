// SPDX-License-Identifier: MIT
// OAuth 2.0 scope checks on verified claims: a space-separated "scope" string (RFC 8693 §4.2, RFC 9068 §2.2.3)
// or an "scp" array of strings.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "claims.hpp"
#include "error.hpp"
#include "result.hpp"

namespace jot {

namespace detail {
template <class Json>
bool scope_granted(const Json& v, std::string_view want) {
    if (v.is_string()) {
        std::string_view s = v.template get_ref<const typename Json::string_t&>();
        while (!s.empty()) {
            const std::size_t sp = s.find(' ');
            if (s.substr(0, sp) == want) return true;
            if (sp == std::string_view::npos) break;
            s.remove_prefix(sp + 1);
        }
        return false;
    }
    for (const auto& e : v)
        if (e.is_string() && e.template get_ref<const typename Json::string_t&>() == want) return true;
    return false;
}
} // namespace detail

/// Succeeds when every scope in `required` is granted by the claim set: "scope" as a space-separated string
/// (compared exactly, case-sensitive) or, when there is no "scope", "scp" as an array of strings (or a string).
/// Errors: errc::insufficient_scope (a scope is missing, or neither claim is present), errc::invalid_argument
/// (an empty required scope or one containing a space), errc::claim_wrong_type
/// ("scope" not a string, "scp" neither a string nor an array of strings).
template <class Json, class Range>
result<void> require_scopes(const basic_claims<Json>& token_claims, const Range& required) {
    const Json* v = token_claims.find("scope");
    if (v) {
        if (!v->is_string()) return errc::claim_wrong_type;
    } else {
        v = token_claims.find("scp");
        if (v) {
            if (v->is_array()) {
                for (const auto& e : *v)
                    if (!e.is_string()) return errc::claim_wrong_type;
            } else if (!v->is_string()) {
                return errc::claim_wrong_type;
            }
        }
    }
    for (const auto& want : required) {
        const std::string_view w(want);
        if (w.empty() || w.find(' ') != std::string_view::npos) return errc::invalid_argument;
        if (!v || !detail::scope_granted(*v, w)) return errc::insufficient_scope;
    }
    return {};
}

template <class Json>
result<void> require_scopes(const basic_claims<Json>& token_claims, std::initializer_list<std::string_view> required) {
    return require_scopes<Json, std::initializer_list<std::string_view>>(token_claims, required);
}

} // namespace jot
