// SPDX-License-Identifier: MIT
// jot::diagnostic: which check refused a token, what the token had and what the verifier expected.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include <openssl/evp.h>

#include "algorithm.hpp"
#include "bytes.hpp"
#include "detail/diagnose_key.hpp"
#include "detail/openssl.hpp"
#include "detail/pkey.hpp"
#include "detail/pkey_load.hpp"
#include "error.hpp"

namespace jot {

/// Longest value (after escaping) a diagnostic copies from a token; a longer one is cut and ends in "...".
inline constexpr std::size_t diagnostic_value_limit = 64;

/// What a verifier found wrong with a token: filled by basic_verifier::verify(token, diagnostic&) after a
/// failure, or listed by basic_verifier::explain(). It is worked out only once a token has been refused, by
/// reading the token again, so a successful verification pays nothing for it.
///
/// Security: it never holds the signature segment, a key's secret or the whole token. Values copied from the
/// token (an "iss", a "kid", a bad character) are escaped to printable ASCII (`\xNN`, `\"`, `\\`) and cut to
/// diagnostic_value_limit, so it can be logged or shown to a person. It does say what the verifier expects
/// (issuers, audiences, types, algorithms and key ids), which a server may prefer not to send to clients:
/// log it, and answer with the errc alone.
struct diagnostic {
    /// The code the failed check returns (empty when nothing failed).
    std::error_code error;
    /// The check that failed: "size", "segments", "base64url", "json", "header" (a registered member's
    /// type), "alg", "crit", "cty", "key" (choosing a key: "kid"), "signature", "typ", "claim" (a registered
    /// claim's type or value range), "exp", "nbf", "iat", "max_age", "iss", "aud", "sub", "jti", or, for
    /// checks whose details jot cannot see, "custom", "revocation" and "callback".
    std::string check;
    /// The header member or claim the check read ("kid", "aud", "exp", ...); empty when none.
    std::string name;
    /// For "base64url" and "json": the segment, "header", "payload" or "signature"; otherwise empty.
    std::string segment;
    /// For "base64url": the offset in the segment's base64url text; for "json": in its decoded JSON text, where
    /// the parser stopped. npos when the failure has no position.
    std::size_t offset = npos;
    /// What the token had (escaped and cut, JSON strings quoted), "absent" for a missing member, or empty.
    std::string found;
    /// What the verifier expected, or empty when there is nothing to say.
    std::string expected;

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// True when a check failed.
    explicit operator bool() const noexcept { return static_cast<bool>(error); }

    /// One line for a log or a terminal, e.g. `iss: found "https://a.example", expected "https://b.example"`
    /// or `base64url: payload segment, offset 17: found '*'`. Empty when nothing failed.
    std::string to_string() const {
        if (!error) return {};
        std::string s = check;
        if (!name.empty() && name != check) s += " \"" + name + "\"";
        s += ":";
        if (!segment.empty()) {
            s += " " + segment + " segment";
            if (offset != npos) s += ", offset " + std::to_string(offset);
            if (!found.empty() || !expected.empty()) s += ";";
        }
        if (!found.empty()) s += " found " + found;
        if (!expected.empty()) s += std::string(found.empty() ? "" : ",") + " expected " + expected;
        if (s.back() == ':') s += " " + error.message();
        return s;
    }
};

/// `value` made safe to show: printable ASCII kept, '"' and '\\' escaped, every other byte as `\xNN`, cut to
/// diagnostic_value_limit characters (ending in "..." when cut), so a hostile token cannot write control
/// sequences to a terminal or a log, nor fill it.
inline std::string sanitize_for_diagnostic(std::string_view value) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    std::size_t cut = 0;  // out's length at the last piece boundary that leaves room for "..."
    for (const char byte : value) {
        const auto c = static_cast<unsigned char>(byte);
        if (out.size() + 3 <= diagnostic_value_limit) cut = out.size();
        if (out.size() > diagnostic_value_limit) break;  // bounded work for a long value
        if (c == '"' || c == '\\') out += {'\\', static_cast<char>(c)};
        else if (c >= 0x20 && c < 0x7F) out += static_cast<char>(c);
        else out += {'\\', 'x', hex[c >> 4], hex[c & 0x0F]};
    }
    if (out.size() <= diagnostic_value_limit) return out;
    out.resize(cut);
    return out + "...";
}


/// Why `key` cannot serve `alg`: check "key", `found` the key ("EC P-384", "RSA 1024 bits"), `expected` what
/// `alg` needs ("EC P-256"), with the code the key constructors return: key_algorithm_mismatch (another type
/// or curve, or any key for HS*), key_too_weak, key_invalid, key_not_canonical, key_small_order. Empty when the
/// key fits `alg` (RFC 7518 §3). Nothing of the key's material is copied.
inline diagnostic diagnose_key(algorithm alg, EVP_PKEY* key) {
    diagnostic d;
    if (!key) return d;
    const auto fits = detail::check_pkey(alg, key, /*need_private=*/false);
    if (fits) return d;
    d.error = fits.error();
    d.check = "key";
    d.found = detail::describe_pkey(key);
    d.expected = detail::key_needed_by(alg);
    return d;
}

/// diagnose_key() for a PEM text holding a public key, a certificate or a (not encrypted) private key. Empty
/// when the text holds no key jot can read, or when the key fits `alg`.
inline diagnostic diagnose_key_pem(algorithm alg, std::string_view pem) {
    detail::openssl_error_scope scope;
    auto key = detail::is_private_key_label(detail::first_pem_label(pem))
                   ? detail::load_private("PEM", bytes_view(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()), {})
                   : detail::load_public_pem(pem);
    if (!key) return {};
    return diagnose_key(alg, key->get());
}

} // namespace jot
