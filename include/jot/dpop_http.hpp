// SPDX-License-Identifier: MIT
// DPoP on the wire (RFC 9449 §7, §8, §9; RFC 6750 §3): the DPoP and Authorization header fields a resource server
// reads, and the WWW-Authenticate challenges and statuses it answers a refused request with.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bearer.hpp"
#include "detail/ascii.hpp"
#include "error.hpp"
#include "result.hpp"

namespace jot::dpop {

/// The single proof of a request, from the values of its DPoP header fields (RFC 9449 §4.3 step 1: "there is not
/// more than one DPoP HTTP request header field"). Errors: errc::dpop_proof_missing (no field, or an empty one),
/// errc::dpop_proof_multiple (two fields, or one value holding a ',' list, which a compact JWS never contains).
inline result<std::string_view> single_proof(const std::vector<std::string_view>& header_values) noexcept {
    if (header_values.empty()) return errc::dpop_proof_missing;
    if (header_values.size() > 1) return errc::dpop_proof_multiple;
    std::string_view v = header_values.front();
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    if (v.empty()) return errc::dpop_proof_missing;
    if (v.find(',') != std::string_view::npos) return errc::dpop_proof_multiple;
    return v;
}

/// How an access token was presented.
enum class scheme { bearer, dpop };

/// An Authorization header value read as `Bearer <token>` (RFC 6750 §2.1) or `DPoP <token>` (RFC 9449 §7.1).
struct authorization {
    jot::dpop::scheme scheme;
    std::string_view token;  ///< a view into the header value
};

/// Reads an Authorization header value with either scheme (compared case-insensitively, RFC 7235 §2.1), one or
/// more spaces, then one token68/b64token. Errors: errc::bearer_missing (empty), errc::bearer_wrong_scheme
/// (another scheme), errc::bearer_malformed (no token, two tokens, a character outside the grammar).
inline result<authorization> parse_authorization(std::string_view value) noexcept {
    while (!value.empty() && bearer::detail::is_ows(value.front())) value.remove_prefix(1);
    while (!value.empty() && bearer::detail::is_ows(value.back())) value.remove_suffix(1);
    if (value.empty()) return errc::bearer_missing;
    std::size_t i = 0;
    while (i < value.size() && value[i] != ' ' && value[i] != '\t') ++i;
    const std::string_view name = value.substr(0, i);
    authorization out{scheme::bearer, {}};
    if (jot::detail::iequals(name, "DPoP")) out.scheme = scheme::dpop;
    else if (!jot::detail::iequals(name, "Bearer")) return errc::bearer_wrong_scheme;
    std::size_t j = i;
    while (j < value.size() && value[j] == ' ') ++j;
    if (j == i || j == value.size()) return errc::bearer_malformed;
    const std::string_view token = value.substr(j);
    std::size_t k = 0;
    while (k < token.size() && bearer::detail::is_b64token_char(token[k])) ++k;
    if (k == 0) return errc::bearer_malformed;
    while (k < token.size() && token[k] == '=') ++k;
    if (k != token.size()) return errc::bearer_malformed;
    out.token = token;
    return out;
}

/// What failed: the access token (checked by a jot verifier) or the DPoP proof (checked by a proof verifier).
enum class failure_source { access_token, proof };

/// True for the codes that ask the client to retry with the server's nonce (RFC 9449 §8, §9).
inline bool is_nonce_error(std::error_code why) noexcept {
    return why == errc::dpop_nonce_required || why == errc::dpop_nonce_mismatch;
}

/// The `WWW-Authenticate` value for a refused DPoP request (RFC 9449 §7.1, RFC 6750 §3):
/// - nonce codes: `DPoP error="use_dpop_nonce"` (send a fresh nonce in the DPoP-Nonce header, RFC 9449 §8);
/// - errc::insufficient_scope: `error="insufficient_scope"`;
/// - errc::dpop_token_unbound and every failure of the access token: `error="invalid_token"`;
/// - every other failure of the proof (errc::dpop_key_mismatch included): `error="invalid_dpop_proof"`;
/// - a malformed Authorization header: `error="invalid_request"`.
/// `algs` (space-separated, e.g. "ES256 EdDSA") is sent as the "algs" parameter when given. The description is
/// fixed per kind, never a claim or token.
inline std::string challenge(std::error_code why, failure_source source, std::string_view realm = {},
                             std::string_view algs = {}) {
    std::string out = "DPoP";
    if (!realm.empty()) bearer::detail::append_param(out, "realm", realm);
    const char* error = "invalid_token";
    const char* description = "the access token is invalid";
    if (is_nonce_error(why)) {
        error = "use_dpop_nonce";
        description = "the DPoP proof must carry the server's current nonce";
    } else if (why == errc::insufficient_scope) {
        error = "insufficient_scope";
        description = "the access token lacks a required scope";
    } else if (why == errc::bearer_malformed || why == errc::bearer_wrong_scheme) {
        error = "invalid_request";
        description = "expected one DPoP or Bearer token";
    } else if (why == errc::dpop_token_unbound) {
        description = "the access token is not bound to a DPoP key";
    } else if (source == failure_source::proof) {
        error = "invalid_dpop_proof";
        description = why == errc::dpop_key_mismatch ? "the DPoP proof key is not the key the access token is bound to"
                                                      : "the DPoP proof is invalid";
    }
    bearer::detail::append_param(out, "error", error);
    bearer::detail::append_param(out, "error_description", description);
    if (!algs.empty()) bearer::detail::append_param(out, "algs", algs);
    return out;
}

/// The `WWW-Authenticate` value for a request without credentials (RFC 9449 §7.1): `DPoP` with "algs".
inline std::string challenge(std::string_view realm = {}, std::string_view algs = {}) {
    std::string out = "DPoP";
    if (!realm.empty()) bearer::detail::append_param(out, "realm", realm);
    if (!algs.empty()) bearer::detail::append_param(out, "algs", algs);
    return out;
}

/// The HTTP status for a refused request: 403 for insufficient_scope, 400 for a malformed Authorization header
/// or several DPoP headers, 401 otherwise (nonce requests included, RFC 9449 §9).
inline int status_for(std::error_code why) noexcept {
    if (why == errc::insufficient_scope) return 403;
    if (why == errc::bearer_malformed || why == errc::bearer_wrong_scheme || why == errc::dpop_proof_multiple)
        return 400;
    return 401;
}

} // namespace jot::dpop
