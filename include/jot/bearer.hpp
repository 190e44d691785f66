// SPDX-License-Identifier: MIT
// OAuth 2.0 Bearer tokens in HTTP (RFC 6750): reading the Authorization header, writing WWW-Authenticate.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "error.hpp"
#include "result.hpp"

namespace jot::bearer {

namespace detail {
inline bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }
inline bool is_b64token_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~' || c == '+' || c == '/';
}
inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
/// Appends `v` as a quoted-string, keeping only the characters RFC 6750 §3 allows in its parameters
/// (%x20-21 / %x23-5B / %x5D-7E): anything else is dropped rather than escaped, so no header injection.
inline void append_param(std::string& out, std::string_view name, std::string_view v) {
    if (out.size() > 6) out += ',';
    out += ' ';
    out.append(name.data(), name.size());
    out += "=\"";
    for (char c : v)
        if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') out += c;
    out += '"';
}
} // namespace detail

/// Extracts the token from an Authorization header value: `Bearer <b64token>` (RFC 6750 §2.1). The scheme is
/// compared case-insensitively (RFC 7235 §2.1); one or more spaces separate it from the token; surrounding
/// optional whitespace is ignored. The view points into `header_value`.
/// Errors: errc::bearer_missing (empty or whitespace only), errc::bearer_wrong_scheme (another scheme, e.g.
/// Basic), errc::bearer_malformed (no token, two tokens, or a character outside the b64token grammar).
inline result<std::string_view> extract(std::string_view header_value) noexcept {
    while (!header_value.empty() && detail::is_ows(header_value.front())) header_value.remove_prefix(1);
    while (!header_value.empty() && detail::is_ows(header_value.back())) header_value.remove_suffix(1);
    if (header_value.empty()) return errc::bearer_missing;

    constexpr std::string_view scheme = "bearer";
    std::size_t i = 0;
    while (i < header_value.size() && header_value[i] != ' ' && header_value[i] != '\t') ++i;
    const std::string_view got = header_value.substr(0, i);
    bool is_bearer = got.size() == scheme.size();
    for (std::size_t k = 0; is_bearer && k < got.size(); ++k) is_bearer = detail::lower(got[k]) == scheme[k];
    if (!is_bearer) return errc::bearer_wrong_scheme;

    // RFC 6750 §2.1: "Bearer" 1*SP b64token
    std::size_t j = i;
    while (j < header_value.size() && header_value[j] == ' ') ++j;
    if (j == i || j == header_value.size()) return errc::bearer_malformed;
    const std::string_view token = header_value.substr(j);
    std::size_t k = 0;
    while (k < token.size() && detail::is_b64token_char(token[k])) ++k;
    if (k == 0) return errc::bearer_malformed;
    while (k < token.size() && token[k] == '=') ++k;
    if (k != token.size()) return errc::bearer_malformed; // a space (second token) or a forbidden character
    return token;
}

/// The WWW-Authenticate value for a request without credentials: `Bearer realm="..."` (RFC 6750 §3: no error
/// code when the request had no token at all).
inline std::string challenge(std::string_view realm = {}) {
    std::string out = "Bearer";
    if (!realm.empty()) detail::append_param(out, "realm", realm);
    return out;
}

/// The WWW-Authenticate value for a rejected token (RFC 6750 §3.1): error="invalid_token" (401) with a short
/// description derived from the code's condition (never the token, a claim value or a key), or, for
/// errc::insufficient_scope, error="insufficient_scope" (403) with the required `scope`.
inline std::string challenge(std::error_code why, std::string_view realm = {}, std::string_view scope = {}) {
    std::string out = "Bearer";
    if (!realm.empty()) detail::append_param(out, "realm", realm);
    if (why == errc::insufficient_scope) {
        detail::append_param(out, "error", "insufficient_scope");
        detail::append_param(out, "error_description", "the access token lacks a required scope");
        if (!scope.empty()) detail::append_param(out, "scope", scope);
        return out;
    }
    if (why == errc::bearer_malformed || why == errc::bearer_wrong_scheme) {
        detail::append_param(out, "error", "invalid_request");
        detail::append_param(out, "error_description", "expected one Bearer token");
        return out;
    }
    detail::append_param(out, "error", "invalid_token");
    const char* description = "the access token is invalid";
    if (why == errc::token_expired) description = "the access token expired";
    else if (why == condition::malformed) description = "the access token is malformed";
    else if (why == condition::claims_rejected) description = "the access token is not valid for this resource";
    detail::append_param(out, "error_description", description);
    return out;
}

/// The HTTP status RFC 6750 §3.1 pairs with a failure: 403 for insufficient_scope, 400 for a malformed
/// Authorization header, 401 otherwise.
inline int status_for(std::error_code why) noexcept {
    if (why == errc::insufficient_scope) return 403;
    if (why == errc::bearer_malformed || why == errc::bearer_wrong_scheme) return 400;
    return 401;
}

} // namespace jot::bearer
